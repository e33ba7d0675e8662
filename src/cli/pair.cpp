// headroom pair: one output stage driving one headphone, as a report for people or JSON for programs.

#include "commands.hpp"
#include "curve_flags.hpp"
#include "gear_flags.hpp"
#include "terminal_text.hpp"
#include "headroom/analysis.hpp"
#include "headroom/compare.hpp"
#include "headroom/format.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/frontend/json.hpp"
#include "headroom/frontend/request.hpp"
#include "headroom/frontend/words.hpp"
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

void print_report(std::ostream& os, const headphone& hp, const output_stage& out, const frontend::gear_request& f,
                  const std::optional<programme>& p, const pair_analysis& a, const frequency_analysis* across) {
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
    os << fmt::format("{:<16}{}{}\n", "Output", out_name, frontend::describe_output(out));
    if (a.attenuation) os << fmt::format("{:<16}{}\n", "Attenuator", terminal_text(frontend::describe_attenuator(a.attenuation->adapter)));
    os << "\nMaximum continuous sine\n";
    os << fmt::format("  {:<16}{:.2f} dB SPL\n", "level", a.max.max_level.db());
    const impedance load = limit_load(hp);
    os << fmt::format("  {:<16}{}, {}, {} (RMS){}\n", "at the load", a.max.load_voltage, a.max.load_current, a.max.load_power,
                      load < hp.nominal_impedance() ? fmt::format(" into {:.4g} ohm, the curve's minimum", value_in(load, ohm)) : "");
    os << fmt::format("  {:<16}{}: {}\n", "limited by", to_string(a.max.binding), frontend::limit_meaning(a.max.binding, out));
    if (const auto& x = a.max.extrapolated)
        os << fmt::format("  {:<16}{:.4g} ohm is {:.2g}x {} the {} stated load ({:.4g} ohm): the table is assumed to give no more {} "
                          "there, so this is a floor\n",
                          "extrapolated", value_in(load, ohm), x->factor, x->below ? "below" : "above", x->below ? "lowest" : "highest",
                          value_in(x->stated_load, ohm), x->below ? "current" : "voltage");
    if (a.exceeds_rated_power && *a.exceeds_rated_power)
        os << fmt::format("  {:<16}the maximum exceeds the headphone's rated {}\n", "caution", *hp.rated_power());
    if (out.output_impedance_stated() || (a.attenuation && a.meets_one_eighth_rule)) {
        const bool against_curve = a.one_eighth_rule_load < hp.nominal_impedance();
        os << fmt::format("  {:<16}{}  (1/8 rule {} against {:.4g} ohm{})\n", "damping factor",
                          a.damping_factor ? fmt::format("{:.1f}", *a.damping_factor) : std::string{"unbounded (0 ohm source)"},
                          a.meets_one_eighth_rule.value_or(false) ? "met" : "NOT met: the response will follow the impedance curve",
                          value_in(a.one_eighth_rule_load, ohm), against_curve ? ", the curve's minimum" : "");
        os << fmt::format("  {:<16}{:.2f} dB{}\n", a.attenuation ? "source loss" : "Z_out loss", a.output_impedance_loss.db(),
                          a.attenuation ? " (the attenuator's included)" : "");
    } else {
        os << fmt::format("  {:<16}unknown: no output impedance is stated\n", "damping factor");
    }
    if (a.hiss) {
        const auto& h = *a.hiss;
        const std::string level = h.low == h.high ? fmt::format("{:.1f} dB SPL", h.low.db())
                                                  : fmt::format("{:.1f} to {:.1f} dB SPL (legs' noise uncorrelated to correlated)",
                                                                h.low.db(), h.high.db());
        os << fmt::format("  {:<16}{} at any volume setting ({} noise)\n", "hiss", level, to_string(h.weighting));
        os << fmt::format("  {:<16}{}\n", "heard", frontend::hiss_audibility_sentence(*a.audibility));
        os << fmt::format("  {:<16}{:.1f} dB (max sine vs {} noise)\n", "dynamic range", a.dynamic_range->db(), to_string(h.weighting));
    } else {
        os << fmt::format("  {:<16}unknown: no noise figure is stated, so whether it is heard is not known\n", "hiss");
    }
    if (a.attenuation) {
        os << "\nThrough the attenuator\n";
        for (const auto& [label, text] : frontend::attenuator_lines(a, across)) os << fmt::format("  {:<16}{}\n", label, text);
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
    if (a.volume) os << fmt::format("  {:<16}{}\n", "volume", frontend::volume_sentence(*a.volume));
    os << fmt::format("  {:<16}{}\n", "exposure", frontend::exposure_sentence(*a.exposure));
}

void print_gain_stage(std::ostream& os, const gain_stage& g) {
    os << fmt::format("  {:<16}{:+.1f} dB after {} at full scale; the programme needs {:+.1f} dB: {}\n", "gain", g.stated.db(),
                      g.full_scale, g.needed.db(),
                      g.stated >= g.needed ? fmt::format("{:.1f} dB to spare", (g.stated - g.needed).db())
                                           : fmt::format("{:.1f} dB short", (g.needed - g.stated).db()));
}

// ---- need: what a headphone needs, without any amplifier ---------------------------------------------------


void print_need(std::ostream& os, const headphone& hp, const programme& p, const requirement& n,
                const std::optional<impedance>& zout, voltage source, const eq_response* eq, const attenuator* att) {
    os << fmt::format("{:<16}{}: {:.4g} ohm, {:.2f} dB SPL/V ({:.2f} dB SPL/mW)\n", "Headphone", hp.name(),
                      value_in(hp.nominal_impedance(), ohm), hp.sensitivity_per_volt().db(),
                      hp.stated_sensitivity().per_milliwatt(hp.nominal_impedance()).db());
    os << fmt::format("{:<16}{:.1f} dB SPL average, crest factor {:.1f} dB (peaks at {:.1f} dB SPL)\n\n", "Programme",
                      p.average_level().db(), p.crest_factor().db(), (p.average_level() + p.crest_factor()).db());
    if (eq != nullptr)
        os << fmt::format("{:<16}{:+.2f} dB at {:.0f} Hz, its largest boost: the figures below are for the programme there\n\n", "EQ",
                          eq->peak.boost.db(), value_in(eq->peak.at, hertz));
    os << fmt::format("  {:<20}{}, {}, {} (RMS)\n", "average", n.load_voltage, n.load_current, n.load_power);
    os << fmt::format("  {:<20}{}, {}\n", "peaks", n.peak_voltage, n.peak_current);
    os << fmt::format("  {:<20}{} at {:.4g} ohm (a spec sheet's power into this load)\n", "sine rating", n.sine_power,
                      value_in(hp.nominal_impedance(), ohm));
    if (zout)
        os << fmt::format("  {:<20}{} RMS behind {}{}\n", "unloaded swing", n.open_circuit_voltage, *zout, att ? " and the attenuator" : "");
    else
        os << fmt::format("  {:<20}{} RMS (behind 0 ohm{}; give --zout for a real output)\n", "unloaded swing", n.open_circuit_voltage,
                          att ? " and the attenuator" : "");
    if (att != nullptr) {
        const amplifier_demand avg = attenuated_demand(*att, hp, n.load_voltage);
        const amplifier_demand peak = attenuated_demand(*att, hp, n.peak_voltage);
        os << fmt::format("  {:<20}{}; the amplifier sees {:.4g} ohm and gives {}, {}, {} average, peaks of {}, {}\n", "attenuator",
                          terminal_text(frontend::describe_attenuator(*att)), value_in(avg.load, ohm), avg.terminal_voltage,
                          avg.terminal_current, avg.terminal_power, peak.terminal_voltage, peak.terminal_current);
    }
    os << fmt::format("  {:<20}{:+.1f} dB after a {} source at full scale\n", "gain", n.gain_after(source).db(), source);
    if (limit_load(hp) < hp.nominal_impedance())
        os << fmt::format("  {:<20}the figures are taken into {:.4g} ohm, the impedance curve's minimum\n", "load",
                          value_in(limit_load(hp), ohm));
    if (hp.sensitivity_off_1khz())
        os << fmt::format("  {:<20}the sensitivity was stated at {:.0f} Hz and is applied at 1 kHz, where the driver may differ\n", "caution",
                          value_in(*hp.sensitivity_frequency(), hertz));
    if (const auto rated = hp.rated_power())
        os << fmt::format("  {:<20}{} {} the headphone's rated {}\n", "rated power", n.sine_power,
                          n.sine_power > *rated ? "for the peaks exceeds" : "for the peaks is within", *rated);
}

// What the headphone needs for the programme (with an EQ, at the level its largest boost asks for), behind the
// request's output impedance where it gives one.
void run_need(std::ostream& os, const frontend::gear_request& r, const headphone& hp, const std::string& source_flag, bool json,
              const std::string& catalog) {
    const auto p = frontend::programme_of(r);
    if (!p) throw usage_error{"--target: give the level to reach (and --crest for music), or an amplifier to analyse"};
    const fields::output_figures figures = fields::read_output(r.amp_figures, r.from);  // only --zout is registered here
    const std::optional<impedance> zout = figures.zout;
    const voltage source = flag_value("--source", source_flag, parse_voltage);
    if (!(value_in(source, volt) > 0.0)) throw usage_error{"--source: '" + source_flag + "' must be positive"};
    const auto eq = frontend::eq_of(r);
    std::optional<eq_response> boost;
    programme wanted = *p;
    if (eq) {
        boost = eq_response_on(*eq, audio_band_grid(), p->spectrum());
        wanted = programme{p->average_level() + boost->peak.boost, p->crest_factor(), p->spectrum()};
    }
    const std::optional<attenuator> att = make_attenuator(r, catalog);
    const attenuator* through = att ? &*att : nullptr;
    const requirement n = requirement_for(hp, wanted, zout.value_or(in_si(0.0, ohm)), std::nullopt, through);
    if (json)
        os << frontend::need_json(hp, *p, n, zout, source, boost ? &*boost : nullptr, through).dump(2) << '\n';
    else
        print_need(os, hp, *p, n, zout, source, boost ? &*boost : nullptr, through);
}

// ---- comparing the outputs of an amplifier -----------------------------------------------------------------

void print_comparison(std::ostream& os, const headphone& hp, const comparison& c) {
    os << fmt::format("{:<12}{}: {:.4g} ohm, {:.2f} dB SPL/V\n", "Headphone", hp.name(), value_in(hp.nominal_impedance(), ohm),
                      hp.sensitivity_per_volt().db());
    if (c.programme_used)
        os << fmt::format("{:<12}{:.1f} dB SPL average, crest factor {:.1f} dB\n", "Programme", c.programme_used->average_level().db(),
                          c.programme_used->crest_factor().db());
    if (!c.options.empty() && c.options.front().analysis.attenuation)
        os << fmt::format("{:<12}{}\n", "Attenuator", terminal_text(frontend::describe_attenuator(c.options.front().analysis.attenuation->adapter)));
    os << fmt::format("\n{:<24} {:<8} {:>9} {:>10} {:>9} {:<8} {:>14} {:<10} {:>8} {:>8} {:<8}\n", "output", "setting", "max SPL", "max power",
                      "headroom", "limit", "hiss (dB SPL)", "heard", "volume", "damping", "1/8 rule");
    for (const auto& o : c.options) {
        const auto& a = o.analysis;
        const bool zs = o.option.stage.output_impedance_stated();
        std::string hiss = "-";
        if (a.hiss)
            hiss = a.hiss->low == a.hiss->high ? fmt::format("{:.1f}", a.hiss->low.db())
                                               : fmt::format("{:.1f}-{:.1f}", a.hiss->low.db(), a.hiss->high.db());
        const std::string damping = !zs ? "-" : (a.damping_factor ? fmt::format("{:.0f}", *a.damping_factor) : "ideal");
        // Where the volume sits, in dB below full output, at the programme's level.
        const std::string volume = a.volume ? fmt::format("{:.1f}", -a.volume->attenuation.db()) : "-";
        os << fmt::format("{:<24} {:<8} {:>9.1f} {:>10} {:>9} {:<8} {:>14} {:<10} {:>8} {:>8} {:<8}{}\n", o.option.output,
                          o.option.gain_setting.empty() ? "-" : o.option.gain_setting, a.max.max_level.db(),
                          fmt::format("{:.3g}", a.max.load_power), a.headroom ? fmt::format("{:+.1f}", a.headroom->margin.db()) : "-",
                          to_string(a.headroom ? a.headroom->binding : a.max.binding), hiss,
                          a.audibility ? to_string(a.audibility->verdict) : "-", volume, damping,
                          a.meets_one_eighth_rule ? (*a.meets_one_eighth_rule ? "met" : "NOT met") : "-", o.recommended_gain && o.option.gain_setting.size() ? (o.option.kind == setting_kind::load_sensed ? "  <- selected by the load" : "  <- advised") : "");
    }
    os << "\nVerdict\n";
    for (const auto& line : frontend::verdict_lines(c)) os << "  " << line << '\n';
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
                const frontend::gear_request r = request_of(f->gear, f->curves);
                const headphone hp = make_headphone(r, f->gear.catalog);
                if (!frontend::names_amplifier(r)) return run_need(os, r, hp, "2V", f->json, f->gear.catalog.dir);
                const auto p = frontend::programme_of(r);
                const auto eq = frontend::eq_of(r);
                const std::optional<attenuator> att = make_attenuator(r, f->gear.catalog.dir);
                const attenuator* through = att ? &*att : nullptr;
                const std::vector<output_option> options = make_options(r, hp, f->gear.catalog, through);
                if (options.size() > 1) {
                    const comparison c = compare_outputs(options, hp, p, gain::of_db(0.0), eq ? &*eq : nullptr, through);
                    if (f->json)
                        os << frontend::comparison_json(hp, c).dump(2) << '\n';
                    else
                        print_comparison(os, hp, c);
                    return;
                }
                const output_stage& out = options.front().stage;
                const pair_analysis a = analyse(out, hp, p, through);
                const auto across = analyse_frequency(out, hp, eq ? &*eq : nullptr, p, through);
                if (f->json) {
                    os << frontend::pair_json(out, hp, p, a, across ? &*across : nullptr).dump(2) << '\n';
                } else {
                    print_report(os, hp, out, r, p, a, across ? &*across : nullptr);
                    if (a.source_gain_stage) print_gain_stage(os, *a.source_gain_stage);
                    if (across) print_frequency_report(os, *across, out.output_impedance_stated());
                }
            }};
}

subcommand add_need(CLI::App& parent) {
    struct flags {
        gear_flags gear;
        curve_flags curves;
        std::string source = "2V";
        bool json = false;
    };
    auto f = std::make_shared<flags>();
    CLI::App* app = parent.add_subcommand("need", "What a headphone needs to play a programme, without any amplifier");
    app->footer("Example: headroom need --headphone \"HiFiMan Sundara\" --target 110 --crest 18\n"
                "`headroom pair` with a headphone and no amplifier flags answers the same.");
    add_gear_flags(*app, f->gear, {.amplifier = false, .programme = true, .target_required = true, .resistor_rating = false});
    add_curve_flags(*app, f->curves);
    app->add_option("--source", f->source, "The full-scale level the gain is counted after (default 2V)")->check(non_empty);
    app->add_flag("--json", f->json, "Print JSON (SI base units) instead of the report");
    return {app, [f](std::ostream& os) {
                const frontend::gear_request r = request_of(f->gear, f->curves);
                run_need(os, r, make_headphone(r, f->gear.catalog), f->source, f->json, f->gear.catalog.dir);
            }};
}

}  // namespace headroom::cli
