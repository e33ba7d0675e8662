// headroom catalog: what the catalog holds, as a table for people or JSON for programs.

#include "catalog_select.hpp"
#include "commands.hpp"
#include "headroom/frontend/words.hpp"
#include "json_text.hpp"
#include "terminal_text.hpp"
#include "headroom/format.hpp"
#include "headroom/frontend/json.hpp"
#include "headroom/spec_sheet.hpp"
#include "output_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>

namespace headroom::cli {

namespace {

struct catalog_flags {
    std::string what;
    catalog_files catalog;
    bool json = false;
};

struct import_flags {
    std::string file = "-";  // "-": standard input
    std::string kind, name, add, source, source_level;
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


// The text to import, read up to one byte past the reader's limit: a 100 MB paste is refused by its size without
// holding it.
std::string import_text(const std::string& file, command_output& os) {
    const std::size_t most = max_spec_sheet_bytes + 1;
    std::string text;
    const auto read_from = [&](std::istream& in) {
        std::string buffer(64 * 1024, '\0');
        while (text.size() < most && in) {
            in.read(buffer.data(), static_cast<std::streamsize>(std::min(buffer.size(), most - text.size())));
            text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
        }
        return !in.bad();
    };
    if (file == "-") {
        if (os.standard_input() == nullptr) throw usage_error{"standard input: there is none here; give a FILE"};
        if (!read_from(*os.standard_input())) throw usage_error{"standard input: could not be read"};
    } else {
        std::error_code ec;
        if (std::filesystem::is_directory(file, ec)) throw usage_error{terminal_text(file) + ": is a folder, not a spec text"};
        std::ifstream in{file, std::ios::binary};
        if (!in) throw usage_error{terminal_text(file) + ": cannot be read (" + std::strerror(errno) + ")"};
        if (!read_from(in)) throw usage_error{terminal_text(file) + ": could not be read"};
    }
    if (text.size() > max_spec_sheet_bytes)
        throw usage_error{(file == "-" ? std::string{"standard input"} : terminal_text(file)) + ": more than " +
                          std::to_string(max_spec_sheet_bytes) + " bytes (1 MiB); a spec sheet is a few kilobytes: paste the specifications alone"};
    return text;
}

// --kind: the kind of gear, or the headphone type or amplifier kind itself (which says the kind too).
void apply_kind(const std::string& kind, spec_sheet_options& o) {
    if (kind.empty()) return;
    if (kind == "headphone") {
        o.kind = gear_kind::headphone;
        return;
    }
    if (kind == "amplifier") {
        o.kind = gear_kind::amplifier;
        return;
    }
    for (std::size_t k = 0; k < 6; ++k)
        if (to_string(static_cast<headphone_type>(k)) == kind) {
            o.kind = gear_kind::headphone, o.type = static_cast<headphone_type>(k);
            return;
        }
    for (std::size_t k = 0; k < 6; ++k)
        if (to_string(static_cast<amplifier_kind>(k)) == kind) {
            o.kind = gear_kind::amplifier, o.amp_kind = static_cast<amplifier_kind>(k);
            return;
        }
    throw usage_error{"--kind: " + terminal_text(detail::quoted(kind)) +
                      " is not headphone, amplifier, a headphone type (over-ear dynamic, over-ear planar, over-ear electrostatic, on-ear, "
                      "iem, earbud) or an amplifier kind (desktop, portable, dongle, dap, phone, laptop)"};
}

// One line of the account: what a line gave, and to which field, or why it gave nothing. The line's text is data
// from anywhere and goes through terminal_text.
std::string account_line(const spec_line& l) {
    std::string t = fmt::format("line {}: {}", l.number, to_string(l.status));
    if (l.status == line_status::read) {
        std::string fields;
        for (const auto& f : l.fields) {
            std::string one = f.field + " = " + f.value;
            if (!f.output.empty()) one += " (" + f.output + (f.setting.empty() ? "" : ", " + f.setting) + ")";
            else if (!f.setting.empty()) one += " (" + f.setting + ")";
            if (!f.used) one += " [not in the entry]";
            fields += (fields.empty() ? "" : "; ") + one;
        }
        t += " " + fields;
    }
    if (!l.note.empty()) t += (l.status == line_status::read ? " -- " : ": ") + l.note;
    return terminal_text(t) + "  | " + terminal_text(detail::quoted(l.text)) + '\n';
}

void run_import(const import_flags& f, command_output& os) {
    spec_sheet_options o;
    apply_kind(f.kind, o);
    o.name = f.name;
    o.source = f.source;
    o.source_level = f.source_level;
    if (!f.add.empty()) check_destination("--add", f.add);
    const std::string text = import_text(f.file, os);
    const spec_import r = read_spec_sheet(text, f.file == "-" ? "standard input" : f.file, o);
    std::string account;
    for (const auto& l : r.lines) account += account_line(l);
    account += fmt::format("{} lines: {} read, {} ignored, {} refused\n", r.lines.size(), r.count(line_status::read),
                           r.count(line_status::ignored), r.count(line_status::refused));
    if (std::ostream* err = os.standard_error()) *err << account;
    if (r.entry_json.empty()) throw usage_error{"no entry: " + r.problem};
    if (f.add.empty()) {
        os << r.entry_json << '\n';
        return;
    }
    // --add: the user's catalog with the entry, checked whole (a name already there is refused), then written to a
    // temporary file renamed over the old one, so the file is the old one or the new one, never half of either.
    std::string existing;
    std::error_code ec;
    if (std::filesystem::exists(f.add, ec)) {
        try {
            existing = read_text_file(f.add, "catalog");
        } catch (const std::exception& e) {
            throw usage_error{std::string{"--add "} + e.what()};
        }
    }
    std::string updated;
    try {
        updated = catalog_with_entry(existing, f.add, r.entry_json, *r.kind);
    } catch (const std::exception& e) {
        throw usage_error{std::string{"--add "} + e.what()};
    }
    output_file file{"--add", f.add, os.standard_output()};
    file.write(updated);
    file.commit();
    os << fmt::format("added {} '{}' to {}\n", to_string(*r.kind), terminal_text(r.name), terminal_text(f.add));
}

}  // namespace

subcommand add_catalog(CLI::App& parent) {
    auto f = std::make_shared<catalog_flags>();
    CLI::App* app = parent.add_subcommand("catalog", "List the headphones or amplifiers in the catalog, or import a spec sheet");
    app->footer("Names work with `headroom pair --headphone NAME --amp NAME` (case-insensitive).\n"
                "The format is described in docs/catalog-format.md.");
    app->add_option("what", f->what, "headphones | amps")->check(CLI::IsMember({"headphones", "amps", "amplifiers"}));
    app->add_option("--catalog-dir", f->catalog.dir, "Folder with headphones.json and amplifiers.json (default: the bundled catalog)")
        ->check(non_empty);  // "" would mean the bundled catalog
    add_own_flag(*app, f->catalog.own);
    app->add_flag("--json", f->json, "Print JSON instead of the table");

    auto g = std::make_shared<import_flags>();
    CLI::App* imp = app->add_subcommand("import", "Read a maker's spec text into a catalog entry (JSON on standard output, an account of every line on stderr)");
    imp->add_option("file", g->file, "The spec text: a file, or - for standard input (default)");
    imp->add_option("--kind", g->kind,
                    "headphone or amplifier, or the type or kind itself (iem, over-ear dynamic, ..., dongle, desktop, ...); default: from the text");
    imp->add_option("--name", g->name, "The entry's name (default: a 'Model:' or 'Name:' line)")->check(non_empty);
    imp->add_option("--source", g->source, "Where the text was read (a URL), written as the entry's source")->check(non_empty);
    imp->add_option("--source-level", g->source_level, "The source level stated gains follow (2V, 4dBu): gain settings become settings")
        ->check(non_empty);
    imp->add_option("--add", g->add, "Add the entry to this catalog file of your own (made when missing; a name already there is refused)")
        ->check(non_empty);
    imp->footer("Use your own catalog with --own-catalog FILE on pair, need, plot, sweep and catalog.");

    return {app, [f, g, imp](command_output& os) {
                if (imp->parsed()) {
                    if (!f->what.empty()) throw usage_error{"import takes no list name ('" + f->what + "')"};
                    return run_import(*g, os);
                }
                if (f->what.empty()) throw usage_error{"say what to list: headphones or amps (or import a spec sheet: catalog import FILE)"};
                if (f->what == "headphones") {
                    const auto list = headphone_catalog(f->catalog);
                    if (!f->json) return print_headphones(os, list);
                    frontend::ojson j{{"format", "headroom-catalog-1"}, {"headphones", frontend::ojson::array()}};
                    for (const auto& h : list) j["headphones"].push_back(frontend::headphone_entry_json(h));
                    os << json_text(j) << '\n';
                } else {
                    const auto list = amplifier_catalog(f->catalog);
                    if (!f->json) return print_amplifiers(os, list);
                    frontend::ojson j{{"format", "headroom-catalog-1"}, {"amplifiers", frontend::ojson::array()}};
                    for (const auto& a : list) j["amplifiers"].push_back(frontend::amplifier_entry_json(a));
                    os << json_text(j) << '\n';
                }
            }};
}

}  // namespace headroom::cli
