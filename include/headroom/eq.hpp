#pragma once

// Parametric EQ in the text form AutoEq publishes (and Equalizer APO reads):
//
//     Preamp: -6.2 dB
//     Filter 1: ON LSC Fc 105 Hz Gain 6.3 dB Q 0.70
//     Filter 2: ON PK Fc 204 Hz Gain -3.2 dB Q 0.33
//
// PK (peaking), LSC (low shelf) and HSC (high shelf) are biquads from Robert Bristow-Johnson's "Cookbook
// formulae for audio EQ biquad filter coefficients" (the shelves with their Q form of alpha); OFF filters are
// ignored. An EQ's boost is level the amplifier must deliver on top of the programme, so it eats headroom: the
// boost here is the filters' gain alone, the preamp excluded, because the preamp is digital attenuation ahead of
// the filters that only keeps the DSP from clipping; it does not change what reaches the headphone when the
// volume is set for the same target level.

#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/parse.hpp"
#include "headroom/units.hpp"

#include <Eigen/Core>

#include <cmath>
#include <complex>
#include <fstream>
#include <istream>
#include <numbers>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

enum class eq_filter_type { peaking, low_shelf, high_shelf };

struct eq_filter {
    eq_filter_type type = eq_filter_type::peaking;
    frequency centre;  // Fc: the centre (PK) or the half-gain corner (shelves)
    gain boost;        // at the centre, or the shelf's plateau
    double q = std::numbers::sqrt2 / 2.0;
};

struct parametric_eq {
    gain preamp;                     // digital attenuation ahead of the filters (not part of the boost)
    std::vector<eq_filter> filters;  // the enabled ones
};

// The sampling rate the filters run at. AutoEq's peaks sit where 44.1 and 48 kHz agree; 48 kHz is the default.
inline constexpr double default_eq_sample_rate_hz = 48000.0;

namespace detail {

struct biquad {
    double b0, b1, b2, a0, a1, a2;
};

// The cookbook's coefficients (its A = 10^(gain/40), w0 = 2 pi Fc / Fs, alpha = sin(w0) / (2 Q)).
[[nodiscard]] inline biquad cookbook_coefficients(const eq_filter& f, double fs_hz) noexcept {
    const double a = std::pow(10.0, f.boost.db() / 40.0);
    const double w0 = 2.0 * std::numbers::pi * value_in(f.centre, hertz) / fs_hz;
    const double cw = std::cos(w0);
    const double alpha = std::sin(w0) / (2.0 * f.q);
    const double s = 2.0 * std::sqrt(a) * alpha;
    switch (f.type) {
        case eq_filter_type::peaking:
            return {1.0 + alpha * a, -2.0 * cw, 1.0 - alpha * a, 1.0 + alpha / a, -2.0 * cw, 1.0 - alpha / a};
        case eq_filter_type::low_shelf:
            return {a * ((a + 1.0) - (a - 1.0) * cw + s), 2.0 * a * ((a - 1.0) - (a + 1.0) * cw),
                    a * ((a + 1.0) - (a - 1.0) * cw - s), (a + 1.0) + (a - 1.0) * cw + s,
                    -2.0 * ((a - 1.0) + (a + 1.0) * cw), (a + 1.0) + (a - 1.0) * cw - s};
        case eq_filter_type::high_shelf:
            return {a * ((a + 1.0) + (a - 1.0) * cw + s), -2.0 * a * ((a - 1.0) + (a + 1.0) * cw),
                    a * ((a + 1.0) + (a - 1.0) * cw - s), (a + 1.0) - (a - 1.0) * cw + s,
                    2.0 * ((a - 1.0) - (a + 1.0) * cw), (a + 1.0) - (a - 1.0) * cw - s};
    }
    return {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
}

}  // namespace detail

// One filter's gain at f: |H(e^{jw})| of its biquad evaluated on the unit circle (no time-domain filtering).
[[nodiscard]] inline gain filter_gain_at(const eq_filter& f, frequency at, double sample_rate_hz = default_eq_sample_rate_hz) {
    const auto c = detail::cookbook_coefficients(f, sample_rate_hz);
    const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * value_in(at, hertz) / sample_rate_hz);
    const std::complex<double> num = c.b0 + z1 * (c.b1 + z1 * c.b2);
    const std::complex<double> den = c.a0 + z1 * (c.a1 + z1 * c.a2);
    return gain::of_voltage_ratio(std::abs(num / den));
}

// The filters' combined gain at f (the preamp excluded).
[[nodiscard]] inline gain eq_gain_at(const parametric_eq& eq, frequency at, double sample_rate_hz = default_eq_sample_rate_hz) {
    gain g = gain::of_db(0.0);
    for (const auto& f : eq.filters) g = g + filter_gain_at(f, at, sample_rate_hz);
    return g;
}

// The filters' gain on the grid, in dB, and its largest value.
struct eq_response {
    frequency_grid grid;
    Eigen::ArrayXd gain_db;
    gain max_boost;  // the largest gain over the grid (negative if the EQ only cuts)
    frequency max_boost_at;
};

[[nodiscard]] inline eq_response eq_response_on(const parametric_eq& eq, const frequency_grid& g = audio_band_grid(),
                                                double sample_rate_hz = default_eq_sample_rate_hz) {
    eq_response r{g, Eigen::ArrayXd(g.size()), gain{}, frequency{}};
    for (Eigen::Index i = 0; i < g.size(); ++i) r.gain_db[i] = eq_gain_at(eq, g.at(i), sample_rate_hz).db();
    Eigen::Index at = 0;
    r.max_boost = gain::of_db(r.gain_db.maxCoeff(&at));
    r.max_boost_at = g.at(at);
    return r;
}

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
    parametric_eq eq{gain::of_db(0.0), {}};
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
            eq.preamp = gain::of_db(tok.number("preamp gain"));
            tok.expect("dB");
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
            eq_filter f;
            if (kind == "PK") f.type = eq_filter_type::peaking;
            else if (kind == "LSC") f.type = eq_filter_type::low_shelf;
            else if (kind == "HSC") f.type = eq_filter_type::high_shelf;
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
            if (!(q > 0.0)) throw parse_error{tok.where + ": Q " + q_text + " must be positive"};
            f.centre = in_si(fc, hertz);
            f.boost = gain::of_db(g);
            f.q = q;
            if (state == "ON") eq.filters.push_back(f);
        } else {
            throw parse_error{tok.where + ": expected a 'Preamp:' or 'Filter N:' line, found '" + head + "'"};
        }
        if (!tok.done()) throw parse_error{tok.where + ": unexpected '" + tok.t[tok.i] + "' at the end of the line"};
    }
    return eq;
}

[[nodiscard]] inline parametric_eq load_parametric_eq(const std::string& path) {
    std::ifstream in{path};
    if (!in) throw parse_error{path + ": cannot open the EQ file"};
    return parse_parametric_eq(in, path);
}

}  // namespace headroom
