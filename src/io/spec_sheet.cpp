// Reading a maker's specification text into a catalog entry (include/headroom/spec_sheet.hpp).
//
// The text is checked whole before anything else (size, bytes, UTF-8, lines). Each line is then normalised
// (full-width forms, odd spaces, Ω, µ, ≥, bullets), cut into items (label and value: "label: value", tab-separated
// table cells, "label value"), and each item's value into tokens (numbers with their units, connectors, separators)
// and segments (the parts of a value between separators, each of which may name its output: "3.5mm: ..." / "BAL<...").
// The items are interpreted twice, as a headphone's figures and as an amplifier's, and the reading that reads more
// lines wins unless the kind is given; the readings then become one catalog entry, which the catalog loader checks.
// All work is linear in the text: every line is at most max_spec_line_bytes and max_spec_line_numbers, and nothing
// is searched more than a constant number of times per line.
//
// The parts are in src/io/spec_sheet/ (parts.hpp lists them in the order a text goes through them).

#include "headroom/spec_sheet.hpp"

#include "spec_sheet/parts.hpp"

#include "headroom/catalog.hpp"
#include "headroom/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

std::string_view to_string(gear_kind k) noexcept { return k == gear_kind::headphone ? "headphone" : "amplifier"; }

std::string_view to_string(line_status s) noexcept {
    switch (s) {
        case line_status::read: return "read";
        case line_status::ignored: return "ignored";
        case line_status::refused: return "refused";
    }
    return "";
}

std::size_t spec_import::count(line_status s) const noexcept {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [s](const spec_line& l) { return l.status == s; }));
}

double spec_import::read_fraction() const noexcept {
    const std::size_t read = count(line_status::read), refused = count(line_status::refused);
    return read + refused == 0 ? 0.0 : static_cast<double>(read) / static_cast<double>(read + refused);
}

using namespace spec_detail;

