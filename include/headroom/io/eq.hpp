#pragma once

// Reading parametric EQ in the text form AutoEq publishes (and Equalizer APO reads):
//
//     Preamp: -6.2 dB
//     Filter 1: ON LSC Fc 105 Hz Gain 6.3 dB Q 0.70
//     Filter 2: ON PK Fc 204 Hz Gain -3.2 dB Q 0.33
//
// OFF filters are skipped; errors are parse_error naming source:line.

#include "headroom/eq.hpp"
#include "headroom/io/curves.hpp"
#include "headroom/parse.hpp"

#include <cmath>
#include <fstream>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

namespace detail {

// "105 Hz" style tokens: the number, then its unit as the next token.
struct eq_tokens {
    std::vector<std::string> t;
    std::size_t i = 0;
    std::string where;

    [[nodiscard]] bool done() const noexcept { return i >= t.size(); }
    const std::string& next(std::string_view expected) {
        if (done()) throw parse_error{where + ": expected " + std::string{expected} + " but the line ends"};
        return t[i++];
    }
    void expect(std::string_view word) {
        const std::string& w = next(word);
        if (w != word) throw parse_error{where + ": expected '" + std::string{word} + "', found '" + w + "'"};
    }
    double number(std::string_view field) {
        const std::string& w = next(field);
        return number_field(w, where, field);
    }
};

}  // namespace detail

// Parses an AutoEq ParametricEQ.txt. Blank lines and '#' comments are skipped; other lines must be a Preamp or a
// Filter line (errors name source:line). Fc must lie below Nyquist at the default 48 kHz rate and Q be positive.
[[nodiscard]] inline parametric_eq parse_parametric_eq(std::istream& in, const std::string& source) {
    gain preamp = gain::of_db(0.0);
    std::vector<eq_filter> filters;
    std::string line;
    int line_number = 0;
    bool seen_preamp = false;
    while (std::getline(in, line)) {
        ++line_number;
        const std::string_view text = detail::trim_line(line);
        if (text.empty() || text.front() == '#') continue;
        detail::eq_tokens tok;
        tok.where = source + ":" + std::to_string(line_number);
        std::istringstream words{std::string{text}};
        for (std::string w; words >> w;) tok.t.push_back(w);
        const std::string& head = tok.next("Preamp: or Filter N:");
        if (head == "Preamp:") {
            if (seen_preamp) throw parse_error{tok.where + ": a second Preamp line"};
            seen_preamp = true;
            const double db = tok.number("preamp gain");
            tok.expect("dB");
            if (!(std::abs(db) <= ranges::max_gain_db))
                throw parse_error{tok.where + ": Preamp " + std::to_string(db) + " dB must lie within -60 to 60 dB"};
            preamp = gain::of_db(db);
        } else if (head == "Filter" || head == "Filter:") {  // Equalizer APO also writes unnumbered filters
            if (head == "Filter") {
                const std::string& label = tok.next("the filter number");
                if (label.empty() || label.back() != ':')
                    throw parse_error{tok.where + ": expected 'Filter N:', found 'Filter " + label + "'"};
            }
            const std::string& state = tok.next("ON or OFF");
            if (state != "ON" && state != "OFF")
                throw parse_error{tok.where + ": filter state '" + state + "' is not ON or OFF"};
            const std::string& kind = tok.next("filter type");
            eq_filter_type type = eq_filter_type::peaking;
            if (kind == "PK") type = eq_filter_type::peaking;
            else if (kind == "LSC") type = eq_filter_type::low_shelf;
            else if (kind == "HSC") type = eq_filter_type::high_shelf;
            else if (state == "OFF") continue;  // an ignored filter may be of any kind
            else throw parse_error{tok.where + ": filter type '" + kind + "' is not PK, LSC or HSC"};
            tok.expect("Fc");
            const std::string fc_text = tok.t.size() > tok.i ? tok.t[tok.i] : std::string{};
            const double fc = tok.number("Fc");
            tok.expect("Hz");
            tok.expect("Gain");
            const double g = tok.number("Gain");
            tok.expect("dB");
            tok.expect("Q");
            const std::string q_text = tok.t.size() > tok.i ? tok.t[tok.i] : std::string{};
            const double q = tok.number("Q");
            if (!(fc > 0.0 && fc < default_eq_sample_rate_hz / 2.0))
                throw parse_error{tok.where + ": Fc " + fc_text + " Hz must lie between 0 and 24000 Hz"};
            if (!(q >= ranges::min_q && q <= ranges::max_q))
                throw parse_error{tok.where + ": Q " + q_text + " must lie within 0.01 to 100"};
            if (!(std::abs(g) <= ranges::max_gain_db))
                throw parse_error{tok.where + ": Gain " + std::to_string(g) + " dB must lie within -60 to 60 dB"};
            if (state == "ON") {
                if (filters.size() == parametric_eq::max_filters)
                    throw parse_error{tok.where + ": more than " + std::to_string(parametric_eq::max_filters) + " filters"};
                filters.emplace_back(type, in_si(fc, hertz), gain::of_db(g), q);
            }
        } else {
            throw parse_error{tok.where + ": expected a 'Preamp:' or 'Filter N:' line, found '" + head + "'"};
        }
        if (!tok.done()) throw parse_error{tok.where + ": unexpected '" + tok.t[tok.i] + "' at the end of the line"};
    }
    return parametric_eq{preamp, std::move(filters), source};
}

[[nodiscard]] inline parametric_eq load_parametric_eq(const std::string& path) {
    std::ifstream in{path};
    if (!in) throw parse_error{path + ": cannot open the EQ file"};
    return parse_parametric_eq(in, path);
}

}  // namespace headroom
