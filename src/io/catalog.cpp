// Reading catalogs (docs/catalog-format.md). Everything a file can get wrong is caught here, with the file, the
// entry and the field in the message, so that the model's own constructors never see an invalid value.

#include "headroom/catalog.hpp"

#include "headroom/analysis.hpp"
#include "headroom/fields.hpp"
#include "headroom/io.hpp"
#include "headroom/parse.hpp"

#include "catalog_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

namespace headroom {

namespace {

constexpr std::array<std::string_view, 3> basis_names{"spec", "measured", "own"};
constexpr std::array<std::string_view, 6> headphone_type_names{"over-ear dynamic", "over-ear planar", "over-ear electrostatic",
                                                               "on-ear", "iem", "earbud"};
constexpr std::array<std::string_view, 6> amplifier_kind_names{"desktop", "portable", "dongle", "dap", "phone", "laptop"};
constexpr std::array<std::string_view, 7> connector_names{"3.5mm", "6.35mm", "4.4mm", "2.5mm", "XLR4", "2xXLR3", "other"};
constexpr std::array<std::string_view, 3> setting_kind_names{"gain", "load_sensed", "output_impedance"};
constexpr std::string_view format_tag = "headroom-catalog-1";

}  // namespace

std::string_view to_string(figure_basis b) noexcept { return basis_names[static_cast<std::size_t>(b)]; }
std::string_view to_string(headphone_type t) noexcept { return headphone_type_names[static_cast<std::size_t>(t)]; }
std::string_view to_string(amplifier_kind k) noexcept { return amplifier_kind_names[static_cast<std::size_t>(k)]; }

namespace {

using json = nlohmann::json;
using namespace detail::catalog_json;

figure_basis basis_field(const json& obj, const where& w) {
    return static_cast<figure_basis>(enum_field(obj, "basis", basis_names, w));
}

// Where an entry's figures come from: a source is required unless the figures are the user's own.
struct provenance {
    figure_basis basis;
    std::string source, secondary_source;
};

provenance provenance_fields(const json& obj, const where& w) {
    const figure_basis b = basis_field(obj, w);
    return {b, string_field(obj, "source", w, b != figure_basis::own).value_or(""),
            string_field(obj, "secondary_source", w, false).value_or("")};
}

// ---------------------------------------------------------------------------------------------------------------
// Headphones

headphone_entry read_headphone(const json& e, std::size_t index, const std::string& file,
                               const std::filesystem::path& base_dir) {
    where w{file, "headphone #" + std::to_string(index + 1)};
    if (!e.is_object()) w.fail("", "must be an object, not " + type_name(e));
    const std::string name = *string_field(e, "name", w, true);
    w.entry = "headphone '" + name + "'";
    check_fields(e,
                 keys_with({"name", "type", "impedance_curve", "impedance_curve_points", "impedance_curve_basis", "driver", "drivers",
                            "basis", "source", "secondary_source", "computed", "note"},
                           fields::headphone_rows),
                 w, "a headphone");
    const auto type = static_cast<headphone_type>(enum_field(e, "type", headphone_type_names, w));
    const auto values = values_of<fields::headphone_field>(e, fields::headphone_rows, w);
    headphone_details details;
    const std::string curve_text = string_field(e, "impedance_curve", w, false).value_or("");
    const std::string driver_text = string_field(e, "driver", w, false).value_or("");
    if (!curve_text.empty() && !driver_text.empty()) w.fail("driver", "and impedance_curve exclude each other: give one");
    if (find_field(e, "impedance_curve") && detail::trim(curve_text).empty()) w.fail("impedance_curve", "must not be empty");
    const json* inline_points = find_field(e, "impedance_curve_points");
    if (inline_points != nullptr && (!curve_text.empty() || !driver_text.empty()))
        w.fail("impedance_curve_points", "and " + std::string{curve_text.empty() ? "driver" : "impedance_curve"} + " exclude each other: give one");
    constexpr std::array<std::string_view, 2> curve_bases{"measured", "reconstructed"};
    const bool reconstructed = find_field(e, "impedance_curve_basis") && enum_field(e, "impedance_curve_basis", curve_bases, w) == 1;
    if (find_field(e, "impedance_curve_basis") && curve_text.empty() && inline_points == nullptr)
        w.fail("impedance_curve_basis", "describes an impedance_curve, and there is none");
    if (inline_points != nullptr) {
        // [[frequency_hz, magnitude_ohm, phase_deg], ...]: what `catalog headphones --json` writes.
        if (!inline_points->is_array()) w.fail("impedance_curve_points", "must be an array of [frequency_hz, magnitude_ohm, phase_deg]");
        std::vector<impedance_point> points;
        for (const auto& row : *inline_points) {
            if (!row.is_array() || row.size() < 2 || row.size() > 3 || !std::all_of(row.begin(), row.end(), [](const json& x) { return x.is_number(); }))
                w.fail("impedance_curve_points", "each point must be [frequency_hz, magnitude_ohm] or [frequency_hz, magnitude_ohm, phase_deg]");
            points.push_back({in_si(row[0].get<double>(), hertz), in_si(row[1].get<double>(), ohm), row.size() == 3 ? row[2].get<double>() : 0.0});
        }
        try {
            details.curve = impedance_curve::tabulated(std::move(points), name);
        } catch (const spec_error& ex) {
            w.fail("impedance_curve_points", ex.what());
        }
    }
    if (!curve_text.empty()) {
        const std::filesystem::path path = base_dir / std::filesystem::path{curve_text};
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec))
            w.fail("impedance_curve", "'" + curve_text + "' is not a file (looked for " + path.string() + ")");
        try {
            details.curve = load_impedance_curve(path);
        } catch (const std::invalid_argument& ex) {
            w.fail("impedance_curve", ex.what());
        }
    }
    if (!driver_text.empty()) {
        try {
            details.curve = impedance_curve::driver(parse_driver_model(driver_text), driver_text);
        } catch (const std::invalid_argument& ex) {
            w.fail("driver", ex.what());
        }
    }
    const std::string drivers = string_field(e, "drivers", w, false).value_or("");
    const provenance from = provenance_fields(e, w);
    const std::string note = string_field(e, "note", w, false).value_or("");
    std::error_code ec;
    std::filesystem::path curve_file;
    if (!curve_text.empty()) curve_file = std::filesystem::absolute(base_dir / std::filesystem::path{curve_text}, ec).lexically_normal();
    return {at_place(w, [&] { return fields::make_headphone(values, face::catalog, name, std::move(details.curve)); }), type, curve_text,
            std::move(curve_file), reconstructed, driver_text, drivers, from.basis, from.source, from.secondary_source, note};
}

