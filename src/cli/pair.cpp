// headroom pair: one output stage driving one headphone, as a report for people or JSON for programs.

#include "cli/commands.hpp"
#include "cli/curve_flags.hpp"
#include "cli/gear_flags.hpp"
#include "cli/terminal_text.hpp"
#include "headroom/analysis.hpp"
#include "headroom/format.hpp"
#include "headroom/parse.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
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

// Why the binding limit matters, in the words a headphone owner uses.
std::string_view why(limit l, topology kind) {
    switch (l) {
        case limit::voltage:
            return kind == topology::single_ended
                       ? "the output runs out of voltage swing first; a bridged (balanced) output would give up to 4x the power"
                       : "the output runs out of voltage swing first; a higher-voltage amplifier is the remedy";
        case limit::current:
            return "the output runs out of current first (a low-impedance load); bridging would not help, more current would";
        case limit::power:
            return "the output's continuous (thermal) power rating caps it; short peaks may go higher";
        case limit::gain:
            return "the source at full scale times the gain tops out before the amplifier does; more gain would go louder";
    }
    return {};
}

std::string describe(const chosen_output& chosen) {
    const output_stage& out = chosen.stage;
    const auto opt = [](const auto& q) { return q ? fmt::format("{}", *q) : std::string{"-"}; };
    std::string s = fmt::format("{}: V_oc {}, I_max {}, P_max {}, Z_out {}",
                                out.kind() == topology::balanced ? "balanced" : "single-ended", opt(out.open_circuit_voltage()),
                                opt(out.current_limit()), opt(out.power_limit()),
                                chosen.output_impedance_stated ? fmt::format("{}", out.output_impedance()) : "not stated (0 ohm assumed)");
    if (const auto src = out.source()) s += fmt::format(", source {} {}", src->full_scale, src->amplifier_gain);
    return s;
}

std::string human_minutes(double minutes) {
    if (minutes >= 60.0 * 24.0) return "more than 24 h";
    if (minutes >= 60.0) return fmt::format("{} h {:02} min", static_cast<int>(minutes / 60.0), static_cast<int>(std::fmod(minutes, 60.0)));
    if (minutes >= 1.0) return fmt::format("{:.0f} min", minutes);
    return fmt::format("{:.0f} s", minutes * 60.0);
}

void print_report(std::ostream& os, const headphone& hp, const chosen_output& chosen, const gear_flags& f,
                  const std::optional<programme>& p, const pair_analysis& a) {
    const output_stage& out = chosen.stage;
    const double r = value_in(hp.nominal_impedance(), ohm);
    // Catalog gear goes by its name ("Sennheiser HD600", "FiiO K19 / 4.4mm balanced"), typed-in figures by none.
    const std::string hp_name = f.headphone.empty() ? std::string{} : terminal_text(hp.name()) + ": ";
    const std::string out_name = f.amp.empty() ? std::string{} : terminal_text(out.name()) + ", ";
    os << fmt::format("{:<16}{}{:.4g} ohm, {:.2f} dB SPL/V ({:.2f} dB SPL/mW)\n", "Headphone", hp_name, r,
                      hp.sensitivity_per_volt().db(), hp.stated_sensitivity().per_milliwatt(hp.nominal_impedance()).db());
    os << fmt::format("{:<16}{}{}{}\n", "Output", out_name, describe(chosen), f.bridge ? " (bridged from the stated single-ended leg)" : "");
    os << "\nMaximum continuous sine\n";
    os << fmt::format("  {:<16}{:.2f} dB SPL\n", "level", a.max.max_level.db());
    os << fmt::format("  {:<16}{}, {}, {} (RMS)\n", "at the load", a.max.load_voltage, a.max.load_current, a.max.load_power);
    os << fmt::format("  {:<16}{}: {}\n", "limited by", to_string(a.max.binding), why(a.max.binding, out.kind()));
    if (a.exceeds_rated_power && *a.exceeds_rated_power)
        os << fmt::format("  {:<16}the maximum exceeds the headphone's rated {}\n", "caution", *hp.rated_power());
    if (chosen.output_impedance_stated) {
        os << fmt::format("  {:<16}{}  (1/8 rule {})\n", "damping factor",
                          a.damping_factor ? fmt::format("{:.1f}", *a.damping_factor) : std::string{"unbounded (0 ohm source)"},
                          a.meets_one_eighth_rule ? "met" : "NOT met: the response will follow the impedance curve");
        os << fmt::format("  {:<16}{:.2f} dB\n", "Z_out loss", a.output_impedance_loss.db());
    } else {
        os << fmt::format("  {:<16}unknown: no output impedance is stated\n", "damping factor");
    }
    if (a.noise_level)
        os << fmt::format("  {:<16}{:.1f} dB SPL, dynamic range {:.1f} dB{}\n", "noise", a.noise_level->db(), a.dynamic_range->db(),
                          a.noise_level->db() > 0.0 ? " (audible hiss in a quiet room)" : "");
    if (!p) return;
    os << fmt::format("\nProgramme at {:.1f} dB SPL average, crest factor {:.1f} dB\n", p->average_level.db(), p->crest_factor.db());
    const auto& n = *a.need;
    os << fmt::format("  {:<16}{}, {}, {} average (RMS)\n", "needs", n.load_voltage, n.load_current, n.load_power);
    os << fmt::format("  {:<16}{}, {} (an unloaded swing of {} RMS sine)\n", "peaks", n.peak_voltage, n.peak_current,
                      n.open_circuit_voltage);
    const auto& h = *a.headroom;
    os << fmt::format("  {:<16}{:+.2f} dB, limited by {}: {}\n", "headroom", h.margin.db(), to_string(h.binding),
                      h.margin.db() >= 0.0 ? "plays cleanly" : "the programme's peaks clip or the output overheats");
    os << fmt::format("  {:<16}{} a day at this level (NIOSH, 85 dB for 8 h, 3 dB exchange)\n", "exposure",
                      human_minutes(value_in(*a.exposure_limit, second) / 60.0));
}