spec_import read_spec_sheet(std::string_view text, const std::string& file, const spec_sheet_options& options) {
    check_text(text, file);
    spec_import out;
    std::vector<std::vector<item>> items;
    // Lines, numbered as given; blank ones are not reported.
    std::size_t number = 0;
    std::vector<bool> too_long;
    for (const std::string_view raw : split_lines(text)) {
        ++number;
        if (blank(raw)) continue;
        spec_line l;
        l.number = number;
        l.text = std::string{raw};
        out.lines.push_back(std::move(l));
        const bool long_line = raw.size() > max_spec_line_bytes || number_count(raw) > max_spec_line_numbers;
        too_long.push_back(long_line);
        items.push_back(long_line ? std::vector<item>{} : split_items(normalise(raw)));
    }

    // Both readings; the one asked for, else the one that reads more figures.
    interpretation as_headphone = interpret(items, gear_kind::headphone);
    interpretation as_amplifier = interpret(items, gear_kind::amplifier);
    gear_kind kind = gear_kind::amplifier;
    if (options.kind) {
        kind = *options.kind;
    } else if (as_headphone.figures_read > as_amplifier.figures_read) {
        kind = gear_kind::headphone;
    } else if (as_amplifier.figures_read > as_headphone.figures_read) {
        kind = gear_kind::amplifier;
    } else {
        out.problem = as_amplifier.figures_read == 0
                          ? "no figure was read: nothing to make an entry from"
                          : "the text reads as well as a headphone's as an amplifier's: give --kind headphone or --kind amplifier";
    }
    interpretation& chosen = kind == gear_kind::headphone ? as_headphone : as_amplifier;
    std::vector<item_result>& results = chosen.lines;
    for (std::size_t k = 0; k < results.size(); ++k)
        if (too_long[k])
            results[k] = refuse(out.lines[k].text.size() > max_spec_line_bytes
                                    ? "a line of " + std::to_string(out.lines[k].text.size()) + " bytes: not a spec line (prose is not read)"
                                    : "holds more than " + std::to_string(max_spec_line_numbers) + " numbers: not a spec line");
    if (out.problem.empty()) out.kind = kind;

    std::vector<std::string> notes;
    builder b{results};
    // The name: given, else the first "Model:" / "Name:" line.
    std::string name = options.name;
    for (std::size_t l = 0; l < results.size(); ++l)
        for (std::size_t i = 0; i < results[l].readings.size(); ++i) {
            reading& r = results[l].readings[i];
            if (r.field != "name") continue;
            if (name.empty()) name = r.value;
            else if (options.name.empty() && r.value != name) b.drop({l, i}, "a second name (the first is kept)");
        }
    out.name = name;

    json entry = json::object();
    std::vector<std::string> problems;
    if (out.problem.empty() && name.empty()) problems.push_back("no name: give --name, or a 'Model:' or 'Name:' line");
    if (out.problem.empty() && kind == gear_kind::headphone) {
        std::string impedance, sensitivity, frequency, rated, drivers;
        type_evidence e;
        for (std::size_t l = 0; l < results.size(); ++l)
            for (std::size_t i = 0; i < results[l].readings.size(); ++i) {
                const reading& r = results[l].readings[i];
                std::string* slot = r.field == "impedance" ? &impedance : r.field == "sensitivity" ? &sensitivity
                                  : r.field == "sensitivity_frequency" ? &frequency : r.field == "rated_power" ? &rated
                                  : r.field == "drivers" ? &drivers : nullptr;
                if (slot == nullptr) continue;
                if (slot->empty()) *slot = r.value;
                else if (*slot != r.value) b.drop({l, i}, r.field + " " + r.value + " differs from " + *slot + " read before: the first is kept");
            }
        // The type: given, else from the words of the whole text.
        std::optional<headphone_type> type = options.type;
        std::string why;
        if (!type) {
            for (const auto& line_items : items)
                for (const auto& it : line_items) {
                    gather_type(tokenize(it.label), e);
                    gather_type(tokenize(it.value), e);
                }
            type = type_from(e, why);
        }
        if (!type) problems.push_back(why + ": give --kind (" + std::string{"over-ear dynamic, over-ear planar, over-ear electrostatic, on-ear, iem, earbud"} + ")");
        if (impedance.empty()) problems.push_back("no impedance was read (e.g. 'Impedance: 300 Ω')");
        if (sensitivity.empty()) problems.push_back("no sensitivity with its unit was read (e.g. 'Sensitivity: 97 dB SPL/mW')");
        entry["name"] = name;
        if (type) entry["type"] = std::string{to_string(*type)};
        entry["impedance"] = impedance;
        entry["sensitivity"] = sensitivity;
        if (!frequency.empty() && frequency != "1000Hz") entry["sensitivity_frequency"] = frequency;
        if (!rated.empty()) entry["rated_power"] = rated;
        if (!drivers.empty()) entry["drivers"] = drivers;
        else if (!e.drivers.empty()) entry["drivers"] = e.drivers;
    } else if (out.problem.empty()) {
        entry = amplifier_entry_json({results, items, out.lines, notes, problems}, b, options, name);
    }
    if (out.problem.empty() && kind == gear_kind::headphone) {
        entry["basis"] = "own";
        if (!options.source.empty()) entry["source"] = options.source;
    }
    std::string note = "imported from a spec text by headroom catalog import";
    for (const auto& n : notes) note += "; " + n;
    if (out.problem.empty()) entry["note"] = note;

    // The report: each line's readings with the output they went to; readings dropped on the way refuse their line
    // when nothing else of it was read.
    for (std::size_t l = 0; l < results.size(); ++l) {
        item_result& r = results[l];
        spec_line& line = out.lines[l];
        std::vector<reading> kept;
        for (auto& x : r.readings)
            if (!x.field.empty()) kept.push_back(x);
        if (r.status == line_status::read && kept.empty()) r.status = line_status::refused;
        line.status = r.status;
        line.note = r.note;
        for (const auto& x : kept) {
            spec_field f{x.field, x.value, {}, x.setting, x.used};
            if (kind == gear_kind::amplifier && x.output.any()) f.output = output_name({x.output.topology, x.output.connector});
            line.fields.push_back(std::move(f));
        }
    }
    if (!out.problem.empty()) return out;
    if (!problems.empty()) {
        out.problem = problems.front();
        return out;
    }
    // The loader has the last word: the entry must read back as any hand-written one does.
    json catalog = json::object();
    catalog["format"] = "headroom-catalog-1";
    catalog[kind == gear_kind::headphone ? "headphones" : "amplifiers"] = json::array({entry});
    const std::string text_json = catalog.dump(2, ' ', false, json::error_handler_t::replace);
    try {
        (void)parse_catalog_file(text_json, "the imported entry");
    } catch (const io_error& e) {
        out.problem = e.what();
        return out;
    }
    out.entry_json = entry.dump(2, ' ', false, json::error_handler_t::replace);
    return out;
}

std::string catalog_with_entry(std::string_view catalog_json, const std::string& file, std::string_view entry_json, gear_kind kind) {
    json root;
    const std::string list = kind == gear_kind::headphone ? "headphones" : "amplifiers";
    if (detail::trim(catalog_json).empty()) {
        root = json::object();
        root["format"] = "headroom-catalog-1";
    } else {
        (void)parse_catalog_file(catalog_json, file);  // the file as it is must be a catalog: its own errors first
        try {
            root = json::parse(catalog_json.begin(), catalog_json.end());
        } catch (const json::exception& e) {
            throw io_error{file, "", "", std::string{"invalid JSON: "} + e.what()};
        }
    }
    json entry;
    try {
        entry = json::parse(entry_json.begin(), entry_json.end());
    } catch (const json::exception& e) {
        throw io_error{"the imported entry", "", "", std::string{"invalid JSON: "} + e.what()};
    }
    if (!root.contains(list)) root[list] = json::array();
    root[list].push_back(entry);
    std::string text = root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    (void)parse_catalog_file(text, file);  // a name already in the file is refused here, naming both
    return text;
}

}  // namespace headroom
