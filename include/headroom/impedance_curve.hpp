#pragma once

// A headphone's impedance across frequency (docs/physics.md section 7): the complex Z(f) an amplifier output actually
// drives. It comes from a measured table (frequency, |Z| and optionally phase) or from a dynamic-driver model
// (Thiele-Small style: voice-coil resistance and inductance plus the motional impedance of the fundamental
// resonance). This header is the model only; frequency_grid.hpp evaluates curves on grids, and the text readers
// live with the other readers (headroom::io).

#include "headroom/curve_math.hpp"
#include "headroom/error.hpp"
#include "headroom/units.hpp"

#include <boost/units/systems/si/inductance.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace headroom {

// A voice coil's inductance (only the driver model needs it, so its alias lives here rather than in units.hpp).
using inductance = boost::units::quantity<si::inductance>;
inline constexpr auto henry = si::henry;

// One measured point of an impedance curve. Phase is positive when the load is inductive (voltage leads current).
struct impedance_point {
    frequency at;
    impedance magnitude;
    double phase_deg = 0.0;
};

// A dynamic driver's electrical impedance: Z(f) = Re + j 2 pi f Le + Res / (1 + j Qms (f/fs - fs/f)), with
// Res = Re Qms / Qes the peak of the motional impedance at the resonance fs (Thiele-Small parameters; the
// simple lossless-inductance form, so |Z| rises without bound at high frequency where a real coil's rise slows).
class driver_model {
public:
    driver_model(impedance re, inductance le, frequency fs, double qms, double qes, const std::string& entity = "driver model")
        : re_{re}, le_{le}, fs_{fs}, qms_{qms}, qes_{qes} {
        detail::require_impedance(value_in(re, ohm), entity, "Re");
        detail::require_within(le.value(), 0.0, 10.0, entity, "Le", "H");
        detail::require_within(value_in(fs, hertz), 1.0, 1e5, entity, "fs", "Hz");
        detail::require_within(qms, ranges::min_q, ranges::max_q, entity, "Qms", "");
        detail::require_within(qes, ranges::min_q, ranges::max_q, entity, "Qes", "");
    }

    [[nodiscard]] impedance re() const noexcept { return re_; }
    [[nodiscard]] inductance le() const noexcept { return le_; }
    [[nodiscard]] frequency fs() const noexcept { return fs_; }
    [[nodiscard]] double qms() const noexcept { return qms_; }
    [[nodiscard]] double qes() const noexcept { return qes_; }
    [[nodiscard]] impedance resonance_peak() const noexcept { return re_ * (qms_ / qes_); }  // Re + Res at fs

    // Z(f) in ohm.
    [[nodiscard]] std::complex<double> ohms_at(double hz) const noexcept {
        const auto z = curves::driver_at(value_in(re_, ohm), le_.value(), value_in(fs_, hertz), qms_, qes_, hz);
        return {z.re, z.im};
    }

private:
    impedance re_;
    inductance le_;
    frequency fs_;
    double qms_, qes_;
};

// Z(f) of a headphone, as a complex number in ohm (real part: resistance; imaginary: reactance).
class impedance_curve {
public:
    // At most this many measured points (a measurement export has a few hundred; more would only cost time).
    static constexpr std::size_t max_points = 4096;

    // A measured curve: points in strictly increasing frequency, |Z| > 0, |phase| <= 90 degrees. Between points
    // log|Z| and the phase are interpolated linearly in log f (a straight line on the usual log-log plot);
    // outside the measured range the nearest end point holds.
    [[nodiscard]] static impedance_curve tabulated(std::vector<impedance_point> points, std::string name = "curve") {
        const std::string entity = "impedance curve '" + name + "'";
        if (points.empty()) throw spec_error{entity, "points", "are missing: give at least one"};
        if (points.size() > max_points)
            throw spec_error{entity, "points", "number " + std::to_string(points.size()) + "; at most " +
                                                   std::to_string(max_points) + " are accepted"};
        table t;
        double previous = 0.0;
        for (const auto& p : points) {
            const double f = value_in(p.at, hertz);
            detail::require_within(f, 0.0, ranges::max_frequency_hz, entity, "frequency", "Hz", true);
            if (f <= previous) throw spec_error{entity, "frequency", "must increase from point to point"};
            previous = f;
            detail::require_impedance(value_in(p.magnitude, ohm), entity, "magnitude");
            detail::require_finite(p.phase_deg, entity, "phase");
            if (std::abs(p.phase_deg) > 90.0) throw spec_error{entity, "phase", "must lie within -90 to 90 degrees"};
            t.ln_hz.push_back(std::log(f));
            t.ln_ohm.push_back(std::log(value_in(p.magnitude, ohm)));
            t.phase_rad.push_back(p.phase_deg * std::numbers::pi / 180.0);
        }
        t.points = std::move(points);
        return impedance_curve{std::move(name), std::move(t)};
    }

