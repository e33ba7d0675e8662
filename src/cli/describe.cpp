#include "cli/describe.hpp"

#include "headroom/format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace headroom::cli {

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

}  // namespace headroom::cli
