// headroom pair: one output stage driving one headphone, as a report for people or JSON for programs.

#include "cli/commands.hpp"
#include "cli/curve_flags.hpp"
#include "cli/describe.hpp"
#include "cli/gear_flags.hpp"
#include "headroom/analysis.hpp"
#include "headroom/format.hpp"
#include "headroom/parse.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace headroom::cli {

namespace {

struct pair_flags {
    gear_flags gear;
    curve_flags curves;
    bool json = false;
};

void print_report(std::ostream& os, const headphone& hp, const output_stage& out, const gear_flags& f,
                  const std::optional<programme>& p, const pair_analysis& a) {
    const double r = value_in(hp.nominal_impedance(), ohm);
    // Catalog gear goes by its name ("Sennheiser HD600", "FiiO K19 / 4.4mm balanced"), typed-in figures by none.
    const std::string hp_name = f.headphone.empty() ? std::string{} : hp.name() + ": ";
    const std::string out_name = f.amp.empty() ? std::string{} : out.name() + ", ";
    os << fmt::format("{:<16}{}{:.4g} ohm, {:.2f} dB SPL/V ({:.2f} dB SPL/mW)\n", "Headphone", hp_name, r,
                      hp.sensitivity_per_volt().db(), hp.stated_sensitivity().per_milliwatt(hp.nominal_impedance()).db());
    if (hp.sensitivity_off_1khz())
        os << fmt::format("{:<16}the sensitivity was stated at {:.0f} Hz; the figures below apply it at 1 kHz, where the driver "
                          "may differ by several dB\n",
                          "caution", value_in(*hp.sensitivity_frequency(), hertz));
    os << fmt::format("{:<16}{}{}\n", "Output", out_name, describe_output(out));
    os << "\nMaximum continuous sine\n";
    os << fmt::format("  {:<16}{:.2f} dB SPL\n", "level", a.max.max_level.db());
    os << fmt::format("  {:<16}{}, {}, {} (RMS)\n", "at the load", a.max.load_voltage, a.max.load_current, a.max.load_power);
    os << fmt::format("  {:<16}{}: {}\n", "limited by", to_string(a.max.binding), limit_meaning(a.max.binding, out));
    if (const auto& x = a.max.extrapolated)
        os << fmt::format("  {:<16}{:.4g} ohm is {:.2g}x {} the {} stated load ({:.4g} ohm): the table is assumed to give no more {} "
                          "there, so this is a floor\n",
                          "extrapolated", r, x->factor, x->below ? "below" : "above", x->below ? "lowest" : "highest",
                          value_in(x->stated_load, ohm), x->below ? "current" : "voltage");
    if (a.exceeds_rated_power && *a.exceeds_rated_power)
        os << fmt::format("  {:<16}the maximum exceeds the headphone's rated {}\n", "caution", *hp.rated_power());
    if (out.output_impedance_stated()) {
        const bool against_curve = a.one_eighth_rule_load < hp.nominal_impedance();
        os << fmt::format("  {:<16}{}  (1/8 rule {} against {:.4g} ohm{})\n", "damping factor",
                          a.damping_factor ? fmt::format("{:.1f}", *a.damping_factor) : std::string{"unbounded (0 ohm source)"},
                          a.meets_one_eighth_rule ? "met" : "NOT met: the response will follow the impedance curve",
                          value_in(a.one_eighth_rule_load, ohm), against_curve ? ", the curve's minimum" : "");
        os << fmt::format("  {:<16}{:.2f} dB\n", "Z_out loss", a.output_impedance_loss.db());
    } else {
        os << fmt::format("  {:<16}unknown: no output impedance is stated\n", "damping factor");
    }
    if (a.hiss) {
        const auto& h = *a.hiss;
        const std::string level = h.low == h.high ? fmt::format("{:.1f} dB SPL", h.low.db())
                                                  : fmt::format("{:.1f} to {:.1f} dB SPL (legs' noise uncorrelated to correlated)",
                                                                h.low.db(), h.high.db());
        os << fmt::format("  {:<16}{} at any volume setting ({} noise){}\n", "hiss", level, to_string(h.weighting),
                          h.high.db() > 0.0 ? ": audible in a quiet room" : "");
        os << fmt::format("  {:<16}{:.1f} dB (max sine vs {} noise)\n", "dynamic range", a.dynamic_range->db(), to_string(h.weighting));
    }
    if (!p) return;
    os << fmt::format("\nProgramme at {:.1f} dB SPL average, crest factor {:.1f} dB\n", p->average_level().db(), p->crest_factor().db());
    const auto& n = *a.need;
    os << fmt::format("  {:<16}{}, {}, {} average (RMS)\n", "needs", n.load_voltage, n.load_current, n.load_power);
    os << fmt::format("  {:<16}{}, {} (a sine rated {} at this load; an unloaded swing of {} RMS)\n", "peaks", n.peak_voltage,
                      n.peak_current, n.sine_power, n.open_circuit_voltage);
    const auto& h = *a.headroom;
    os << fmt::format("  {:<16}{:+.2f} dB, limited by {}: {}\n", "headroom", h.margin.db(), to_string(h.binding),
                      h.margin.db() >= 0.0 ? "plays cleanly" : "the programme's peaks clip or the output overheats");
    if (a.hiss_below_programme)
        os << fmt::format("  {:<16}{:.1f} dB below the programme's average level\n", "hiss", a.hiss_below_programme->db());
    const auto& e = *a.exposure;
    os << fmt::format("  {:<16}{:.1f} dB(A) estimated ({}: {:+.2f} dB): NIOSH {} a day, WHO/ITU-T H.870 {} a week\n", "exposure",
                      e.a_weighted_level.db(), to_string(e.spectrum), e.a_weighting.db(), human_duration(e.niosh_daily),
                      human_duration(e.who_weekly));
}

ojson to_json(const output_stage& out, const headphone& hp, const std::optional<programme>& p, const pair_analysis& a) {
    ojson j;
    j["topology"] = to_string(out.kind());
    j["derived"] = out.derived();
    j["sensitivity_db_per_v"] = hp.sensitivity_per_volt().db();
    j["sensitivity_frequency_hz"] = hp.sensitivity_frequency() ? ojson(value_in(*hp.sensitivity_frequency(), hertz)) : ojson(nullptr);
    j["max_spl_db"] = a.max.max_level.db();
    j["limit"] = to_string(a.max.binding);
    j["load_voltage_vrms"] = value_in(a.max.load_voltage, volt);
    j["load_current_arms"] = value_in(a.max.load_current, ampere);
    j["load_power_w"] = value_in(a.max.load_power, watt);
    if (const auto& x = a.max.extrapolated)
        j["extrapolated"] = {{"below", x->below}, {"stated_load_ohm", value_in(x->stated_load, ohm)}, {"factor", x->factor}};
    else
        j["extrapolated"] = nullptr;
    j["damping_factor"] = a.damping_factor ? ojson(*a.damping_factor) : ojson(nullptr);
    j["zout_loss_db"] = a.output_impedance_loss.db();
    j["meets_one_eighth_rule"] = a.meets_one_eighth_rule;
    j["one_eighth_rule_load_ohm"] = value_in(a.one_eighth_rule_load, ohm);
    // false: no output impedance was stated, and the figures above (and fr_deviation_db) assume 0 ohm.
    j["zout_stated"] = out.output_impedance_stated();
    if (a.exceeds_rated_power) j["exceeds_rated_power"] = *a.exceeds_rated_power;
    if (a.hiss) {
        j["hiss_spl_db"] = a.hiss->low.db();
        j["hiss_spl_db_max"] = a.hiss->high.db();
        j["hiss_weighting"] = to_string(a.hiss->weighting);
        j["dynamic_range_db"] = a.dynamic_range->db();
    }
    if (p) {
        j["target_spl_db"] = p->average_level().db();
        j["crest_factor_db"] = p->crest_factor().db();
        j["required_voltage_vrms"] = value_in(a.need->load_voltage, volt);
        j["required_current_arms"] = value_in(a.need->load_current, ampere);
        j["required_power_w"] = value_in(a.need->load_power, watt);
        j["required_peak_voltage_v"] = value_in(a.need->peak_voltage, volt);
        j["required_peak_current_a"] = value_in(a.need->peak_current, ampere);
        j["required_sine_power_w"] = value_in(a.need->sine_power, watt);
        j["required_open_circuit_voltage_vrms"] = value_in(a.need->open_circuit_voltage, volt);
        j["headroom_db"] = a.headroom->margin.db();
        j["headroom_limit"] = to_string(a.headroom->binding);
        if (a.hiss_below_programme) j["hiss_below_target_db"] = a.hiss_below_programme->db();
        const auto& e = *a.exposure;
        j["exposure_dba"] = e.a_weighted_level.db();
        j["a_weighting_db"] = e.a_weighting.db();
        j["exposure_spectrum"] = to_string(e.spectrum);
        j["exposure_minutes"] = value_in(e.niosh_daily, second) / 60.0;
        j["who_weekly_hours"] = value_in(e.who_weekly, second) / 3600.0;
    }
    return j;
}

}  // namespace

