#pragma once

// Reading a catalog's JSON: the place an error is about (file, entry, field), values with their units, enumerations,
// the keys an object may have, and JSON that refuses a key given twice. Private to src/io (catalog.cpp).

#include "headroom/catalog.hpp"
#include "headroom/fields.hpp"
#include "headroom/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::detail::catalog_json {

using json = nlohmann::json;
using headroom::detail::lower;

inline std::string quoted_list(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
    return s;
}

template <std::size_t N>
std::string quoted_list(const std::array<std::string_view, N>& names) {
    return quoted_list(std::vector<std::string>(names.begin(), names.end()));
}

// The place in a file an error is about.
struct where {
    const std::string& file;
    std::string entry;

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw catalog_error{file, entry, field, problem};
    }
};

// Parses JSON, rejecting a key given twice in one object (the JSON library would keep the last silently), and
// turning a syntax error into file:line:column.
// Where a byte offset falls: "file:line:column".
inline std::string place(std::string_view text, std::size_t at, const std::string& file) {
    at = std::min(at, text.size());
    const std::string_view before = text.substr(0, at);
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t line_start = before.rfind('\n');
    const std::size_t column = line_start == std::string_view::npos ? at + 1 : at - line_start;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// Parses JSON, rejecting a key given twice in one object (the JSON library would keep the last silently) with the
// entry it is in, and turning a syntax error, or a number too large for a double, into file:line:column.
inline json parse_json(std::string_view text, const std::string& file) {
    std::vector<std::set<std::string>> open_objects;
    std::string duplicate;
    std::ptrdiff_t duplicate_entry = -1;  // the index of the catalog entry (an object in the top-level list) it is in
    std::ptrdiff_t entries = -1;
    const json::parser_callback_t track_keys = [&](int depth, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                open_objects.emplace_back();
                if (depth == 2) ++entries;  // {"format", "<list>": [ {entry}, ... ]}
                break;
            case json::parse_event_t::key:
                if (!open_objects.empty() && !open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
                    duplicate = parsed.get<std::string>();
                    duplicate_entry = depth >= 3 ? entries : -1;
                }
                break;
            case json::parse_event_t::object_end:
                if (!open_objects.empty()) open_objects.pop_back();
                break;
            default:
                break;
        }
        return true;
    };
    json j;
    try {
        j = json::parse(text.begin(), text.end(), track_keys);
    } catch (const json::parse_error& e) {
        // e.byte counts from 1 and points at the last character read.
        std::string why = e.what();
        if (const auto p = why.find("column "); p != std::string::npos) {
            if (const auto colon = why.find(": ", p); colon != std::string::npos) why = why.substr(colon + 2);
        }
        throw catalog_error{place(text, e.byte == 0 ? 0 : e.byte - 1, file), "", "", "invalid JSON: " + why};
    } catch (const json::exception& e) {  // a number too large for a double: the library gives no position
        std::string why = e.what();
        if (const auto p = why.find("] "); p != std::string::npos) why = why.substr(p + 2);
        std::string where = file;
        // "number overflow parsing '1e999'": the first such literal in the text is where it is.
        if (const auto q = why.find('\''); q != std::string::npos)
            if (const auto q2 = why.find('\'', q + 1); q2 != std::string::npos)
                if (const auto at = text.find(why.substr(q + 1, q2 - q - 1)); at != std::string_view::npos) where = place(text, at, file);
        throw catalog_error{where, "", "", "invalid JSON: " + why};
    }
    if (!duplicate.empty()) {
        std::string entry;
        if (duplicate_entry >= 0 && j.is_object()) {
            for (const auto& [key, list] : j.items())
                if (list.is_array() && static_cast<std::size_t>(duplicate_entry) < list.size()) {
                    const json& e = list[static_cast<std::size_t>(duplicate_entry)];
                    entry = "entry #" + std::to_string(duplicate_entry + 1);
                    if (e.is_object() && e.contains("name") && e["name"].is_string()) entry += " '" + e["name"].get<std::string>() + "'";
                }
        }
        throw catalog_error{file, entry, duplicate, "is given twice in one object"};
    }
    return j;
}

inline void check_fields(const json& obj, const std::vector<std::string_view>& allowed, const where& w, std::string_view what) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string{a};
        w.fail(key, "is not a field of " + std::string{what} + " (fields: " + list + ")");
    }
}

// C0 controls, DEL and the C1 controls U+0080-U+009F (UTF-8 0xC2 0x80-0x9F): terminal escapes, carriage returns and
// line breaks have no place in a name or a source, and would reach a terminal when printed. (The JSON parser has
// already checked that the text is valid UTF-8.)
inline bool has_control_character(std::string_view s) {
    for (std::size_t k = 0; k < s.size(); ++k) {
        const auto c = static_cast<unsigned char>(s[k]);
        if (c < 0x20 || c == 0x7F) return true;
        if (c == 0xC2 && k + 1 < s.size() && static_cast<unsigned char>(s[k + 1]) >= 0x80 && static_cast<unsigned char>(s[k + 1]) <= 0x9F)
            return true;
    }
    return false;
}