// ---------------------------------------------------------------------------------------------------------------
// Amplifiers

fields::output_figures read_figures(const json& o, const where& w) {
    const auto v = values_of<fields::output_field>(o, fields::output_rows, w);
    return at_place(w, [&] { return fields::read_output(v, face::catalog); });
}

output_setting make_setting(const fields::output_figures& e, topology kind, std::string gain_name, std::string stage_name,
                            const where& w) {
    return at_place(w, [&] {
        return output_setting{std::move(gain_name), e.amplifier_gain, fields::make_output_stage(e, kind, stage_name, face::catalog)};
    });
}

// Names are unique ignoring case. Sorting makes this O(n log n): a catalog of tens of thousands of entries loads in
// well under a second. The first duplicate in file order is reported, against its earlier twin.
template <class Entry, class NameOf>
void reject_duplicate_names(const std::vector<Entry>& entries, NameOf name_of, const where& w, const std::string& what) {
    std::vector<std::pair<std::string, std::size_t>> keys;
    keys.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) keys.emplace_back(lower(name_of(entries[i])), i);
    std::sort(keys.begin(), keys.end());
    std::size_t later = entries.size(), earlier = 0;
    for (std::size_t k = 1; k < keys.size(); ++k)
        if (keys[k].first == keys[k - 1].first && keys[k].second < later) {
            std::size_t first = k - 1;
            while (first > 0 && keys[first - 1].first == keys[k].first) --first;
            later = keys[k].second;
            earlier = keys[first].second;
        }
    if (later < entries.size())
        throw catalog_error{w.file, (w.entry.empty() ? "" : w.entry + " ") + what + " '" + name_of(entries[later]) + "'", "name",
                            "duplicates '" + name_of(entries[earlier]) + "' (names are unique, ignoring case)"};
}

