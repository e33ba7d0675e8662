#pragma once

// Reading impedance curves and driver models from text: a CSV of frequency_hz,magnitude_ohm[,phase_deg] rows, and
// "Re=..,Le=..,fs=..,Qms=..,Qes=.." driver parameters. Errors are parse_error naming source:line and the field.

#include "headroom/impedance_curve.hpp"
#include "headroom/parse.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

namespace detail {

[[nodiscard]] inline std::string_view trim_line(std::string_view s) noexcept {
    s = trim(s);
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

[[nodiscard]] inline std::vector<std::string_view> split_fields(std::string_view line, char separator) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const auto end = line.find(separator, start);
        fields.push_back(trim(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

// A plain number in a file field; the error names file:line and the column.
[[nodiscard]] inline double number_field(std::string_view text, const std::string& where, std::string_view field) {
    try {
        const auto [value, rest] = split_number(text, "a number");
        if (rest.empty()) return value;
    } catch (const parse_error&) {
    }
    throw parse_error{where + ": " + std::string{field} + " '" + std::string{text} + "' is not a number"};
}

}  // namespace detail

// Reads `frequency_hz,magnitude_ohm[,phase_deg]` rows (phase in degrees, positive = inductive). A header row
// (a first row whose first field is not a number) is skipped, as are blank lines and lines starting with '#'.
// Errors name source:line and the field.
[[nodiscard]] inline impedance_curve parse_impedance_curve(std::istream& in, const std::string& source) {
    std::vector<impedance_point> points;
    std::string line;
    int line_number = 0;
    bool first_row = true;
    double previous_hz = 0.0;
    int previous_line = 0;
    while (std::getline(in, line)) {
        ++line_number;
        const std::string_view text = detail::trim_line(line);
        if (text.empty() || text.front() == '#') continue;
        const std::string where = source + ":" + std::to_string(line_number);
        const auto fields = detail::split_fields(text, ',');
        const bool is_header = first_row && !fields.front().empty() &&
                               !(std::isdigit(static_cast<unsigned char>(fields.front().front())) ||
                                 fields.front().front() == '.' || fields.front().front() == '+' || fields.front().front() == '-');
        first_row = false;
        if (is_header) continue;
        if (fields.size() < 2 || fields.size() > 3)
            throw parse_error{where + ": expected frequency_hz,magnitude_ohm[,phase_deg], found " +
                              std::to_string(fields.size()) + " field(s)"};
        const double hz = detail::number_field(fields[0], where, "frequency_hz");
        const double z = detail::number_field(fields[1], where, "magnitude_ohm");
        const double phase = fields.size() == 3 ? detail::number_field(fields[2], where, "phase_deg") : 0.0;
        if (!(hz > 0.0)) throw parse_error{where + ": frequency_hz '" + std::string{fields[0]} + "' must be positive"};
        if (hz <= previous_hz)
            throw parse_error{where + ": frequency_hz '" + std::string{fields[0]} + "' must be above line " +
                              std::to_string(previous_line) + "'s (rows in increasing frequency)"};
        if (!(z > 0.0)) throw parse_error{where + ": magnitude_ohm '" + std::string{fields[1]} + "' must be positive"};
        if (std::abs(phase) > 90.0)
            throw parse_error{where + ": phase_deg '" + std::string{fields[2]} + "' must lie within -90 to 90"};
        previous_hz = hz;
        previous_line = line_number;
        points.push_back({in_si(hz, hertz), in_si(z, ohm), phase});
    }
    if (points.empty()) throw parse_error{source + ": no impedance rows (expected frequency_hz,magnitude_ohm[,phase_deg])"};
    return impedance_curve::tabulated(std::move(points), source);
}

[[nodiscard]] inline impedance_curve load_impedance_curve(const std::string& path) {
    std::ifstream in{path};
    if (!in) throw parse_error{path + ": cannot open the impedance curve"};
    return parse_impedance_curve(in, path);
}

// An inductance: "0.05mH", "50uH", "5e-5H", or a bare number in henry.
[[nodiscard]] inline inductance parse_inductance(std::string_view text) {
    return inductance::from_value(
        detail::parse_scaled(text, "an inductance", {{"H", 1.0}, {"mH", 1e-3}, {"uH", 1e-6}, {"µH", 1e-6}}, 1.0, "0.05mH"));
}

// A driver model from "Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5" (any order, each key once, all five required).
[[nodiscard]] inline driver_model parse_driver_model(std::string_view text) {
    std::optional<impedance> re;
    std::optional<inductance> le;
    std::optional<frequency> fs;
    std::optional<double> qms, qes;
    bool seen[5] = {false, false, false, false, false};
    constexpr std::string_view keys[5] = {"Re", "Le", "fs", "Qms", "Qes"};
    for (const auto field : detail::split_fields(text, ',')) {
        const auto eq = field.find('=');
        if (eq == std::string_view::npos)
            throw parse_error{"'" + std::string{field} + "' is not key=value (keys: Re, Le, fs, Qms, Qes)"};
        const auto key = detail::trim(field.substr(0, eq));
        const auto value = detail::trim(field.substr(eq + 1));
        const auto k = static_cast<std::size_t>(std::find(std::begin(keys), std::end(keys), key) - std::begin(keys));
        if (k == 5) throw parse_error{"unknown driver parameter '" + std::string{key} + "' (keys: Re, Le, fs, Qms, Qes)"};
        if (seen[k]) throw parse_error{"driver parameter " + std::string{key} + " is given twice"};
        seen[k] = true;
        const auto number = [&] {
            try {
                const auto [v, rest] = detail::split_number(value, "a number");
                if (rest.empty()) return v;
            } catch (const parse_error&) {
            }
            throw parse_error{std::string{key} + " '" + std::string{value} + "' is not a number"};
        };
        switch (k) {
            case 0: re = parse_impedance(value); break;
            case 1: le = parse_inductance(value); break;
            case 2: fs = parse_frequency(value); break;
            case 3: qms = number(); break;
            default: qes = number(); break;
        }
    }
    for (std::size_t k = 0; k < 5; ++k)
        if (!seen[k]) throw parse_error{"driver parameter " + std::string{keys[k]} + " is missing (give Re, Le, fs, Qms, Qes)"};
    try {
        return driver_model{*re, *le, *fs, *qms, *qes};
    } catch (const spec_error& e) {
        throw parse_error{e.what()};
    }
}

}  // namespace headroom
