#include "headroom/frontend/words.hpp"

#include "headroom/format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace headroom::frontend {

std::string describe_output(const output_stage& out) {
    std::string s{out.kind() == topology::balanced ? (out.derived() ? "balanced (derived from the single-ended figures)" : "balanced")
                                                   : "single-ended"};
    std::string sep = ": ";
    const auto add = [&](const std::string& part) {
        s += sep + part;
        sep = ", ";
    };
    if (const auto v = out.open_circuit_voltage()) {
        add(fmt::format("V_oc {}", *v));
        if (out.spec().source_resistance) s += fmt::format(" behind {}", out.source_resistance());
    }
    if (const auto i = out.current_limit()) add(fmt::format("I_max {}", *i));
    if (const auto p = out.clipping_power()) add(fmt::format("rated {}", *p));
    if (const auto& t = out.ratings()) {
        const auto& pts = t->points();
        add(pts.size() == 1 ? fmt::format("rated {} @ {}", pts.front().output, pts.front().load)
                            : fmt::format("rated {} @ {} .. {} @ {} ({} points)", pts.front().output, pts.front().load,
                                          pts.back().output, pts.back().load, pts.size()));
    }
    if (const auto p = out.thermal_power()) add(fmt::format("thermal {}", *p));
    if (const auto& src = out.source()) add(fmt::format("source {} {}", src->full_scale(), src->amplifier_gain()));
    add(out.output_impedance_stated() ? fmt::format("Z_out {}", out.output_impedance()) : "Z_out not stated (0 ohm assumed)");
    if (const auto& n = out.noise())
        add(n->is_range() ? fmt::format("noise {}-{} ({})", n->low(), n->high(), to_string(n->weighting()))
                          : fmt::format("noise {} ({})", n->low(), to_string(n->weighting())));
    return s;
}

std::string_view limit_meaning(limit l, const output_stage& out) {
    switch (l) {
        case limit::voltage:
            if (out.kind() == topology::balanced)
                return "the output runs out of voltage swing first; a higher-voltage amplifier is the remedy";
            return "the output runs out of voltage swing first; a bridged (balanced) output would give up to 4x the power";
        case limit::current:
            return "the output runs out of current first (a low-impedance load); bridging would not help, more current would";
        case limit::power:
            return "the output's power rating at this load caps it: a rating is where a sine clips, so it caps the peaks";
        case limit::thermal:
            return "the output's continuous (thermal) power limit caps the average; short peaks may go higher";
        case limit::gain:
            return "the source at full scale times the gain tops out before the amplifier does; more gain would go louder";
    }
    return {};
}

std::string human_duration(duration d) {
    const double minutes = value_in(d, second) / 60.0;
    if (minutes >= 60.0 * 24.0 * 7.0) return "more than a week";
    if (minutes >= 60.0 * 24.0) return fmt::format("{:.1f} days", minutes / (60.0 * 24.0));
    if (minutes >= 60.0)
        return fmt::format("{} h {:02} min", static_cast<int>(minutes / 60.0), static_cast<int>(std::fmod(minutes, 60.0)));
    if (minutes >= 1.0) return fmt::format("{:.0f} min", minutes);
    return fmt::format("{:.0f} s", minutes * 60.0);
}

std::string exposure_sentence(const exposure_estimate& e) {
    return fmt::format("{:.1f} dB(A) estimated ({}: {:+.2f} dB): NIOSH {} a day, WHO/ITU-T H.870 {} a week", e.a_weighted_level.db(),
                       to_string(e.spectrum), e.a_weighting.db(), human_duration(e.niosh_daily), human_duration(e.who_weekly));
}

std::string option_label(const output_option& o) {
    if (o.gain_setting.empty()) return o.output;
    switch (o.kind) {
        case setting_kind::load_sensed: return o.output + " (" + o.gain_setting + ", selected by the load)";
        case setting_kind::output_impedance: return o.output + " (" + o.gain_setting + " output impedance)";
        case setting_kind::gain: break;
    }
    return o.output + " (" + o.gain_setting + " gain)";
}

