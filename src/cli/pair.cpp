// headroom pair: one output stage driving one headphone, as a report for people or JSON for programs.

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "cli/curve_flags.hpp"
#include "cli/describe.hpp"
#include "headroom/compare.hpp"
#include "headroom/recommend.hpp"
#include "cli/gear_flags.hpp"
#include "cli/terminal_text.hpp"
#include "headroom/analysis.hpp"
#include "headroom/format.hpp"
#include "headroom/parse.hpp"
#include "report/json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <ostream>
#include <string>

namespace headroom::cli {

namespace {

using report::gain_stage;

struct pair_flags {
    gear_flags gear;
    curve_flags curves;
    bool json = false;
};

void print_report(std::ostream& os, const headphone& hp, const output_stage& out, const gear_flags& f,
                  const std::optional<programme>& p, const pair_analysis& a) {
    const double r = value_in(hp.nominal_impedance(), ohm);
    // Catalog gear goes by its name ("Sennheiser HD600", "FiiO K19 / 4.4mm balanced"), typed-in figures by none.
    const std::string hp_name = f.headphone.empty() ? std::string{} : terminal_text(hp.name()) + ": ";
    const std::string out_name = f.amp.empty() ? std::string{} : terminal_text(out.name()) + ", ";
    os << fmt::format("{:<16}{}{:.4g} ohm, {:.2f} dB SPL/V ({:.2f} dB SPL/mW)\n", "Headphone", hp_name, r,
                      hp.sensitivity_per_volt().db(), hp.stated_sensitivity().per_milliwatt(hp.nominal_impedance()).db());
    if (hp.sensitivity_off_1khz())
        os << fmt::format("{:<16}the sensitivity was stated at {:.0f} Hz; the figures below apply it at 1 kHz, where the driver "
                          "may differ by several dB\n",
                          "caution", value_in(*hp.sensitivity_frequency(), hertz));
    os << fmt::format("{:<16}{}{}\n", "Output", out_name, describe_output(out));
    os << "\nMaximum continuous sine\n";
    os << fmt::format("  {:<16}{:.2f} dB SPL\n", "level", a.max.max_level.db());
    const impedance load = limit_load(hp);
    os << fmt::format("  {:<16}{}, {}, {} (RMS){}\n", "at the load", a.max.load_voltage, a.max.load_current, a.max.load_power,
                      load < hp.nominal_impedance() ? fmt::format(" into {:.4g} ohm, the curve's minimum", value_in(load, ohm)) : "");
    os << fmt::format("  {:<16}{}: {}\n", "limited by", to_string(a.max.binding), limit_meaning(a.max.binding, out));
    if (const auto& x = a.max.extrapolated)
        os << fmt::format("  {:<16}{:.4g} ohm is {:.2g}x {} the {} stated load ({:.4g} ohm): the table is assumed to give no more {} "
                          "there, so this is a floor\n",
                          "extrapolated", value_in(load, ohm), x->factor, x->below ? "below" : "above", x->below ? "lowest" : "highest",
                          value_in(x->stated_load, ohm), x->below ? "current" : "voltage");
    if (a.exceeds_rated_power && *a.exceeds_rated_power)
        os << fmt::format("  {:<16}the maximum exceeds the headphone's rated {}\n", "caution", *hp.rated_power());
    if (out.output_impedance_stated()) {
        const bool against_curve = a.one_eighth_rule_load < hp.nominal_impedance();
        os << fmt::format("  {:<16}{}  (1/8 rule {} against {:.4g} ohm{})\n", "damping factor",
                          a.damping_factor ? fmt::format("{:.1f}", *a.damping_factor) : std::string{"unbounded (0 ohm source)"},
                          a.meets_one_eighth_rule.value_or(false) ? "met" : "NOT met: the response will follow the impedance curve",
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

void print_gain_stage(std::ostream& os, const gain_stage& g) {
    os << fmt::format("  {:<16}{:+.1f} dB after {} at full scale; the programme needs {:+.1f} dB: {}\n", "gain", g.stated.db(),
                      g.full_scale, g.needed.db(),
                      g.stated >= g.needed ? fmt::format("{:.1f} dB to spare", (g.stated - g.needed).db())
                                           : fmt::format("{:.1f} dB short", (g.needed - g.stated).db()));
}

// ---- need: what a headphone needs, without any amplifier ---------------------------------------------------

struct need_flags {
    std::string source = "2V";  // the full scale the gain is counted after
};

void print_need(std::ostream& os, const headphone& hp, const programme& p, const requirement& n,
                const std::optional<impedance>& zout, voltage source) {
    os << fmt::format("{:<16}{}: {:.4g} ohm, {:.2f} dB SPL/V ({:.2f} dB SPL/mW)\n", "Headphone", hp.name(),
                      value_in(hp.nominal_impedance(), ohm), hp.sensitivity_per_volt().db(),
                      hp.stated_sensitivity().per_milliwatt(hp.nominal_impedance()).db());
    os << fmt::format("{:<16}{:.1f} dB SPL average, crest factor {:.1f} dB (peaks at {:.1f} dB SPL)\n\n", "Programme",
                      p.average_level().db(), p.crest_factor().db(), (p.average_level() + p.crest_factor()).db());
    os << fmt::format("  {:<20}{}, {}, {} (RMS)\n", "average", n.load_voltage, n.load_current, n.load_power);
    os << fmt::format("  {:<20}{}, {}\n", "peaks", n.peak_voltage, n.peak_current);
    os << fmt::format("  {:<20}{} at {:.4g} ohm (a spec sheet's power into this load)\n", "sine rating", n.sine_power,
                      value_in(hp.nominal_impedance(), ohm));
    if (zout)
        os << fmt::format("  {:<20}{} RMS behind {}\n", "unloaded swing", n.open_circuit_voltage, *zout);
    else
        os << fmt::format("  {:<20}{} RMS (behind 0 ohm; give --zout for a real output)\n", "unloaded swing", n.open_circuit_voltage);
    os << fmt::format("  {:<20}{:+.1f} dB after a {} source at full scale\n", "gain", n.gain_after(source).db(), source);
}

void run_need(std::ostream& os, const headphone& hp, const std::optional<programme>& p, const std::string& zout_flag,
              const std::string& source_flag, bool json) {
    if (!p) throw usage_error{"--target: give the level to reach (and --crest for music), or an amplifier to analyse"};
    std::optional<impedance> zout;
    if (!zout_flag.empty()) zout = output_impedance_flag(zout_flag);
    const voltage source = flag_value("--source", source_flag, parse_voltage);
    if (!(value_in(source, volt) > 0.0)) throw usage_error{"--source: '" + source_flag + "' must be positive"};
    const requirement n = requirement_for(hp, *p, zout.value_or(in_si(0.0, ohm)));
    if (json)
        os << report::need_json(hp, *p, n, zout, source).dump(2) << '\n';
    else
        print_need(os, hp, *p, n, zout, source);
}

// ---- comparing the outputs of a catalog amplifier ----------------------------------------------------------

// The options --amp gives this headphone: every setting of every output, or of the one --output names, or the one
// --gain names; of a load-sensed output only the mode the device selects for this headphone (options_of). None
// with typed-in figures or --bridge (make_output).
std::optional<std::vector<output_option>> catalog_options(const gear_flags& f, const headphone& hp) {
    if (f.amp.empty() || f.bridge) return std::nullopt;
    const auto amps = amplifier_catalog(f.catalog_dir);
    const amplifier_entry& a = flag_value("--amp", f.amp, [&](const std::string& n) -> const amplifier_entry& { return find_amplifier(amps, n); });
    const amplifier_output* only = nullptr;
    if (!f.output.empty()) only = &flag_lookup("--output", [&]() -> const amplifier_output& { return a.output(f.output); });
    std::vector<output_option> options = options_of(a, hp, only);
    if (f.gain.empty()) return options;
    if (only == nullptr) only = &flag_lookup("--output", [&]() -> const amplifier_output& { return a.output(""); });
    const output_setting& named = flag_lookup("--gain", [&]() -> const output_setting& { return only->setting(f.gain); });
    for (const auto& o : options)
        if (o.gain_setting == named.gain_name) return std::vector<output_option>{o};
    throw usage_error{"--gain: '" + named.gain_name + "' is a mode '" + a.name + "' selects itself from the load, and into this headphone it uses '" +
                      options.front().gain_setting + "': leave --gain out"};
}

void print_comparison(std::ostream& os, const headphone& hp, const comparison& c) {
    os << fmt::format("{:<12}{}: {:.4g} ohm, {:.2f} dB SPL/V\n", "Headphone", hp.name(), value_in(hp.nominal_impedance(), ohm),
                      hp.sensitivity_per_volt().db());
    if (c.programme_used)
        os << fmt::format("{:<12}{:.1f} dB SPL average, crest factor {:.1f} dB\n", "Programme", c.programme_used->average_level().db(),
                          c.programme_used->crest_factor().db());
    os << fmt::format("\n{:<24} {:<8} {:>9} {:>10} {:>9} {:<8} {:>14} {:>8} {:<8}\n", "output", "setting", "max SPL", "max power",
                      "headroom", "limit", "hiss (dB SPL)", "damping", "1/8 rule");
    for (const auto& o : c.options) {
        const auto& a = o.analysis;
        const bool zs = o.option.stage.output_impedance_stated();
        std::string hiss = "-";
        if (a.hiss)
            hiss = a.hiss->low == a.hiss->high ? fmt::format("{:.1f}", a.hiss->low.db())
                                               : fmt::format("{:.1f}-{:.1f}", a.hiss->low.db(), a.hiss->high.db());
        const std::string damping = !zs ? "-" : (a.damping_factor ? fmt::format("{:.0f}", *a.damping_factor) : "ideal");
        os << fmt::format("{:<24} {:<8} {:>9.1f} {:>10} {:>9} {:<8} {:>14} {:>8} {:<8}{}\n", o.option.output,
                          o.option.gain_setting.empty() ? "-" : o.option.gain_setting, a.max.max_level.db(),
                          fmt::format("{:.3g}", a.max.load_power), a.headroom ? fmt::format("{:+.1f}", a.headroom->margin.db()) : "-",
                          to_string(a.headroom ? a.headroom->binding : a.max.binding), hiss, damping,
                          a.meets_one_eighth_rule ? (*a.meets_one_eighth_rule ? "met" : "NOT met") : "-", o.recommended_gain && o.option.gain_setting.size() ? (o.option.kind == setting_kind::load_sensed ? "  <- selected by the load" : "  <- advised") : "");
    }
    os << "\nVerdict\n";
    for (const auto& line : verdict_lines(c)) os << "  " << line << '\n';
}

// True when the flags describe no amplifier at all: then pair answers what the headphone needs.
bool no_amplifier(const gear_flags& f) {
    return f.amp.empty() && f.vmax.empty() && f.imax.empty() && f.pmax.empty() && f.thermal.empty() && f.power.empty() &&
           f.source.empty();
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
                const auto p = make_programme(f->gear);
                if (no_amplifier(f->gear)) return run_need(os, hp, p, f->gear.zout, "2V", f->json);
                const auto options = catalog_options(f->gear, hp);
                if (options && options->size() > 1) {
                    const comparison c = compare_outputs(*options, hp, p);
                    if (f->json)
                        os << report::comparison_json(hp, c).dump(2) << '\n';
                    else
                        print_comparison(os, hp, c);
                    return;
                }
                const output_stage out = options ? options->front().stage : make_output(f->gear);
                const pair_analysis a = analyse(out, hp, p);
                const auto across = analyse_frequency(f->curves, out, hp, p);
                const auto stage = report::gain_stage_of(out, a);
                if (f->json) {
                    auto j = report::pair_json(out, hp, p, a);
                    report::add_gain_stage_json(j, stage);
                    if (across) report::add_frequency_json(j, *across);
                    os << j.dump(2) << '\n';
                } else {
                    print_report(os, hp, out, f->gear, p, a);
                    if (stage) print_gain_stage(os, *stage);
                    if (across) print_frequency_report(os, *across, out.output_impedance_stated());
                }
            }};
}

subcommand add_need(CLI::App& parent) {
    struct flags {
        gear_flags gear;
        std::string source = "2V";
        bool json = false;
    };
    auto f = std::make_shared<flags>();
    CLI::App* app = parent.add_subcommand("need", "What a headphone needs to play a programme, without any amplifier");
    app->footer("Example: headroom need --headphone \"HiFiMan Sundara\" --target 110 --crest 18\n"
                "`headroom pair` with a headphone and no amplifier flags answers the same.");
    app->add_option("--headphone", f->gear.headphone, "A headphone from the catalog, by name");
    app->add_option("--impedance", f->gear.impedance, "Headphone impedance at 1 kHz (300, 300ohm)");
    app->add_option("--sensitivity", f->gear.sensitivity, "97dB/mW | 102.2dB/V | 94.6dB@5mA | 327mV@94dB");
    app->add_option("--target", f->gear.target, "Programme average level in dB SPL (a sine unless --crest)")->required();
    app->add_option("--crest", f->gear.crest, "Programme crest factor in dB (default: a sine, 3.0103)");
    app->add_option("--zout", f->gear.zout, "An output impedance to size the unloaded swing for (0.5, 0.5ohm)");
    app->add_option("--source", f->source, "The full-scale level the gain is counted after (default 2V)");
    app->add_option("--catalog-dir", f->gear.catalog_dir, "Folder with headphones.json and amplifiers.json");
    app->add_flag("--json", f->json, "Print JSON (SI base units) instead of the report");
    app->get_option("--headphone")->excludes("--impedance")->excludes("--sensitivity");
    return {app, [f](std::ostream& os) {
                const headphone hp = make_headphone(f->gear);
                run_need(os, hp, make_programme(f->gear), f->gear.zout, f->source, f->json);
            }};
}

}  // namespace headroom::cli