nlohmann::ordered_json to_json(const chosen_output& chosen, const headphone& hp, const std::optional<programme>& p,
                       const pair_analysis& a) {
    const output_stage& out = chosen.stage;
    nlohmann::ordered_json j;
    j["topology"] = out.kind() == topology::balanced ? "balanced" : "single_ended";
    j["sensitivity_db_per_v"] = hp.sensitivity_per_volt().db();
    j["max_spl_db"] = a.max.max_level.db();
    j["limit"] = to_string(a.max.binding);
    j["load_voltage_vrms"] = value_in(a.max.load_voltage, volt);
    j["load_current_arms"] = value_in(a.max.load_current, ampere);
    j["load_power_w"] = value_in(a.max.load_power, watt);
    j["damping_factor"] = a.damping_factor ? nlohmann::ordered_json(*a.damping_factor) : nlohmann::ordered_json(nullptr);
    j["zout_loss_db"] = a.output_impedance_loss.db();
    j["meets_one_eighth_rule"] = a.meets_one_eighth_rule;
    // false: no output impedance was stated, and the three figures above (and fr_deviation_db) assume 0 ohm.
    j["zout_stated"] = chosen.output_impedance_stated;
    if (a.exceeds_rated_power) j["exceeds_rated_power"] = *a.exceeds_rated_power;
    if (p) {
        j["target_spl_db"] = p->average_level.db();
        j["crest_factor_db"] = p->crest_factor.db();
        j["required_voltage_vrms"] = value_in(a.need->load_voltage, volt);
        j["required_current_arms"] = value_in(a.need->load_current, ampere);
        j["required_power_w"] = value_in(a.need->load_power, watt);
        j["required_peak_voltage_v"] = value_in(a.need->peak_voltage, volt);
        j["required_peak_current_a"] = value_in(a.need->peak_current, ampere);
        j["required_open_circuit_voltage_vrms"] = value_in(a.need->open_circuit_voltage, volt);
        j["headroom_db"] = a.headroom->margin.db();
        j["headroom_limit"] = to_string(a.headroom->binding);
        j["exposure_minutes"] = value_in(*a.exposure_limit, second) / 60.0;
    }
    if (a.noise_level) {
        j["noise_spl_db"] = a.noise_level->db();
        j["dynamic_range_db"] = a.dynamic_range->db();
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
                const headphone hp = make_headphone(f->gear);
                const chosen_output out = make_output(f->gear);
                const auto p = make_programme(f->gear);
                const pair_analysis a = analyse(out.stage, hp, p);
                const auto across = analyse_frequency(f->curves, out.stage, hp, p);
                if (f->json) {
                    auto j = to_json(out, hp, p, a);
                    if (across) add_frequency_json(j, *across);
                    os << j.dump(2) << '\n';
                } else {
                    print_report(os, hp, out, f->gear, p, a);
                    if (across) print_frequency_report(os, *across, out.output_impedance_stated);
                }
            }};
}

}  // namespace headroom::cli