amplifier_output read_output(const json& o, std::size_t index, const std::string& amp_name, const where& amp_where) {
    where w{amp_where.file, amp_where.entry + " output #" + std::to_string(index + 1)};
    if (!o.is_object()) w.fail("", "must be an object, not " + type_name(o));
    const std::string name = *string_field(o, "name", w, true);
    w.entry = amp_where.entry + " output '" + name + "'";
    check_fields(o, keys_with({"name", "topology", "connector", "gains", "computed"}, fields::output_rows), w, "an output");
    constexpr std::array<std::string_view, 2> topologies{"single_ended", "balanced"};
    const auto kind = static_cast<topology>(enum_field(o, "topology", topologies, w));
    const std::string connector =
        find_field(o, "connector") ? std::string{connector_names[enum_field(o, "connector", connector_names, w)]} : std::string{};
    const fields::output_figures base = read_figures(o, w);
    amplifier_output out{name, kind, connector, {}};
    const std::string stage_name = amp_name + " / " + name;
    const json* gains = find_field(o, "gains");
    if (!gains) {
        out.settings.push_back(make_setting(base, kind, "", stage_name, w));
        return out;
    }
    if (!gains->is_array()) w.fail("gains", "must be an array of gain settings, not " + type_name(*gains));
    if (gains->empty()) w.fail("gains", "must list at least one gain setting (or be left out)");
    for (std::size_t k = 0; k < gains->size(); ++k) {
        const json& g = (*gains)[k];
        where gw{w.file, w.entry + " gain #" + std::to_string(k + 1)};
        if (!g.is_object()) gw.fail("", "must be an object, not " + type_name(g));
        const std::string gain_name = *string_field(g, "name", gw, true);
        gw.entry = w.entry + " gain '" + gain_name + "'";
        check_fields(g, keys_with({"name", "kind", "load_min", "load_max", "computed"}, fields::output_rows), gw, "a setting");
        output_setting s =
            make_setting(fields::overlay(base, read_figures(g, gw)), kind, gain_name, stage_name + " / " + gain_name, gw);
        s.kind = find_field(g, "kind") ? static_cast<setting_kind>(enum_field(g, "kind", setting_kind_names, gw)) : setting_kind::gain;
        s.load_min = quantity_field(g, "load_min", parse_impedance, ohm, sign::positive, "150ohm", gw);
        s.load_max = quantity_field(g, "load_max", parse_impedance, ohm, sign::positive, "150ohm", gw);
        if (s.kind != setting_kind::load_sensed && (s.load_min || s.load_max))
            gw.fail(s.load_min ? "load_min" : "load_max", "belongs to a load-sensed mode (\"kind\": \"load_sensed\")");
        if (s.kind == setting_kind::load_sensed && !s.load_min && !s.load_max)
            gw.fail("load_min", "or load_max is needed: the loads the device selects this mode for");
        if (s.load_min && s.load_max && !(*s.load_min < *s.load_max)) gw.fail("load_max", "must be above load_min");
        if (s.kind == setting_kind::output_impedance && !find_field(g, "zout"))
            gw.fail("zout", "is missing: an output-impedance setting states the output impedance it selects");
        if (!out.settings.empty() && s.kind != out.settings.front().kind)
            gw.fail("kind", "'" + std::string{to_string(s.kind)} + "' differs from the output's other settings ('" +
                                std::string{to_string(out.settings.front().kind)} + "'): one output's settings are of one kind");
        for (const auto& other : out.settings)
            if (s.kind == setting_kind::load_sensed && (!s.load_max || !other.load_min || *other.load_min < *s.load_max) &&
                (!other.load_max || !s.load_min || *s.load_min < *other.load_max))
                gw.fail("load_min", "overlaps the loads of the mode '" + other.gain_name + "': the device selects one mode for a load");
        out.settings.push_back(std::move(s));
    }
    reject_duplicate_names(out.settings, [](const output_setting& s) { return s.gain_name; }, w, "gain");
    if (out.settings_kind() == setting_kind::load_sensed) {
        // The device selects a mode for every load: the modes together claim every load from 0 to infinity, so that
        // a catalog sweep, which pairs each mode only with the loads it claims, meets every headphone once.
        std::vector<std::pair<double, double>> claimed;
        for (const auto& s : out.settings)
            claimed.emplace_back(s.load_min ? value_in(*s.load_min, ohm) : 0.0,
                                 s.load_max ? value_in(*s.load_max, ohm) : std::numeric_limits<double>::infinity());
        std::sort(claimed.begin(), claimed.end());
        const auto ohms = [](double r) {
            std::ostringstream text;
            text << r << " ohm";
            return text.str();
        };
        double reached = 0.0;
        for (const auto& [lo, hi] : claimed) {
            if (lo > reached)
                w.fail("gains", "no load-sensed mode claims the loads from " + ohms(reached) + " to " + ohms(lo) + ": the modes together cover every load");
            reached = hi;
        }
        if (reached < std::numeric_limits<double>::infinity())
            w.fail("gains", "no load-sensed mode claims the loads from " + ohms(reached) + " up: the modes together cover every load");
    }
    return out;
}

