#pragma once

// A headphone's impedance across frequency (docs/physics.md section 7): the complex Z(f) an amplifier output actually
// drives. It comes from a measured table (a CSV of frequency, |Z| and optionally phase) or from a dynamic-driver
// model (Thiele-Small style: voice-coil resistance and inductance plus the motional impedance of the
// fundamental resonance). Curves are evaluated on a log-spaced frequency grid held in Eigen arrays, because
// every figure across frequency (response deviation, worst-case headroom, plots) is a reduction over that grid.

#include "headroom/error.hpp"
#include "headroom/parse.hpp"
#include "headroom/units.hpp"

#include <Eigen/Core>
#include <boost/units/systems/si/inductance.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <fstream>
#include <istream>
#include <numbers>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace headroom {

// A voice coil's inductance (only the driver model needs it, so its alias lives here rather than in units.hpp).
using inductance = boost::units::quantity<si::inductance>;
inline constexpr auto henry = si::henry;

// The frequencies a curve is evaluated at, in Hz, ascending. One of them is exactly 1 kHz, the frequency at which
// sensitivity and nominal impedance are stated, so deviations "from 1 kHz" need no interpolation.
struct frequency_grid {
    Eigen::ArrayXd hz;
    Eigen::Index reference_index = 0;  // where hz == 1000 exactly

    [[nodiscard]] Eigen::Index size() const noexcept { return hz.size(); }
    [[nodiscard]] frequency at(Eigen::Index i) const noexcept { return in_si(hz[i], hertz); }
};

// 20 Hz to 20 kHz in steps of 1/steps_per_octave octave anchored at 1 kHz (f = 1 kHz * 2^(k/n)), with the band
// edges 20 Hz and 20 kHz themselves added: 1/48 octave (the default) resolves a Q = 10 resonance to 0.1 dB.
[[nodiscard]] inline frequency_grid audio_band_grid(int steps_per_octave = 48) {
    if (steps_per_octave < 1) throw spec_error{"frequency grid", "steps per octave", "must be at least 1"};
    const double n = steps_per_octave;
    const auto k_low = static_cast<int>(std::floor(n * std::log2(20.0 / 1000.0)));
    const auto k_high = static_cast<int>(std::ceil(n * std::log2(20000.0 / 1000.0)));
    std::vector<double> hz{20.0};
    Eigen::Index reference = 0;
    for (int k = k_low; k <= k_high; ++k) {
        const double f = k == 0 ? 1000.0 : 1000.0 * std::exp2(k / n);
        if (f <= 20.0 * (1.0 + 1e-9) || f >= 20000.0 * (1.0 - 1e-9)) continue;  // the exact edges are added
        if (k == 0) reference = static_cast<Eigen::Index>(hz.size());
        hz.push_back(f);
    }
    hz.push_back(20000.0);
    frequency_grid g;
    g.hz = Eigen::Map<const Eigen::ArrayXd>(hz.data(), static_cast<Eigen::Index>(hz.size()));
    g.reference_index = reference;
    return g;
}

// One measured point of an impedance curve. Phase is positive when the load is inductive (voltage leads current).
struct impedance_point {
    frequency at;
    impedance magnitude;
    double phase_deg = 0.0;
};

// A dynamic driver's electrical impedance: Z(f) = Re + j 2 pi f Le + Res / (1 + j Qms (f/fs - fs/f)), with
// Res = Re Qms / Qes the peak of the motional impedance at the resonance fs (Thiele-Small parameters; the
// simple lossless-inductance form, so |Z| rises without bound at high frequency where a real coil's rise slows).
struct driver_model {
    impedance re;       // voice-coil DC resistance
    inductance le;      // voice-coil inductance (0 for none)
    frequency fs;       // free-air resonance
    double qms = 1.0;   // mechanical Q
    double qes = 1.0;   // electrical Q

    [[nodiscard]] impedance resonance_peak() const noexcept { return re * (qms / qes); }  // Re + Res at fs

    void validate(const std::string& entity) const {
        detail::require_positive(value_in(re, ohm), entity, "Re");
        detail::require_non_negative(le.value(), entity, "Le");
        detail::require_positive(value_in(fs, hertz), entity, "fs");
        detail::require_positive(qms, entity, "Qms");
        detail::require_positive(qes, entity, "Qes");
    }
};