subcommand add_pair(CLI::App& parent) {
    auto f = std::make_shared<pair_flags>();
    CLI::App* app = parent.add_subcommand("pair", "Analyse one amplifier output driving one headphone");
    app->footer(
        "Values take optional units (a bare number is in V, A, ohm, W or dB); the sensitivity needs one.\n"
        "Voltages and currents are RMS sine ratings; 6.5Vpp and 4.6Vpk are converted.\n"
        "Example: headroom pair --impedance 300 --sensitivity 97dB/mW --vmax 7.5 --imax 250mA --zout 0.5 --target 85 --crest 18");
    add_gear_flags(*app, f->gear);
    add_curve_flags(*app, f->curves);
    app->add_flag("--json", f->json, "Print JSON (SI base units) instead of the report");

    return {app, [f](std::ostream& os) {
                const headphone hp = with_curve_flags(f->curves, make_headphone(f->gear));
                const output_stage out = make_output(f->gear);
                const auto p = make_programme(f->gear);
                const pair_analysis a = analyse(out, hp, p);
                const auto across = analyse_frequency(f->curves, out, hp, p);
                if (f->json) {
                    auto j = to_json(out, hp, p, a);
                    if (across) add_frequency_json(j, *across);
                    os << j.dump(2) << '\n';
                } else {
                    print_report(os, hp, out, f->gear, p, a);
                    if (across) print_frequency_report(os, *across, out.output_impedance_stated());
                }
            }};
}

}  // namespace headroom::cli