std::string describe_attenuator(const attenuator& a) {
    const double rs = value_in(a.series(), ohm);
    const std::string resistors = !a.shunt() ? fmt::format("{:.4g} ohm in series", rs)
                                             : fmt::format("{:.4g} ohm in series and {:.4g} ohm across the headphone (an L-pad)", rs,
                                                           value_in(*a.shunt(), ohm));
    // A catalog attenuator goes by its name; typed-in resistors (named "attenuator" by the request layer) by their values.
    return a.name() == "attenuator" ? resistors : a.name() + ": " + resistors;
}

std::string hiss_audibility_sentence(const hiss_judgement& h) {
    std::string s;
    switch (h.verdict) {
        case hiss_audibility::inaudible:
            s = fmt::format("inaudible: {:.1f} dB(A), {:.1f} dB under the threshold of hearing for a white hiss ({:.1f} dB(A))", h.hiss_a.db(),
                            -h.margin.db(), h.threshold_a.db());
            break;
        case hiss_audibility::quiet_room:
            s = fmt::format("audible in a quiet room: {:.1f} dB(A), {:.1f} dB over the threshold of hearing for a white hiss ({:.1f} dB(A)) "
                            "but under the {:.0f} dB(A) an ordinary room leaves through an IEM",
                            h.hiss_a.db(), h.margin.db(), h.threshold_a.db(), h.background_a.db());
            break;
        case hiss_audibility::audible:
            s = fmt::format("audible: {:.1f} dB(A), {:.1f} dB over the threshold of hearing for a white hiss ({:.1f} dB(A)) and over the "
                            "{:.0f} dB(A) an ordinary room leaves through an IEM",
                            h.hiss_a.db(), h.margin.db(), h.threshold_a.db(), h.background_a.db());
            break;
    }
    if (h.upper_bound) s += " (an upper bound: the noise figure errs loud)";
    return s;
}

std::string volume_sentence(const volume_position& v) {
    std::string_view full;
    switch (v.reference) {
        case volume_reference::source_gain: full = "the source at full scale through the gain"; break;
        case volume_reference::open_circuit_voltage: full = "the output's full swing"; break;
        case volume_reference::maximum_output: full = "the output's maximum into this load"; break;
    }
    if (v.attenuation.db() < 0.0)
        return fmt::format("the output falls {:.1f} dB short at full volume ({}): the programme's peaks clip", -v.attenuation.db(), full);
    std::string s = fmt::format("{:.1f} dB below full output ({})", v.attenuation.db(), full);
    const bool analog = !v.control || *v.control == volume_control::analog;
    const bool digital = !v.control || *v.control == volume_control::digital;
    const std::string_view kind = !v.control ? "if " : "";
    if (analog && v.beyond_analog_tracking)
        s += fmt::format("; {}analog: past the {:.0f} dB a dual-gang potentiometer's channels are specified to track (within 3 dB), so the "
                         "balance may wander",
                         kind, analog_tracking_range_db);
    if (digital && v.beyond_digital_range && v.remaining_range)
        s += fmt::format("; {}digital: the peaks stay {:.1f} dB above the hiss, less than the {:.1f} dB of a 16-bit recording", kind,
                         v.remaining_range->db(), sixteen_bit_range_db);
    return s;
}

