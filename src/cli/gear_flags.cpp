#include "cli/gear_flags.hpp"

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "headroom/parse.hpp"

#include <string>
#include <string_view>

namespace headroom::cli {

namespace {

template <class Q, class Unit>
Q positive(std::string_view flag, const std::string& text, Q (*parse)(std::string_view), Unit unit) {
    const Q q = flag_value(flag, text, parse);
    if (!(value_in(q, unit) > 0.0)) throw usage_error{std::string{flag} + ": '" + text + "' must be positive"};
    return q;
}

template <class Q, class Unit>
std::optional<Q> optional_positive(std::string_view flag, const std::string& text, Q (*parse)(std::string_view),
                                   Unit unit) {
    if (text.empty()) return std::nullopt;
    return positive(flag, text, parse, unit);
}

}  // namespace

headphone make_headphone(const gear_flags& f) {
    if (!f.headphone.empty()) {
        const auto catalog = headphone_catalog(f.catalog_dir);
        return flag_value("--headphone", f.headphone, [&](const std::string& name) { return find_headphone(catalog, name).model; });
    }
    if (f.impedance.empty() || f.sensitivity.empty())
        throw usage_error{"state the headphone: --impedance and --sensitivity, or --headphone NAME from the catalog"};
    const auto z = positive("--impedance", f.impedance, parse_impedance, ohm);
    const auto s = flag_value("--sensitivity", f.sensitivity, parse_sensitivity);
    const auto rated = optional_positive("--rated-power", f.rated_power, parse_power, watt);
    return headphone{"headphone", z, s, rated};
}

chosen_output make_output(const gear_flags& f) {
    if (!f.amp.empty()) {
        const output_setting s = catalog_setting(f.catalog_dir, f.amp, f.output, f.gain);
        return {f.bridge ? bridge(s.stage) : s.stage, s.output_impedance_stated};
    }
    if (!f.gain.empty() && f.source.empty()) throw usage_error{"--gain needs --source (or, with --amp, names a gain setting)"};
    if (!f.source.empty() && f.gain.empty()) throw usage_error{"--source needs --gain"};
    if (!f.power.empty()) {
        const impedance zout = output_impedance_flag(f.zout);
        output_spec spec = fit_power_flags(f.power, zout, f.balanced ? topology::balanced : topology::single_ended).stage.spec();
        if (!f.source.empty())
            spec.source = source_gain{positive("--source", f.source, parse_voltage, volt), flag_value("--gain", f.gain, parse_gain)};
        spec.noise = optional_positive("--noise", f.noise, parse_voltage, volt);
        output_stage out{"amplifier output", spec};
        return {f.bridge ? bridge(out) : out, f.zout_given};
    }
    output_spec spec;
    spec.open_circuit_voltage = optional_positive("--vmax", f.vmax, parse_voltage, volt);
    spec.current_limit = optional_positive("--imax", f.imax, parse_current, ampere);
    spec.power_limit = optional_positive("--pmax", f.pmax, parse_power, watt);
    spec.output_impedance = output_impedance_flag(f.zout);
    if (!f.source.empty())
        spec.source = source_gain{positive("--source", f.source, parse_voltage, volt), flag_value("--gain", f.gain, parse_gain)};
    spec.noise = optional_positive("--noise", f.noise, parse_voltage, volt);
    if (!spec.open_circuit_voltage && !spec.current_limit && !spec.power_limit && !spec.source)
        throw usage_error{"state at least one amplifier limit: --vmax, --imax, --pmax, or --source with --gain"};
    spec.kind = f.balanced ? topology::balanced : topology::single_ended;
    output_stage out{"amplifier output", spec};
    return {f.bridge ? bridge(out) : out, f.zout_given};
}

std::optional<programme> make_programme(const gear_flags& f) {
    if (f.target.empty()) return std::nullopt;
    programme p{flag_value("--target", f.target, parse_spl)};
    if (!f.crest.empty()) {
        p.crest_factor = flag_value("--crest", f.crest, parse_gain);
        if (p.crest_factor.db() < 0.0) throw usage_error{"--crest: '" + f.crest + "' must not be negative (peak >= RMS)"};
    }
    return p;
}


void add_gear_flags(CLI::App& app, gear_flags& f) {
    app.add_option("--impedance", f.impedance, "Headphone impedance at 1 kHz (300, 300ohm)");
    app.add_option("--sensitivity", f.sensitivity, "97dB/mW | 102.2dB/V | 94.6dB@5mA | 327mV@94dB");
    app.add_option("--rated-power", f.rated_power, "Headphone rated input power (200mW)");
    app.add_option("--vmax", f.vmax, "Open-circuit RMS voltage before clipping (7.5, 7500mV, 7.5V, 21Vpp)");
    app.add_option("--imax", f.imax, "RMS current limit (0.25, 250mA)");
    app.add_option("--pmax", f.pmax, "Continuous (thermal) power limit (1W, 1000mW)");
    app.add_option("--zout", f.zout, "Output impedance (0.5, 0.5ohm); if not given, 0 is assumed and reported as unknown")
        ->each([&f](const std::string&) { f.zout_given = true; });
    app.add_option("--source", f.source, "Source full-scale RMS level (2V); needs --gain");
    app.add_option("--gain", f.gain, "Amplifier voltage gain in dB (6, 6dB) with --source; a gain setting's name with --amp");
    app.add_option("--noise", f.noise, "Output noise RMS (3uV)");
    auto* bridge_flag = app.add_flag("--bridge", f.bridge, "The figures describe one SE leg: analyse the bridged output");
    auto* balanced_flag = app.add_flag("--balanced", f.balanced, "The figures already describe a balanced output");
    bridge_flag->excludes(balanced_flag);
    auto* target = app.add_option("--target", f.target, "Programme average level in dB SPL (85)");
    app.add_option("--crest", f.crest, "Programme crest factor in dB (default: a sine, 3.0103)")->needs(target);
    auto* headphone_opt = app.add_option("--headphone", f.headphone, "A headphone from the catalog, by name (\"Sennheiser HD600\")");
    for (const char* name : {"--impedance", "--sensitivity", "--rated-power"}) headphone_opt->excludes(name);
    auto* amp_opt = app.add_option("--amp", f.amp, "An amplifier from the catalog, by name; --output and --gain pick its output and gain setting");
    app.add_option("--output", f.output, "The catalog amplifier's output (balanced, 6.35mm); needed when it has several")->needs(amp_opt);
    auto* power_opt = app.add_option("--power", f.power, "Stated power into a load (1.2W@32ohm), repeatable: fitted to V_oc/I_max/P_max");
    for (const char* name : {"--vmax", "--imax", "--pmax", "--zout", "--source", "--noise", "--balanced"}) amp_opt->excludes(name);
    amp_opt->excludes(power_opt);
    for (const char* name : {"--vmax", "--imax", "--pmax"}) power_opt->excludes(name);
    app.add_option("--catalog-dir", f.catalog_dir, "Folder with headphones.json and amplifiers.json (default: the bundled catalog)");

    // The fields are parsed on use and an empty one means "not given", so `--pmax ""` would silently drop a limit
    // (and `--source ""` the gain with it): reject an empty value where the flag is given.
    const CLI::Validator given{
        [](std::string& s) { return s.empty() ? std::string{"needs a value, not an empty string"} : std::string{}; }, "",
        "non-empty"};
    for (const char* name : {"--impedance", "--sensitivity", "--rated-power", "--vmax", "--imax", "--pmax", "--zout",
                             "--source", "--gain", "--noise", "--target", "--crest", "--headphone", "--amp", "--output",
                             "--catalog-dir", "--power"})
        app.get_option(name)->check(given);
}

}  // namespace headroom::cli