// Z(f) of a headphone, as a complex number in ohm (real part: resistance; imaginary: reactance).
class impedance_curve {
public:
    // A measured curve: points in strictly increasing frequency, |Z| > 0, |phase| <= 90 degrees. Between points
    // log|Z| and the phase are interpolated linearly in log f (a straight line on the usual log-log plot);
    // outside the measured range the nearest end point holds.
    [[nodiscard]] static impedance_curve tabulated(std::vector<impedance_point> points, std::string name = "curve") {
        const std::string entity = "impedance curve '" + name + "'";
        if (points.empty()) throw spec_error{entity, "points", "are missing: give at least one"};
        table t;
        double previous = 0.0;
        for (const auto& p : points) {
            const double f = value_in(p.at, hertz);
            detail::require_positive(f, entity, "frequency");
            if (f <= previous) throw spec_error{entity, "frequency", "must increase from point to point"};
            previous = f;
            detail::require_positive(value_in(p.magnitude, ohm), entity, "magnitude");
            detail::require_finite(p.phase_deg, entity, "phase");
            if (std::abs(p.phase_deg) > 90.0) throw spec_error{entity, "phase", "must lie within -90 to 90 degrees"};
            t.ln_hz.push_back(std::log(f));
            t.ln_ohm.push_back(std::log(value_in(p.magnitude, ohm)));
            t.phase_rad.push_back(p.phase_deg * std::numbers::pi / 180.0);
        }
        return impedance_curve{std::move(name), std::move(t)};
    }

    // A frequency-independent resistance: what the scalar model assumes.
    [[nodiscard]] static impedance_curve resistive(impedance r, std::string name = "resistive") {
        return tabulated({{in_si(1000.0, hertz), r, 0.0}}, std::move(name));
    }

    [[nodiscard]] static impedance_curve driver(const driver_model& d, std::string name = "driver") {
        d.validate("driver model '" + name + "'");
        return impedance_curve{std::move(name), d};
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    // Z(f) in ohm.
    [[nodiscard]] std::complex<double> ohms_at(frequency f) const noexcept {
        const double hz = value_in(f, hertz);
        if (const auto* d = std::get_if<driver_model>(&model_)) return driver_ohms(*d, hz);
        return table_ohms(std::get<table>(model_), hz);
    }
    [[nodiscard]] impedance magnitude_at(frequency f) const noexcept { return in_si(std::abs(ohms_at(f)), ohm); }

    // Z on every frequency of the grid, in ohm.
    [[nodiscard]] Eigen::ArrayXcd ohms_on(const frequency_grid& g) const {
        Eigen::ArrayXcd z(g.size());
        for (Eigen::Index i = 0; i < g.size(); ++i) z[i] = ohms_at(g.at(i));
        return z;
    }

private:
    struct table {
        std::vector<double> ln_hz, ln_ohm, phase_rad;
    };

    impedance_curve(std::string name, std::variant<table, driver_model> model)
        : name_{std::move(name)}, model_{std::move(model)} {}

    [[nodiscard]] static std::complex<double> driver_ohms(const driver_model& d, double hz) noexcept {
        const double re = value_in(d.re, ohm);
        const double fs = value_in(d.fs, hertz);
        const double res = re * d.qms / d.qes;
        const std::complex<double> coil{re, 2.0 * std::numbers::pi * hz * d.le.value()};
        return coil + res / std::complex<double>{1.0, d.qms * (hz / fs - fs / hz)};
    }

    [[nodiscard]] static std::complex<double> table_ohms(const table& t, double hz) noexcept {
        const double u = std::log(hz);
        const std::size_t n = t.ln_hz.size();
        if (u <= t.ln_hz.front()) return std::polar(std::exp(t.ln_ohm.front()), t.phase_rad.front());
        if (u >= t.ln_hz.back()) return std::polar(std::exp(t.ln_ohm[n - 1]), t.phase_rad[n - 1]);
        const auto hi = static_cast<std::size_t>(std::upper_bound(t.ln_hz.begin(), t.ln_hz.end(), u) - t.ln_hz.begin());
        const std::size_t lo = hi - 1;
        const double w = (u - t.ln_hz[lo]) / (t.ln_hz[hi] - t.ln_hz[lo]);
        const double ln_mag = t.ln_ohm[lo] + w * (t.ln_ohm[hi] - t.ln_ohm[lo]);
        const double phase = t.phase_rad[lo] + w * (t.phase_rad[hi] - t.phase_rad[lo]);
        return std::polar(std::exp(ln_mag), phase);
    }

    std::string name_;
    std::variant<table, driver_model> model_;
};

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
    driver_model d{};
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
        const auto positive_number = [&] {
            try {
                const auto [v, rest] = detail::split_number(value, "a number");
                if (rest.empty()) return v;
            } catch (const parse_error&) {
            }
            throw parse_error{std::string{key} + " '" + std::string{value} + "' is not a number"};
        };
        switch (k) {
            case 0: d.re = parse_impedance(value); break;
            case 1: d.le = parse_inductance(value); break;
            case 2: d.fs = parse_frequency(value); break;
            case 3: d.qms = positive_number(); break;
            default: d.qes = positive_number(); break;
        }
    }
    for (std::size_t k = 0; k < 5; ++k)
        if (!seen[k]) throw parse_error{"driver parameter " + std::string{keys[k]} + " is missing (give Re, Le, fs, Qms, Qes)"};
    d.validate("driver model");
    return d;
}

}  // namespace headroom