std::vector<std::pair<std::string, std::string>> attenuator_lines(const pair_analysis& a, const frequency_analysis* across) {
    std::vector<std::pair<std::string, std::string>> lines;
    if (!a.attenuation) return lines;
    const attenuator_effect& e = *a.attenuation;
    lines.emplace_back("source", fmt::format("{:+.2f} dB of the open-circuit voltage behind {:.3g} ohm; the amplifier sees {:.3g} ohm and "
                                             "gives {}, {} at the maximum",
                                             e.source_ratio.db(), value_in(e.source_impedance, ohm), value_in(e.at_max.load, ohm),
                                             e.at_max.terminal_voltage, e.at_max.terminal_current));
    if (a.hiss && e.hiss_without)
        lines.emplace_back("buys", fmt::format("{:.1f} dB less hiss ({:.1f} -> {:.1f} dB SPL)", (e.hiss_without->high - a.hiss->high).db(),
                                               e.hiss_without->high.db(), a.hiss->high.db()));
    else
        lines.emplace_back("buys", fmt::format("{:.1f} dB less hiss (the noise is not known: how much that matters is not)", -e.insertion_loss.db()));
    std::string cost = fmt::format("{:.1f} dB less maximum level ({:.1f} -> {:.1f} dB SPL, limited by {} -> {})",
                                   (e.max_without.max_level - a.max.max_level).db(), e.max_without.max_level.db(), a.max.max_level.db(),
                                   to_string(e.max_without.binding), to_string(a.max.binding));
    if (across != nullptr && across->has_curve && across->spread_without_attenuator)
        cost += fmt::format("; response spread {:.2f} -> {:.2f} dB from the impedance curve", across->spread_without_attenuator->db(),
                            across->response.spread.db());
    lines.emplace_back("costs", cost);
    const std::string rating = fmt::format("{}{}", e.adapter.rating(), e.adapter.stated_rating() ? "" : " (assumed)");
    std::string resistors = fmt::format("{} in series{}", e.series_dissipation, e.series_over_rating ? " (OVER its rating)" : "");
    if (e.shunt_dissipation) resistors += fmt::format(", {} across{}", *e.shunt_dissipation, e.shunt_over_rating ? " (OVER its rating)" : "");
    lines.emplace_back("resistors", resistors + " at the maximum, against " + rating + " each");
    return lines;
}

std::vector<std::string> verdict_lines(const comparison& c) {
    std::vector<std::string> lines;
    const auto label = [](const compared_option& o) { return option_label(o.option); };
    const compared_option& best = c.best();
    if (c.best_balanced && c.best_single_ended) {
        const auto& bal = c.options[*c.best_balanced];
        const auto& se = c.options[*c.best_single_ended];
        std::string line;
        if (c.programme_used) {
            const double d = decisive_headroom(bal)->db() - decisive_headroom(se)->db();
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
        const double h = decisive_headroom(best)->db();
        if (h >= c.enough.db()) {
            advice += fmt::format(": {:+.1f} dB headroom for {:.0f} dB SPL with {:.0f} dB peaks{}", h,
                                  c.programme_used->average_level().db(), c.programme_used->crest_factor().db(),
                                  best.across && best.across->eq ? " and the EQ's boost" : "");
            if (c.sensitive_headphone && best.analysis.hiss)
                advice += fmt::format(", hiss {:.1f} dB SPL ({})", best.analysis.hiss->high.db(), to_string(best.analysis.audibility->verdict));
            if (best.analysis.volume && best.analysis.volume->attenuation.db() >= 0.0)
                advice += fmt::format(", volume {:.1f} dB below full output", best.analysis.volume->attenuation.db());
        } else {
            advice += fmt::format(", but even it falls {:.1f} dB short: the programme's peaks will clip", -h);
        }
    } else {
        advice += fmt::format(": the loudest, {:.1f} dB SPL at most", best.analysis.max.max_level.db());
    }
    lines.push_back(advice);
    if (best.fails_one_eighth_for_headroom)
        lines.push_back(fmt::format("{} fails the 1/8 rule (Z_out {:.3g} ohm against {:.4g} ohm): the settings that meet it lack the headroom",
                                    label(best), value_in(best.option.stage.output_impedance(), ohm),
                                    value_in(best.analysis.one_eighth_rule_load, ohm)));
    return lines;
}


}  // namespace headroom::frontend
