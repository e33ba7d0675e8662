// headroom catalog: what the catalog holds, as a table for people or JSON for programs.

#include "catalog_select.hpp"
#include "commands.hpp"
#include "headroom/frontend/words.hpp"
#include "json_text.hpp"
#include "terminal_text.hpp"
#include "headroom/format.hpp"
#include "headroom/frontend/json.hpp"

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
                    frontend::ojson j{{"format", "headroom-catalog-1"}, {"headphones", frontend::ojson::array()}};
                    for (const auto& h : list) j["headphones"].push_back(frontend::headphone_entry_json(h));
                    os << json_text(j) << '\n';
                } else {
                    const auto list = amplifier_catalog(f->catalog_dir);
                    if (!f->json) return print_amplifiers(os, list);
                    frontend::ojson j{{"format", "headroom-catalog-1"}, {"amplifiers", frontend::ojson::array()}};
                    for (const auto& a : list) j["amplifiers"].push_back(frontend::amplifier_entry_json(a));
                    os << json_text(j) << '\n';
                }
            }};
}

}  // namespace headroom::cli
