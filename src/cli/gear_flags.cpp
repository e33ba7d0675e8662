#include "cli/gear_flags.hpp"

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "headroom/parse.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

std::string_view flag_for_field(std::string_view field) noexcept {
    constexpr std::pair<std::string_view, std::string_view> flags[] = {
        {"open-circuit voltage", "--vmax"}, {"current limit", "--imax"},     {"clipping power", "--pmax"},
        {"thermal power", "--thermal-power"}, {"source resistance", "--source-resistance"},
        {"output impedance", "--zout"},    {"source level", "--source"},    {"gain", "--gain"},
        {"noise", "--noise"},              {"power", "--power"},            {"load", "--power"},
        {"impedance", "--impedance"},      {"sensitivity", "--sensitivity"}, {"level", "--sensitivity"},
        {"reference current", "--sensitivity"}, {"voltage", "--sensitivity"}, {"rated power", "--rated-power"},
        {"average level", "--target"},     {"crest factor", "--crest"},
    };
    for (const auto& [name, flag] : flags)
        if (name == field) return flag;
    return {};
}

programme programme_flags(const std::string& target, const std::string& crest) {
    const spl level = flag_value("--target", target, parse_spl);
    const gain cf = crest.empty() ? sine_crest_factor : flag_value("--crest", crest, parse_gain);
    return model_from_flags([&] { return programme{level, cf}; });
}

rating_table power_flags(const std::vector<std::string>& power) {
    std::vector<power_point> points;
    for (const auto& text : power) points.push_back(flag_value("--power", text, parse_power_point));
    return model_from_flags([&] { return rating_table{std::move(points), "--power"}; });
}

headphone make_headphone(const gear_flags& f) {
    if (!f.headphone.empty()) {
        const auto catalog = headphone_catalog(f.catalog_dir);
        return flag_value("--headphone", f.headphone, [&](const std::string& name) { return find_headphone(catalog, name).model; });
    }
    if (f.impedance.empty() || f.sensitivity.empty())
        throw usage_error{"state the headphone: --impedance and --sensitivity, or --headphone NAME from the catalog"};
    const auto z = positive("--impedance", f.impedance, parse_impedance, ohm);
    const auto stated = flag_value("--sensitivity", f.sensitivity, parse_stated_sensitivity);
    const sensitivity s = stated.value;
    headphone_details details;
    details.sensitivity_frequency = stated.at;  // "97dB/mW@500Hz": the report warns that it is applied at 1 kHz
    details.rated_power = optional_positive("--rated-power", f.rated_power, parse_power, watt);
    return model_from_flags([&] { return headphone{"headphone", z, s, details}; });
}

output_stage make_output(const gear_flags& f) {
    if (!f.amp.empty()) {
        if (!f.bridge) return catalog_setting(f.catalog_dir, f.amp, f.output, f.gain).stage;
        const auto amps = amplifier_catalog(f.catalog_dir);
        const amplifier_entry& a = flag_value("--amp", f.amp, [&](const std::string& n) -> const amplifier_entry& { return find_amplifier(amps, n); });
        const amplifier_output* balanced = a.balanced_output();
        if (!f.output.empty()) {
            const amplifier_output& named = flag_value("--output", f.output, [&](const std::string& n) -> const amplifier_output& { return a.output(n); });
            if (named.kind != topology::balanced)
                throw usage_error{"--bridge: '" + named.name + "' is single-ended, and a catalog device's balanced figures are its own, never derived" +
                                  (balanced ? ": use --output '" + balanced->name + "'" : std::string{": it has no balanced output"})};
            balanced = &named;
        }
        if (balanced == nullptr)
            throw usage_error{"--bridge: '" + a.name + "' has no balanced output, and a catalog device's is never derived from its single-ended figures"};
        return flag_value("--gain", f.gain, [&](const std::string& g) { return balanced->setting(g).stage; });
    }
    if (!f.gain.empty() && f.source.empty()) throw usage_error{"--gain needs --source (or, with --amp, names a gain setting)"};
    if (!f.source.empty() && f.gain.empty()) throw usage_error{"--source needs --gain"};
    output_spec spec;
    if (!f.power.empty()) spec.ratings = power_flags(f.power);
    spec.open_circuit_voltage = optional_positive("--vmax", f.vmax, parse_voltage, volt);
    spec.current_limit = optional_positive("--imax", f.imax, parse_current, ampere);
    spec.clipping_power = optional_positive("--pmax", f.pmax, parse_power, watt);
    spec.thermal_power = optional_positive("--thermal-power", f.thermal, parse_power, watt);
    if (!f.source_resistance.empty()) spec.source_resistance = flag_value("--source-resistance", f.source_resistance, parse_impedance);
    if (!f.zout.empty()) spec.output_impedance = output_impedance_flag(f.zout);
    if (!f.source.empty()) {
        const voltage level = flag_value("--source", f.source, parse_voltage);
        const gain g = flag_value("--gain", f.gain, parse_gain);
        spec.source = model_from_flags([&] { return source_gain{level, g}; });
    }
    if (!f.noise.empty()) {
        const voltage n = flag_value("--noise", f.noise, parse_voltage);
        spec.noise = model_from_flags([&] { return output_noise{n}; });
    }
    if (!spec.open_circuit_voltage && !spec.current_limit && !spec.clipping_power && !spec.thermal_power && !spec.ratings && !spec.source)
        throw usage_error{"state at least one amplifier limit: --vmax, --imax, --pmax, --power, --thermal-power, or --source with --gain"};
    spec.kind = f.balanced ? topology::balanced : topology::single_ended;
    return model_from_flags([&] {
        output_stage out{"amplifier output", spec};
        return f.bridge ? bridge(out) : out;
    });
}

