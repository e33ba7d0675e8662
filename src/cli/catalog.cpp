// headroom catalog: what the catalog holds, as a table for people or JSON for programs.

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "cli/json_text.hpp"
#include "cli/terminal_text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <string>

namespace headroom::cli {

namespace {

using ojson = nlohmann::ordered_json;

struct catalog_flags {
    std::string what;
    std::string catalog_dir;
    bool json = false;
};

template <class Q, class Unit>
ojson optional_value(const std::optional<Q>& q, Unit unit) {
    return q ? ojson(value_in(*q, unit)) : ojson(nullptr);
}

ojson headphone_json(const headphone_entry& h) {
    ojson j;
    j["name"] = h.name();
    j["type"] = to_string(h.type);
    j["impedance_ohm"] = value_in(h.model.nominal_impedance(), ohm);
    j["sensitivity_db_per_v"] = h.model.sensitivity_per_volt().db();
    j["sensitivity_db_per_mw"] = h.model.stated_sensitivity().per_milliwatt(h.model.nominal_impedance()).db();
    j["rated_power_w"] = optional_value(h.model.rated_power(), watt);
    j["sensitivity_frequency_hz"] = optional_value(h.sensitivity_frequency, hertz);
    j["impedance_curve"] = h.impedance_curve ? ojson(h.impedance_curve->string()) : ojson(nullptr);
    j["basis"] = to_string(h.basis);
    j["source"] = h.source;
    j["note"] = h.note;
    return j;
}

ojson setting_json(const output_setting& s) {
    ojson j;
    j["gain_setting"] = s.gain_name.empty() ? ojson(nullptr) : ojson(s.gain_name);
    j["vmax_vrms"] = optional_value(s.stage.open_circuit_voltage(), volt);
    j["imax_arms"] = optional_value(s.stage.current_limit(), ampere);
    j["pmax_w"] = optional_value(s.stage.power_limit(), watt);
    j["zout_ohm"] = value_in(s.stage.output_impedance(), ohm);
    j["zout_stated"] = s.output_impedance_stated;  // false: the catalog gives none, and zout_ohm is the 0 assumed
    j["gain_limited_vrms"] = optional_value(s.stage.gain_limited_voltage(), volt);
    j["noise_vrms"] = optional_value(s.stage.noise(), volt);
    if (s.fit) {
        j["fit"] = {{"model", to_string(s.fit->model)},
                    {"max_error_db", s.fit->max_error.db()},
                    {"vmax_is_lower_bound", s.fit->voltage_is_lower_bound}};
    }
    return j;
}

ojson amplifier_json(const amplifier_entry& a) {
    ojson j;
    j["name"] = a.name;
    j["kind"] = to_string(a.kind);
    j["basis"] = to_string(a.basis);
    j["source"] = a.source;
    j["note"] = a.note;
    auto outputs = ojson::array();
    for (const auto& o : a.outputs) {
        ojson out;
        out["name"] = o.name;
        out["topology"] = o.kind == topology::balanced ? "balanced" : "single_ended";
        out["connector"] = o.connector;
        auto settings = ojson::array();
        for (const auto& s : o.settings) settings.push_back(setting_json(s));
        out["settings"] = settings;
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
    if (const auto p = s.power_limit())
        add(value_in(*p, watt) >= 1.0 ? fmt::format("{:.3g} W", value_in(*p, watt)) : fmt::format("{:.3g} mW", value_in(*p, watt) * 1e3));
    if (const auto g = s.gain_limited_voltage()) add(fmt::format("{:.3g} V at full scale", value_in(*g, volt)));
    add(setting.output_impedance_stated ? fmt::format("Z_out {:.3g} ohm", value_in(s.output_impedance(), ohm)) : "Z_out not stated");
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
                os << fmt::format("  {:<24} {:<12} {}{}\n", terminal_text(o.name + (s.gain_name.empty() ? "" : " / " + s.gain_name)),
                                  o.kind == topology::balanced ? "balanced" : "single-ended", limits_text(s),
                                  s.fit ? fmt::format("  [fitted, {}, max error {:.2f} dB]", to_string(s.fit->model), s.fit->max_error.db())
                                        : std::string{});
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
                    auto j = ojson::array();
                    for (const auto& h : list) j.push_back(headphone_json(h));
                    os << json_text(j) << '\n';
                } else {
                    const auto list = amplifier_catalog(f->catalog_dir);
                    if (!f->json) return print_amplifiers(os, list);
                    auto j = ojson::array();
                    for (const auto& a : list) j.push_back(amplifier_json(a));
                    os << json_text(j) << '\n';
                }
            }};
}

}  // namespace headroom::cli
