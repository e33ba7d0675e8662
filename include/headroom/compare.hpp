#pragma once

// The question people bring: on my amplifier, which output (single-ended or balanced) and which gain setting,
// and what do I gain? This compares every output stage of one amplifier for one headphone and programme, advises
// a gain setting per output, ranks the outputs by fitness for the job and words the verdict, so that the command
// line, the Python module and the web page all give the same answer.
//
// Fitness, in order (docs/model.md, "Choosing an output"):
//   1. enough headroom for the programme (at least `enough`, 0 dB by default): an output that clips loses;
//   2. for a sensitive headphone (S_V of 110 dB SPL/V or more, where a few microvolts of hiss become audible),
//      less hiss, then a lower output impedance (a flatter response, more damping);
//   3. more headroom.
// Gain advice: of an output's settings, the one with the lowest maximum level that still has enough headroom:
// the most travel on the volume knob and the least hiss. Without a programme, the loudest setting is advised.
// The verdict is worded here (with fmt), once, for every front end.

#include "headroom/analysis.hpp"
#include "headroom/decibel.hpp"
#include "headroom/output_stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace headroom {

// One output stage of an amplifier: the output (jack) it belongs to and its gain setting ("" when it has none).
struct output_option {
    std::string output;
    std::string gain_setting;
    output_stage stage;
};

struct compared_option {
    output_option option;
    pair_analysis analysis;
    bool recommended_gain = false;  // the setting advised for this output (always true when it has one setting)
};

struct comparison {
    std::vector<compared_option> options;  // in the order given
    std::vector<std::size_t> ranking;      // indices of the advised setting of each output, best first
    std::optional<programme> programme_used;
    gain enough;                           // the headroom counted as enough
    bool sensitive_headphone = false;
    // Balanced against single-ended, the advised setting of the best of each, when the amplifier has both.
    std::optional<std::size_t> best_balanced, best_single_ended;

    [[nodiscard]] const compared_option& best() const { return options.at(ranking.front()); }
};

// A headphone this sensitive (S_V of 110 dB SPL/V or more) makes a few microvolts of hiss audible.
inline constexpr double sensitive_db_per_v = 110.0;

[[nodiscard]] inline bool is_sensitive(const headphone& hp) noexcept { return hp.sensitivity_per_volt().db() >= sensitive_db_per_v; }

namespace detail {

[[nodiscard]] inline double headroom_or_level(const compared_option& c) noexcept {
    return c.analysis.headroom ? c.analysis.headroom->margin.db() : c.analysis.max.max_level.db();
}

}  // namespace detail

// Whether an option has at least `enough` headroom for the programme (always, without a programme).
[[nodiscard]] inline bool has_enough(const compared_option& c, gain enough) noexcept {
    return !c.analysis.headroom || c.analysis.headroom->margin >= enough;
}

// Whether a is fitter than b for the job (see the header comment): the one ranking rule of pair, sweep, the
// Python module and the web page.
[[nodiscard]] inline bool fitter(const compared_option& a, const compared_option& b, gain enough, bool sensitive) noexcept {
    const bool ea = has_enough(a, enough), eb = has_enough(b, enough);
    if (ea != eb) return ea;
    if (ea && sensitive) {
        const auto hiss_of = [](const compared_option& c) {
            return c.analysis.hiss ? c.analysis.hiss->high.db() : std::numeric_limits<double>::infinity();
        };
        const double ha = hiss_of(a), hb = hiss_of(b);
        if (std::abs(ha - hb) > 0.5) return ha < hb;  // half a dB is within the figures' own uncertainty
        const auto z_of = [](const compared_option& c) {
            return c.option.stage.output_impedance_stated() ? value_in(c.option.stage.output_impedance(), ohm)
                                                             : std::numeric_limits<double>::infinity();
        };
        const double za = z_of(a), zb = z_of(b);
        if (za != zb) return za < zb;
    }
    return detail::headroom_or_level(a) > detail::headroom_or_level(b);
}