std::optional<programme> make_programme(const gear_flags& f) {
    if (f.target.empty()) return std::nullopt;
    return programme_flags(f.target, f.crest);
}


void add_gear_flags(CLI::App& app, gear_flags& f) {
    app.add_option("--impedance", f.impedance, "Headphone impedance at 1 kHz (300, 300ohm)");
    app.add_option("--sensitivity", f.sensitivity, "97dB/mW | 102.2dB/V | 94.6dB@5mA | 327mV@94dB");
    app.add_option("--rated-power", f.rated_power, "Headphone rated input power (200mW)");
    app.add_option("--vmax", f.vmax, "Open-circuit RMS voltage before clipping (7.5, 7500mV, 7.5V, 21Vpp)");
    app.add_option("--imax", f.imax, "RMS current limit (0.25, 250mA)");
    app.add_option("--pmax", f.pmax, "A sine power rating at any load: caps the peaks, as spec-sheet ratings do (1W, 1000mW)");
    app.add_option("--thermal-power", f.thermal, "A continuous (thermal) power limit, only where a source states one (1W)");
    app.add_option("--source-resistance", f.source_resistance, "Large-signal source resistance behind --vmax (supply sag; >= --zout)");
    app.add_option("--zout", f.zout, "Output impedance (0.5, 0.5ohm); if not given, 0 is assumed and reported as unknown");
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
    auto* power_opt = app.add_option("--power", f.power,
                                     "A sine power rating into a load as spec sheets state it (1.2W@32ohm), repeatable: the table is used as stated");
    for (const char* name : {"--vmax", "--imax", "--pmax", "--thermal-power", "--source-resistance", "--zout", "--source", "--noise", "--balanced"})
        amp_opt->excludes(name);
    amp_opt->excludes(power_opt);
    app.add_option("--catalog-dir", f.catalog_dir, "Folder with headphones.json and amplifiers.json (default: the bundled catalog)");

    // The fields are parsed on use and an empty one means "not given", so `--pmax ""` would silently drop a limit
    // (and `--source ""` the gain with it): reject an empty value where the flag is given.
    const CLI::Validator given{
        [](std::string& s) { return s.empty() ? std::string{"needs a value, not an empty string"} : std::string{}; }, "",
        "non-empty"};
    for (const char* name : {"--impedance", "--sensitivity", "--rated-power", "--vmax", "--imax", "--pmax", "--thermal-power",
                             "--source-resistance", "--zout", "--source", "--gain", "--noise", "--target", "--crest",
                             "--headphone", "--amp", "--output", "--catalog-dir", "--power"})
        app.get_option(name)->check(given);
}

}  // namespace headroom::cli