amplifier_entry read_amplifier(const json& e, std::size_t index, const std::string& file) {
    where w{file, "amplifier #" + std::to_string(index + 1)};
    if (!e.is_object()) w.fail("", "must be an object, not " + type_name(e));
    const std::string name = *string_field(e, "name", w, true);
    w.entry = "amplifier '" + name + "'";
    check_fields(e, {"name", "kind", "basis", "source", "secondary_source", "note", "outputs"}, w, "an amplifier");
    const auto kind = static_cast<amplifier_kind>(enum_field(e, "kind", amplifier_kind_names, w));
    const provenance from = provenance_fields(e, w);
    const std::string note = string_field(e, "note", w, false).value_or("");
    const json* outputs = find_field(e, "outputs");
    if (!outputs) w.fail("outputs", "is missing");
    if (!outputs->is_array()) w.fail("outputs", "must be an array, not " + type_name(*outputs));
    if (outputs->empty()) w.fail("outputs", "must list at least one output");
    amplifier_entry a{name, kind, from.basis, from.source, from.secondary_source, note, {}};
    for (std::size_t k = 0; k < outputs->size(); ++k) a.outputs.push_back(read_output((*outputs)[k], k, name, w));
    reject_duplicate_names(a.outputs, [](const amplifier_output& o) { return o.name; }, w, "output");
    return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Attenuators and adapters

attenuator_entry read_attenuator(const json& e, std::size_t index, const std::string& file) {
    where w{file, "attenuator #" + std::to_string(index + 1)};
    if (!e.is_object()) w.fail("", "must be an object, not " + type_name(e));
    const std::string name = *string_field(e, "name", w, true);
    w.entry = "attenuator '" + name + "'";
    check_fields(e, keys_with({"name", "basis", "source", "secondary_source", "note", "computed"}, fields::attenuator_rows), w,
                 "an attenuator");
    const auto values = values_of<fields::attenuator_field>(e, fields::attenuator_rows, w);
    if (!values.has(fields::attenuator_field::series)) w.fail("series", "is missing: the resistor in series (0ohm where there is only a shunt)");
    const provenance from = provenance_fields(e, w);
    const std::string note = string_field(e, "note", w, false).value_or("");
    return {*at_place(w, [&] { return fields::make_attenuator(values, face::catalog, name); }), from.basis, from.source, from.secondary_source,
            note};
}

// The top level: {"format": "headroom-catalog-1", "<list>": [...]}.
const json& entry_list(const json& root, const char* list, const std::string& file) {
    const where w{file, ""};
    if (!root.is_object()) w.fail("", "the top level must be an object with \"format\" and \"" + std::string{list} + "\"");
    for (const auto& [key, value] : root.items())
        if (key != "format" && key != list)
            w.fail(key, "is not a top-level field (fields: format, " + std::string{list} + ")");
    const auto format = string_field(root, "format", w, true);
    if (*format != format_tag) w.fail("format", "'" + *format + "' is not '" + std::string{format_tag} + "'");
    const json* entries = find_field(root, list);
    if (!entries) w.fail(list, "is missing");
    if (!entries->is_array()) w.fail(list, "must be an array, not " + type_name(*entries));
    return *entries;
}

// A personal catalog's top level: {"format": "headroom-catalog-1", "headphones": [...], "amplifiers": [...]}, either
// list or both (one file holds all of a user's own gear).
std::pair<const json*, const json*> entry_lists(const json& root, const std::string& file) {
    const where w{file, ""};
    if (!root.is_object()) w.fail("", "the top level must be an object with \"format\" and \"headphones\" or \"amplifiers\"");
    for (const auto& [key, value] : root.items())
        if (key != "format" && key != "headphones" && key != "amplifiers")
            w.fail(key, "is not a top-level field (fields: format, headphones, amplifiers)");
    const auto format = string_field(root, "format", w, true);
    if (*format != format_tag) w.fail("format", "'" + *format + "' is not '" + std::string{format_tag} + "'");
    const json* headphones = find_field(root, "headphones");
    const json* amplifiers = find_field(root, "amplifiers");
    if (!headphones && !amplifiers) w.fail("headphones", "or amplifiers is needed: the catalog lists neither");
    for (const auto& [key, list] : {std::pair{"headphones", headphones}, std::pair{"amplifiers", amplifiers}})
        if (list && !list->is_array()) w.fail(key, "must be an array, not " + type_name(*list));
    return {headphones, amplifiers};
}



}  // namespace

