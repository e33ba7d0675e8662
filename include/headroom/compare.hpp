#pragma once

// The question people bring: on my amplifier, which output (single-ended or balanced) and which gain setting,
// and what do I gain? This compares every output stage of one amplifier for one headphone and programme, advises
// a gain setting per output, ranks the outputs by fitness for the job and words the verdict, so that the command
// line, the Python module and the web page all give the same answer.
//
// Fitness, in order (docs/model.md, "Choosing an output"):
//   1. enough headroom for the programme (at least `enough`, 0 dB by default): an output that clips loses;
//   2. for a sensitive headphone (S_V of 110 dB SPL/V or more, where a few microvolts of hiss become audible),
//      less hiss as heard (A-weighted; an output whose noise is not known after every one whose noise is), then a
//      lower output impedance (a flatter response, more damping);
//   3. more headroom.
// Setting advice (docs/physics.md section 8), among one output's settings: enough headroom first; then, among
// those with enough, one that meets the 1/8 rule over one that fails it or whose Z_out is unknown; then for gain
// settings the lowest maximum level (the most travel on the volume knob and the least hiss; without a programme the
// loudest), for output-impedance selectors the lowest Z_out (the flattest response, the most damping). A
// load-sensed output offers only the mode the device selects (options_of, recommend.hpp).
// The verdict is worded by the front ends' words (headroom/frontend/words.hpp), once, for all of them.

#include "headroom/analysis.hpp"
#include "headroom/decibel.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/output_stage.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace headroom {

// One output stage of an amplifier: the output (jack) it belongs to and its setting ("" when it has none), and
// what kind of setting that is.
struct output_option {
    std::string output;
    std::string gain_setting;
    output_stage stage;
    setting_kind kind = setting_kind::gain;
};