    // A frequency-independent resistance: what the scalar model assumes.
    [[nodiscard]] static impedance_curve resistive(impedance r, std::string name = "resistive") {
        return tabulated({{in_si(1000.0, hertz), r, 0.0}}, std::move(name));
    }

    [[nodiscard]] static impedance_curve driver(const driver_model& d, std::string name = "driver") {
        return impedance_curve{std::move(name), d};
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    // A tabulated curve's points as given (none for a driver model).
    [[nodiscard]] const std::vector<impedance_point>& points() const noexcept {
        static const std::vector<impedance_point> none;
        const auto* t = std::get_if<table>(&model_);
        return t != nullptr ? t->points : none;
    }
    [[nodiscard]] bool is_driver_model() const noexcept { return std::holds_alternative<driver_model>(model_); }
    // The driver model, or null for a measured table.
    [[nodiscard]] const driver_model* model() const noexcept { return std::get_if<driver_model>(&model_); }

    // A measured table as plain numbers (empty for a driver model), for the batch engine's columns.
    struct table_view {
        std::span<const double> ln_hz;      // ln(Hz), strictly ascending
        std::span<const double> ln_ohm;     // ln(ohm)
        std::span<const double> phase_rad;  // radians, positive when inductive
    };
    [[nodiscard]] table_view log_table() const noexcept {
        const auto* t = std::get_if<table>(&model_);
        if (t == nullptr) return {};
        return {t->ln_hz, t->ln_ohm, t->phase_rad};
    }

    // Z(f) in ohm.
    [[nodiscard]] std::complex<double> ohms_at(frequency f) const noexcept {
        const double hz = value_in(f, hertz);
        if (const auto* d = std::get_if<driver_model>(&model_)) return d->ohms_at(hz);
        return table_ohms(std::get<table>(model_), hz);
    }
    [[nodiscard]] impedance magnitude_at(frequency f) const noexcept { return in_si(std::abs(ohms_at(f)), ohm); }

    // The smallest |Z| over 20 Hz-20 kHz and where it is: the load that sets the current demand and the bound of
    // the 1/8 rule. A 1/96-octave scan, plus every measured point in the band (a table's minimum is at one of them).
    struct minimum_point {
        impedance magnitude;
        frequency at;
    };
    [[nodiscard]] minimum_point minimum() const noexcept {
        minimum_point m{in_si(std::numeric_limits<double>::infinity(), ohm), in_si(1000.0, hertz)};
        const auto consider = [&](double hz) {
            const impedance z = magnitude_at(in_si(hz, hertz));
            if (z < m.magnitude) m = {z, in_si(hz, hertz)};
        };
        const int steps = static_cast<int>(std::ceil(std::log2(1000.0) * 96.0));
        for (int k = 0; k <= steps; ++k) consider(20.0 * std::exp2(std::log2(1000.0) * k / steps));
        if (const auto* t = std::get_if<table>(&model_))
            for (const double ln_f : t->ln_hz)
                if (const double hz = std::exp(ln_f); hz >= 20.0 && hz <= 20000.0) consider(hz);
        return m;
    }

private:
    struct table {
        std::vector<double> ln_hz, ln_ohm, phase_rad;
        std::vector<impedance_point> points;  // as given, so that a curve written out reads back the same
    };

    impedance_curve(std::string name, std::variant<table, driver_model> model)
        : name_{std::move(name)}, model_{std::move(model)} {}

    [[nodiscard]] static std::complex<double> table_ohms(const table& t, double hz) noexcept {
        const double u = std::log(hz);
        const auto above = static_cast<std::size_t>(std::upper_bound(t.ln_hz.begin(), t.ln_hz.end(), u) - t.ln_hz.begin());
        const auto p = curves::table_at(t.ln_hz.data(), t.ln_ohm.data(), t.phase_rad.data(), t.ln_hz.size(), above, u);
        return std::polar(std::exp(p.ln_mag), p.phase);
    }

    std::string name_;
    std::variant<table, driver_model> model_;
};

}  // namespace headroom