std::vector<headphone_entry> parse_headphone_catalog(std::string_view text, const std::string& file,
                                                     const std::filesystem::path& base_dir) {
    const json root = parse_json(text, file);
    const json& list = entry_list(root, "headphones", file);
    std::vector<headphone_entry> out;
    out.reserve(list.size());
    for (std::size_t k = 0; k < list.size(); ++k) out.push_back(read_headphone(list[k], k, file, base_dir));
    reject_duplicate_names(out, [](const headphone_entry& h) { return h.name(); }, where{file, ""}, "headphone");
    return out;
}

std::vector<amplifier_entry> parse_amplifier_catalog(std::string_view text, const std::string& file) {
    const json root = parse_json(text, file);
    const json& list = entry_list(root, "amplifiers", file);
    std::vector<amplifier_entry> out;
    out.reserve(list.size());
    for (std::size_t k = 0; k < list.size(); ++k) out.push_back(read_amplifier(list[k], k, file));
    reject_duplicate_names(out, [](const amplifier_entry& a) { return a.name; }, where{file, ""}, "amplifier");
    return out;
}

catalog_file parse_catalog_file(std::string_view text, const std::string& file, const std::filesystem::path& base_dir) {
    const json root = parse_json(text, file);
    const auto [headphones, amplifiers] = entry_lists(root, file);
    catalog_file c;
    if (headphones) {
        c.headphones.reserve(headphones->size());
        for (std::size_t k = 0; k < headphones->size(); ++k) c.headphones.push_back(read_headphone((*headphones)[k], k, file, base_dir));
        reject_duplicate_names(c.headphones, [](const headphone_entry& h) { return h.name(); }, where{file, ""}, "headphone");
    }
    if (amplifiers) {
        c.amplifiers.reserve(amplifiers->size());
        for (std::size_t k = 0; k < amplifiers->size(); ++k) c.amplifiers.push_back(read_amplifier((*amplifiers)[k], k, file));
        reject_duplicate_names(c.amplifiers, [](const amplifier_entry& a) { return a.name; }, where{file, ""}, "amplifier");
    }
    return c;
}

catalog_file load_catalog_file(const std::filesystem::path& file) {
    return parse_catalog_file(read_text_file(file, "catalog"), file.string(), file.parent_path());
}

std::vector<attenuator_entry> parse_attenuator_catalog(std::string_view text, const std::string& file) {
    const json root = parse_json(text, file);
    const json& list = entry_list(root, "attenuators", file);
    std::vector<attenuator_entry> out;
    out.reserve(list.size());
    for (std::size_t k = 0; k < list.size(); ++k) out.push_back(read_attenuator(list[k], k, file));
    reject_duplicate_names(out, [](const attenuator_entry& a) { return a.name(); }, where{file, ""}, "attenuator");
    return out;
}

std::vector<attenuator_entry> load_attenuator_catalog(const std::filesystem::path& file) {
    return parse_attenuator_catalog(read_text_file(file, "catalog"), file.string());
}

std::vector<headphone_entry> load_headphone_catalog(const std::filesystem::path& file) {
    return parse_headphone_catalog(read_text_file(file, "catalog"), file.string(), file.parent_path());
}

std::vector<amplifier_entry> load_amplifier_catalog(const std::filesystem::path& file) {
    return parse_amplifier_catalog(read_text_file(file, "catalog"), file.string());
}

std::vector<const output_setting*> amplifier_output::settings_for(const headphone& hp, const attenuator* att) const {
    std::vector<const output_setting*> open;
    if (settings_kind() != setting_kind::load_sensed) {
        for (const auto& s : settings) open.push_back(&s);
        return open;
    }
    const impedance load = limit_load(hp);
    return {&mode_for(att != nullptr ? in_si(att->amplifier_load(value_in(load, ohm)).real(), ohm) : load)};
}

const output_setting& amplifier_output::mode_for(impedance load) const {
    if (settings_kind() != setting_kind::load_sensed) return settings.front();
    for (const auto& s : settings)
        if (s.selected_for(load)) return s;  // the loader keeps modes from overlapping
    // No mode's loads hold this one: the mode that gives the least here, so that nothing is promised that the device
    // may not deliver.
    const auto voltage_at = [&](const output_setting& s) { return limits::binding_of(detail::load_voltage_limits(s.stage, load)).voltage; };
    const output_setting* least = &settings.front();
    for (const auto& s : settings)
        if (voltage_at(s) < voltage_at(*least)) least = &s;
    return *least;
}

const amplifier_output* amplifier_entry::balanced_output() const noexcept {
    for (const auto& o : outputs)
        if (o.kind == topology::balanced) return &o;
    return nullptr;
}

}  // namespace headroom