inline const json* find_field(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

inline std::string type_name(const json& v) { return v.type_name(); }

// A string field; `required` ones must be present and non-blank.
inline std::optional<std::string> string_field(const json& obj, const char* key, const where& w, bool required) {
    const json* v = find_field(obj, key);
    if (!v) {
        if (required) w.fail(key, "is missing");
        return std::nullopt;
    }
    if (!v->is_string()) w.fail(key, "must be a string, not " + type_name(*v));
    std::string s = v->get<std::string>();
    if (has_control_character(s))
        w.fail(key, "must not contain control characters (U+0000-U+001F, U+007F-U+009F): text from a catalog is printed");
    if (required && detail::trim(s).empty()) w.fail(key, "must not be empty");
    return s;
}

template <std::size_t N>
std::size_t enum_field(const json& obj, const char* key, const std::array<std::string_view, N>& names, const where& w) {
    const std::string s = *string_field(obj, key, w, true);
    for (std::size_t k = 0; k < N; ++k)
        if (names[k] == s) return k;
    w.fail(key, "'" + s + "' is not one of " + quoted_list(names));
}

enum class sign { any, positive, non_negative };

// A catalog value always spells its unit, even where the command line would take a bare number: "7.5" could be
// volts or a misplaced Vpp figure, and a reference file should not make anyone guess.
inline void require_unit(std::string_view text, const char* key, std::string_view example, const where& w) {
    std::string_view unit;
    try {
        unit = detail::split_number(text, "a number").second;
    } catch (const parse_error& e) {
        w.fail(key, e.what());
    }
    if (unit.empty()) w.fail(key, detail::quoted(text) + " needs a unit (e.g. " + std::string{example} + ")");
}

template <class Q, class Unit>
void check_sign(Q q, Unit unit, sign s, const std::string& text, const char* key, const where& w) {
    const double v = value_in(q, unit);
    if (s == sign::positive && !(v > 0.0)) w.fail(key, "'" + text + "' must be positive");
    if (s == sign::non_negative && v < 0.0) w.fail(key, "'" + text + "' must not be negative");
}

// A quantity field: a string with a unit, parsed by parse.hpp.
template <class Q, class Unit>
std::optional<Q> quantity_field(const json& obj, const char* key, Q (*parse)(std::string_view), Unit unit, sign s,
                                std::string_view example, const where& w) {
    const auto text = string_field(obj, key, w, false);
    if (!text) return std::nullopt;
    require_unit(*text, key, example, w);
    Q q;
    try {
        q = parse(*text);
    } catch (const parse_error& e) {
        w.fail(key, e.what());
    }
    check_sign(q, unit, s, *text, key, w);
    return q;
}

// The values a catalog object states for the rows of a table (fields.hpp), by their catalog keys: each a string
// with its unit, a power table an array of them.
template <class Enum, std::size_t N>
fields::values<Enum> values_of(const json& obj, const std::array<fields::field, N>& rows, const where& w) {
    fields::values<Enum> v;
    for (std::size_t k = 0; k < N; ++k) {
        const char* key = rows[k].catalog.data();
        const json* value = find_field(obj, key);
        if (value == nullptr) continue;
        if (rows[k].kind == fields::value_kind::power_table) {
            if (!value->is_array()) w.fail(key, "must be an array of strings like \"" + std::string{rows[k].example} + "\", not " + type_name(*value));
            std::vector<std::string> items;
            for (const auto& item : *value) {
                if (!item.is_string()) w.fail(key, "each point must be a string like \"" + std::string{rows[k].example} + "\", not " + type_name(item));
                items.push_back(item.get<std::string>());
            }
            v.set(static_cast<Enum>(k), std::move(items));
        } else {
            v.set(static_cast<Enum>(k), *string_field(obj, key, w, true));
        }
    }
    return v;
}

// Runs `read`, turning an input_error (fields.hpp) into a catalog_error at this place.
template <class Read>
auto at_place(const where& w, Read read) {
    try {
        return read();
    } catch (const input_error& e) {
        w.fail(e.key(), e.entity().empty() ? e.problem() : e.entity() + ": " + e.problem());
    }
}

// The keys an object may have: its own, and the catalog keys of the rows.
template <std::size_t N>
std::vector<std::string_view> keys_with(std::initializer_list<std::string_view> own, const std::array<fields::field, N>& rows) {
    std::vector<std::string_view> keys(own);
    for (const auto& row : rows)
        if (!row.catalog.empty()) keys.push_back(row.catalog);
    return keys;
}


}  // namespace headroom::detail::catalog_json