// Compares options (typically every setting of every output of one amplifier) for a headphone and a programme.
[[nodiscard]] inline comparison compare_outputs(std::vector<output_option> options, const headphone& hp,
                                                const std::optional<programme>& p, gain enough = gain::of_db(0.0)) {
    if (options.empty()) throw spec_error{"comparison", "outputs", "are missing: give at least one output stage"};
    comparison c;
    c.programme_used = p;
    c.enough = enough;
    c.sensitive_headphone = is_sensitive(hp);
    for (auto& o : options) {
        pair_analysis a = analyse(o.stage, hp, p);
        c.options.push_back({std::move(o), std::move(a), false});
    }
    // Gain advice per output: the quietest setting with enough headroom, else the one with the most.
    std::vector<std::string> outputs;
    for (const auto& o : c.options)
        if (std::find(outputs.begin(), outputs.end(), o.option.output) == outputs.end()) outputs.push_back(o.option.output);
    for (const auto& name : outputs) {
        std::optional<std::size_t> pick;
        for (std::size_t k = 0; k < c.options.size(); ++k) {
            const auto& o = c.options[k];
            if (o.option.output != name) continue;
            if (!pick) {
                pick = k;
                continue;
            }
            const auto& best = c.options[*pick];
            const bool ok = p && has_enough(o, enough), best_ok = p && has_enough(best, enough);
            const double level = o.analysis.max.max_level.db(), best_level = best.analysis.max.max_level.db();
            if (p ? (ok != best_ok ? ok : (ok ? level < best_level : level > best_level)) : level > best_level) pick = k;
        }
        c.options[*pick].recommended_gain = true;
        c.ranking.push_back(*pick);
    }
    std::stable_sort(c.ranking.begin(), c.ranking.end(), [&](std::size_t a, std::size_t b) {
        return fitter(c.options[a], c.options[b], enough, c.sensitive_headphone);
    });
    for (const std::size_t k : c.ranking) {
        auto& slot = c.options[k].option.stage.kind() == topology::balanced ? c.best_balanced : c.best_single_ended;
        if (!slot) slot = k;
    }
    return c;
}

// "4.4mm balanced: +6.2 dB headroom over 3.5mm; hiss +2.5 dB at 95 dB SPL" and the recommendation, one line each.
[[nodiscard]] inline std::vector<std::string> verdict_lines(const comparison& c) {
    std::vector<std::string> lines;
    const auto label = [](const compared_option& o) {
        return o.option.gain_setting.empty() ? o.option.output : o.option.output + " (" + o.option.gain_setting + " gain)";
    };
    const compared_option& best = c.best();
    if (c.best_balanced && c.best_single_ended) {
        const auto& bal = c.options[*c.best_balanced];
        const auto& se = c.options[*c.best_single_ended];
        std::string line;
        if (c.programme_used) {
            const double d = bal.analysis.headroom->margin.db() - se.analysis.headroom->margin.db();
            line = fmt::format("{}: {:+.1f} dB headroom over {}", bal.option.output, d, se.option.output);
        } else {
            const double d = bal.analysis.max.max_level.db() - se.analysis.max.max_level.db();
            line = fmt::format("{}: {:+.1f} dB louder at most than {}", bal.option.output, d, se.option.output);
        }
        if (bal.analysis.hiss && se.analysis.hiss) {
            const double lo = bal.analysis.hiss->low.db() - se.analysis.hiss->low.db();
            const double hi = bal.analysis.hiss->high.db() - se.analysis.hiss->high.db();
            line += std::abs(hi - lo) < 0.05 ? fmt::format("; hiss {:+.1f} dB", hi) : fmt::format("; hiss {:+.1f} to {:+.1f} dB", lo, hi);
            if (c.programme_used) line += fmt::format(" at {:.0f} dB SPL", c.programme_used->average_level().db());
        } else {
            line += "; hiss not known for both";
        }
        lines.push_back(line);
    }
    std::string advice = "use " + label(best);
    if (c.programme_used) {
        const double h = best.analysis.headroom->margin.db();
        if (h >= c.enough.db()) {
            advice += fmt::format(": {:+.1f} dB headroom for {:.0f} dB SPL with {:.0f} dB peaks", h,
                                  c.programme_used->average_level().db(), c.programme_used->crest_factor().db());
            if (c.sensitive_headphone && best.analysis.hiss)
                advice += fmt::format(", hiss {:.1f} dB SPL", best.analysis.hiss->high.db());
        } else {
            advice += fmt::format(", but even it falls {:.1f} dB short: the programme's peaks will clip", -h);
        }
    } else {
        advice += fmt::format(": the loudest, {:.1f} dB SPL at most", best.analysis.max.max_level.db());
    }
    lines.push_back(advice);
    return lines;
}

}  // namespace headroom