struct compared_option {
    output_option option;
    pair_analysis analysis;
    // Across 20 Hz-20 kHz, where the headphone has an impedance curve or an EQ is given.
    std::optional<frequency_analysis> across;
    bool recommended_gain = false;  // the setting advised for this output (always true when it has one setting)
    // Advised although it fails the 1/8 rule, because the settings of this output that meet it lack the headroom.
    bool fails_one_eighth_for_headroom = false;
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

// An option's worst case across the band, where its analysis across frequency has one (the headphone has a curve
// or an EQ is given, and there is a programme); null where the headphone is flat across the band.
[[nodiscard]] inline const frequency_headroom* band_worst(const compared_option& c) noexcept {
    return c.across && c.across->headroom ? &*c.across->headroom : nullptr;
}

// The headroom an option is judged by: at the load the limits are taken at, or, where the analysis across
// frequency finds less (an EQ's boost, a reactive load), the worst of it. None without a programme.
[[nodiscard]] inline std::optional<gain> decisive_headroom(const compared_option& c) noexcept {
    if (!c.analysis.headroom) return std::nullopt;
    gain h = c.analysis.headroom->margin;
    if (const frequency_headroom* w = band_worst(c); w != nullptr && w->worst < h) h = w->worst;
    return h;
}

namespace detail {

[[nodiscard]] inline double headroom_or_level(const compared_option& c) noexcept {
    const auto h = decisive_headroom(c);
    return h ? h->db() : c.analysis.max.max_level.db();
}

}  // namespace detail

// Whether an option has at least `enough` headroom for the programme (always, without a programme).
[[nodiscard]] inline bool has_enough(const compared_option& c, gain enough) noexcept {
    const auto h = decisive_headroom(c);
    return !h || *h >= enough;
}

// Whether an option's hiss as heard (A-weighted, hearing.hpp) is known and at most `max_hiss` (always, without a
// limit): an output whose noise is not known never passes a hiss limit.
[[nodiscard]] inline bool within_hiss(const compared_option& c, const std::optional<spl>& max_hiss) noexcept {
    if (!max_hiss) return true;
    return c.analysis.audibility && c.analysis.audibility->hiss_a <= *max_hiss;
}

namespace detail {

// Whether setting a is the better advice than setting b of the same output (see the header comment).
[[nodiscard]] inline bool better_setting(const compared_option& a, const compared_option& b, bool with_programme, gain enough) noexcept {
    const bool ea = has_enough(a, enough), eb = has_enough(b, enough);
    if (ea != eb) return ea;
    if (!ea) return headroom_or_level(a) > headroom_or_level(b);  // none is enough: the most headroom
    const bool ra = a.analysis.meets_one_eighth_rule.value_or(false), rb = b.analysis.meets_one_eighth_rule.value_or(false);
    if (ra != rb) return ra;
    if (a.option.kind == setting_kind::output_impedance) {
        const double za = value_in(a.option.stage.output_impedance(), ohm), zb = value_in(b.option.stage.output_impedance(), ohm);
        if (za != zb) return za < zb;
        return headroom_or_level(a) > headroom_or_level(b);
    }
    const double la = a.analysis.max.max_level.db(), lb = b.analysis.max.max_level.db();
    return with_programme ? la < lb : la > lb;
}

}  // namespace detail

// Whether a is fitter than b for the job (see the header comment): the one ranking rule of pair, sweep, the
// Python module and the web page.
[[nodiscard]] inline bool fitter(const compared_option& a, const compared_option& b, gain enough, bool sensitive) noexcept {
    const bool ea = has_enough(a, enough), eb = has_enough(b, enough);
    if (ea != eb) return ea;
    if (ea && sensitive) {
        // The hiss as heard (A-weighted, the higher end of a range); unknown noise ranks after every known one.
        const auto hiss_of = [](const compared_option& c) {
            return c.analysis.audibility ? c.analysis.audibility->hiss_a.db() : std::numeric_limits<double>::infinity();
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

// Compares options (typically every setting of every output of one amplifier) for a headphone and a programme,
// across frequency as well where the headphone has an impedance curve or an EQ is given (its boost is level the
// amplifier must deliver: an option is judged by its worst headroom).
// Through an attenuator, where one is given: every option drives the headphone through it.
[[nodiscard]] inline comparison compare_outputs(std::vector<output_option> options, const headphone& hp,
                                                const std::optional<programme>& p, gain enough = gain::of_db(0.0),
                                                const parametric_eq* eq = nullptr, const attenuator* att = nullptr) {
    if (options.empty()) throw spec_error{"comparison", "outputs", "are missing: give at least one output stage"};
    comparison c;
    c.programme_used = p;
    c.enough = enough;
    c.sensitive_headphone = is_sensitive(hp);
    for (auto& o : options) {
        pair_analysis a = analyse(o.stage, hp, p, att);
        std::optional<frequency_analysis> across = analyse_frequency(o.stage, hp, eq, p, att);
        c.options.push_back({std::move(o), std::move(a), std::move(across)});
    }
    // Setting advice per output (see the header comment).
    std::vector<std::string> outputs;
    for (const auto& o : c.options)
        if (std::find(outputs.begin(), outputs.end(), o.option.output) == outputs.end()) outputs.push_back(o.option.output);
    for (const auto& name : outputs) {
        std::optional<std::size_t> pick;
        bool some_meets_rule = false;
        for (std::size_t k = 0; k < c.options.size(); ++k) {
            const auto& o = c.options[k];
            if (o.option.output != name) continue;
            some_meets_rule = some_meets_rule || o.analysis.meets_one_eighth_rule.value_or(false);
            if (!pick || detail::better_setting(o, c.options[*pick], p.has_value(), enough)) pick = k;
        }
        auto& advised = c.options[*pick];
        advised.recommended_gain = true;
        advised.fails_one_eighth_for_headroom = advised.analysis.meets_one_eighth_rule == false && some_meets_rule;
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

}  // namespace headroom
