// headroom catalog: what the catalog holds, as a table for people or JSON for programs.

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "cli/describe.hpp"
#include "cli/json_text.hpp"
#include "cli/terminal_text.hpp"
#include "headroom/format.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <string>

namespace headroom::cli {

namespace {

struct catalog_flags {
    std::string what;
    std::string catalog_dir;
    bool json = false;
};

// Values written back in the catalog's own spellings, with the shortest text that reads back as the same double.
std::string with_unit(double v, std::string_view unit) { return fmt::format("{}{}", v, unit); }

std::string sensitivity_text(const sensitivity& s) {
    const double level = s.stated_level().db();
    switch (s.stated_form()) {
        case sensitivity::form::db_per_milliwatt: return fmt::format("{}dB/mW", level);
        case sensitivity::form::db_per_volt: return fmt::format("{}dB/V", level);
        case sensitivity::form::db_at_current: return fmt::format("{}dB@{}A", level, s.reference_value());
        case sensitivity::form::voltage_for_level: return fmt::format("{}V@{}dB", s.reference_value(), level);
    }
    return {};
}

// A headphone as a catalog entry (headroom-catalog-1), so that `catalog headphones --json` can be read back by
// --headphones; what headroom derives goes under "computed", which the loader ignores.
ojson headphone_json(const headphone_entry& h) {
    const headphone& m = h.model;
    ojson j;
    j["name"] = h.name();
    j["type"] = to_string(h.type);
    j["impedance"] = with_unit(value_in(m.nominal_impedance(), ohm), "ohm");
    j["sensitivity"] = sensitivity_text(m.stated_sensitivity());
    if (const auto f = m.sensitivity_frequency()) j["sensitivity_frequency"] = with_unit(value_in(*f, hertz), "Hz");
    if (const auto p = m.rated_power()) j["rated_power"] = with_unit(value_in(*p, watt), "W");
    // The file's absolute path, so that the JSON read back from anywhere finds the same curve.
    if (!h.impedance_curve.empty()) j["impedance_curve"] = h.impedance_curve_file.string();
    if (!h.driver.empty()) j["driver"] = h.driver;
    if (!h.drivers.empty()) j["drivers"] = h.drivers;
    j["basis"] = to_string(h.basis);
    if (!h.source.empty()) j["source"] = h.source;
    if (!h.secondary_source.empty()) j["secondary_source"] = h.secondary_source;
    if (!h.note.empty()) j["note"] = h.note;
    ojson c;
    c["impedance_ohm"] = value_in(m.nominal_impedance(), ohm);
    c["sensitivity_db_per_v"] = m.sensitivity_per_volt().db();
    c["sensitivity_db_per_mw"] = m.stated_sensitivity().per_milliwatt(m.nominal_impedance()).db();
    if (const auto* curve = m.curve()) {
        const auto min = curve->minimum();
        c["min_impedance_ohm"] = value_in(min.magnitude, ohm);
        c["min_impedance_hz"] = value_in(min.at, hertz);
    }
    j["computed"] = c;
    return j;
}

// One gain setting's (or a whole output's) stated figures, in the catalog's spellings.
void put_figures(ojson& j, const output_setting& s) {
    const output_stage& st = s.stage;
    const output_spec& spec = st.spec();
    if (spec.open_circuit_voltage) j["vmax"] = with_unit(value_in(*spec.open_circuit_voltage, volt), "V");
    if (spec.current_limit) j["imax"] = with_unit(value_in(*spec.current_limit, ampere), "A");
    if (spec.clipping_power) j["pmax"] = with_unit(value_in(*spec.clipping_power, watt), "W");
    if (spec.thermal_power) j["thermal_power"] = with_unit(value_in(*spec.thermal_power, watt), "W");
    if (spec.source_resistance) j["source_resistance"] = with_unit(value_in(*spec.source_resistance, ohm), "ohm");
    if (spec.output_impedance) j["zout"] = with_unit(value_in(*spec.output_impedance, ohm), "ohm");
    if (spec.noise) {
        j["noise"] = with_unit(value_in(spec.noise->low(), volt), "V");
        if (spec.noise->weighting() != noise_weighting::not_stated) j["noise_weighting"] = to_string(spec.noise->weighting());
    }
    if (spec.source) {
        j["source_level"] = with_unit(value_in(spec.source->full_scale(), volt), "V");
        j["gain"] = with_unit(spec.source->amplifier_gain().db(), "dB");
    } else if (s.stated_gain) {
        j["gain"] = with_unit(s.stated_gain->db(), "dB");
    }
    if (spec.ratings) {
        ojson pts = ojson::array();
        for (const auto& p : spec.ratings->points())
            pts.push_back(fmt::format("{}W@{}ohm", value_in(p.output, watt), value_in(p.load, ohm)));
        j["power"] = pts;
    }
    j["computed"] = output_json(st);
}

ojson amplifier_json(const amplifier_entry& a) {
    ojson j;
    j["name"] = a.name;
    j["kind"] = to_string(a.kind);
    j["basis"] = to_string(a.basis);
    if (!a.source.empty()) j["source"] = a.source;
    if (!a.secondary_source.empty()) j["secondary_source"] = a.secondary_source;
    if (!a.note.empty()) j["note"] = a.note;
    auto outputs = ojson::array();
    for (const auto& o : a.outputs) {
        ojson out;
        out["name"] = o.name;
        out["topology"] = to_string(o.kind);
        if (!o.connector.empty()) out["connector"] = o.connector;
        if (o.settings.size() == 1 && o.settings.front().gain_name.empty()) {
            put_figures(out, o.settings.front());
        } else {
            auto gains = ojson::array();
            for (const auto& s : o.settings) {
                ojson g;
                g["name"] = s.gain_name;
                put_figures(g, s);
                gains.push_back(g);
            }
            out["gains"] = gains;
        }
        outputs.push_back(out);
    }
    j["outputs"] = outputs;
    return j;
}

std::string limits_text(const output_setting& setting) {
    const output_stage& s = setting.stage;
    std::string t;
    const auto add = [&t](const std::string& part) { t += (t.empty() ? "" : ", ") + part; };
    if (const auto v = s.open_circuit_voltage()) add(fmt::format("{:.3g} V", value_in(*v, volt)));
    if (const auto i = s.current_limit()) add(fmt::format("{:.3g} mA", value_in(*i, ampere) * 1e3));
    if (const auto p = s.clipping_power()) add(fmt::format("rated {:.3g}", *p));
    if (const auto& t = s.ratings())
        for (const auto& p : t->points()) add(fmt::format("{:.3g} @ {:.3g}", p.output, p.load));
    if (const auto p = s.thermal_power()) add(fmt::format("thermal {:.3g}", *p));
    if (const auto g = s.gain_limited_voltage()) add(fmt::format("{:.3g} V at full scale", value_in(*g, volt)));
    add(s.output_impedance_stated() ? fmt::format("Z_out {:.3g} ohm", value_in(s.output_impedance(), ohm)) : "Z_out not stated");
    return t;
}

// The tables show names through terminal_text: a catalog is a file from anywhere, and its names are data.
void print_headphones(std::ostream& os, const std::vector<headphone_entry>& list) {
    os << fmt::format("{:<40} {:<17} {:>9} {:>9} {:>10}  {}\n", "headphone", "type", "Z (ohm)", "dB/V", "dB/mW", "basis");
    for (const auto& h : list)
        os << fmt::format("{:<40} {:<17} {:>9.4g} {:>9.2f} {:>10.2f}  {}\n", terminal_text(h.name()), to_string(h.type),
                          value_in(h.model.nominal_impedance(), ohm), h.model.sensitivity_per_volt().db(),
                          h.model.stated_sensitivity().per_milliwatt(h.model.nominal_impedance()).db(), to_string(h.basis));
    os << fmt::format("{} headphones\n", list.size());
}

void print_amplifiers(std::ostream& os, const std::vector<amplifier_entry>& list) {
    for (const auto& a : list) {
        os << fmt::format("{} ({}, {})\n", terminal_text(a.name), to_string(a.kind), to_string(a.basis));
        for (const auto& o : a.outputs)
            for (const auto& s : o.settings)
                os << fmt::format("  {:<24} {:<12} {}\n", terminal_text(o.name + (s.gain_name.empty() ? "" : " / " + s.gain_name)),
                                  o.kind == topology::balanced ? "balanced" : "single-ended", limits_text(s));
    }
    os << fmt::format("{} amplifiers\n", list.size());
}

}  // namespace

subcommand add_catalog(CLI::App& parent) {
    auto f = std::make_shared<catalog_flags>();
    CLI::App* app = parent.add_subcommand("catalog", "List the headphones or amplifiers in the catalog");
    app->footer("Names work with `headroom pair --headphone NAME --amp NAME` (case-insensitive).\n"
                "The format is described in docs/catalog-format.md.");
    app->add_option("what", f->what, "headphones | amps")->required()->check(CLI::IsMember({"headphones", "amps", "amplifiers"}));
    app->add_option("--catalog-dir", f->catalog_dir, "Folder with headphones.json and amplifiers.json (default: the bundled catalog)")
        ->check(non_empty);  // "" would mean the bundled catalog
    app->add_flag("--json", f->json, "Print JSON instead of the table");
    return {app, [f](std::ostream& os) {
                if (f->what == "headphones") {
                    const auto list = headphone_catalog(f->catalog_dir);
                    if (!f->json) return print_headphones(os, list);
                    ojson j{{"format", "headroom-catalog-1"}, {"headphones", ojson::array()}};
                    for (const auto& h : list) j["headphones"].push_back(headphone_json(h));
                    os << json_text(j) << '\n';
                } else {
                    const auto list = amplifier_catalog(f->catalog_dir);
                    if (!f->json) return print_amplifiers(os, list);
                    ojson j{{"format", "headroom-catalog-1"}, {"amplifiers", ojson::array()}};
                    for (const auto& a : list) j["amplifiers"].push_back(amplifier_json(a));
                    os << json_text(j) << '\n';
                }
            }};
}

}  // namespace headroom::cli
