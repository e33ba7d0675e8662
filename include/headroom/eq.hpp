#pragma once

// Parametric EQ as AutoEq publishes it (and Equalizer APO runs it): a digital preamp and peaking (PK), low-shelf
// (LSC) and high-shelf (HSC) biquads from Robert Bristow-Johnson's "Cookbook formulae for audio EQ biquad filter
// coefficients" (the shelves with their Q form of alpha). An EQ's boost is level the amplifier must deliver on top
// of the programme, so it eats headroom. Three figures describe it:
//
//  - the largest boost (exact: the grid's maxima and every filter's centre are refined, so a Q = 100 peak between
//    grid points is not missed): a sine sweep's worst case;
//  - the level a programme of a given spectrum gains (pink noise by default): what music typically costs;
//  - digital clipping: a boost beyond the preamp clips full-scale peaks in the DSP.
//
// The preamp is digital attenuation ahead of the filters: it does not change what the analog limits must deliver
// when the volume is set for the same target level, but it lowers what the source's full scale can reach (the
// gain limit; response.hpp).

#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/spectrum.hpp"
#include "headroom/units.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

namespace headroom {

// The sampling rate the filters run at. AutoEq's peaks sit where 44.1 and 48 kHz agree; 48 kHz is the default.
inline constexpr double default_eq_sample_rate_hz = 48000.0;

enum class eq_filter_type : std::uint8_t { peaking, low_shelf, high_shelf };

class eq_filter {
public:
    // centre: Fc, the centre (PK) or the half-gain corner (shelves), below half the sample rate;
    // boost: at the centre, or the shelf's plateau, within +-60 dB; q: within 0.01-100.
    eq_filter(eq_filter_type type, frequency centre, gain boost, double q = std::numbers::sqrt2 / 2.0,
              const std::string& entity = "EQ filter")
        : type_{type}, centre_{centre}, boost_{boost}, q_{q} {
        detail::require_within(value_in(centre, hertz), 0.0, default_eq_sample_rate_hz / 2.0, entity, "Fc", "Hz", true);
        if (!(value_in(centre, hertz) < default_eq_sample_rate_hz / 2.0))
            throw spec_error{entity, "Fc", "must lie below 24000 Hz (half the 48 kHz sample rate)"};
        detail::require_gain(boost.db(), entity, "gain");
        detail::require_within(q, ranges::min_q, ranges::max_q, entity, "Q", "");
    }

    [[nodiscard]] eq_filter_type type() const noexcept { return type_; }
    [[nodiscard]] frequency centre() const noexcept { return centre_; }
    [[nodiscard]] gain boost() const noexcept { return boost_; }
    [[nodiscard]] double q() const noexcept { return q_; }

private:
    eq_filter_type type_;
    frequency centre_;
    gain boost_;
    double q_;
};

class parametric_eq {
public:
    static constexpr std::size_t max_filters = 64;

    parametric_eq(gain preamp, std::vector<eq_filter> filters, const std::string& entity = "EQ")
        : preamp_{preamp}, filters_{std::move(filters)} {
        detail::require_gain(preamp.db(), entity, "preamp");
        if (filters_.size() > max_filters)
            throw spec_error{entity, "filters", "number " + std::to_string(filters_.size()) + "; at most " +
                                                    std::to_string(max_filters) + " are accepted"};
    }

    [[nodiscard]] gain preamp() const noexcept { return preamp_; }                        // digital, ahead of the filters
    [[nodiscard]] const std::vector<eq_filter>& filters() const noexcept { return filters_; }  // the enabled ones

private:
    gain preamp_;
    std::vector<eq_filter> filters_;
};

namespace detail {

struct biquad {
    double b0, b1, b2, a0, a1, a2;
};

// The cookbook's coefficients (its A = 10^(gain/40), w0 = 2 pi Fc / Fs, alpha = sin(w0) / (2 Q)).
[[nodiscard]] inline biquad cookbook_coefficients(const eq_filter& f, double fs_hz) noexcept {
    const double a = std::pow(10.0, f.boost().db() / 40.0);
    const double w0 = 2.0 * std::numbers::pi * value_in(f.centre(), hertz) / fs_hz;
    const double cw = std::cos(w0);
    const double alpha = std::sin(w0) / (2.0 * f.q());
    const double s = 2.0 * std::sqrt(a) * alpha;
    switch (f.type()) {
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
    for (const auto& f : eq.filters()) g = g + filter_gain_at(f, at, sample_rate_hz);
    return g;
}

// The largest gain over 20 Hz-20 kHz and where it is.
struct eq_peak {
    gain boost;
    frequency at;
};

namespace detail {

// Golden-section search for the largest gain in [lo, hi] Hz (searched in ln f, where peaks are symmetric-ish),
// started knowing the best point found so far. 80 steps shrink the bracket below 1e-15 of its width in ln f.
[[nodiscard]] inline eq_peak refine_peak(const parametric_eq& eq, double lo, double hi, eq_peak best, double fs_hz) {
    constexpr double r = 0.6180339887498949;  // (sqrt 5 - 1) / 2
    const auto g = [&](double u) { return eq_gain_at(eq, in_si(std::exp(u), hertz), fs_hz).db(); };
    double a = std::log(lo), b = std::log(hi);
    double c = b - r * (b - a), d = a + r * (b - a);
    double gc = g(c), gd = g(d);
    for (int k = 0; k < 80 && b - a > 1e-13; ++k) {
        if (gc >= gd) {
            b = d, d = c, gd = gc;
            c = b - r * (b - a), gc = g(c);
        } else {
            a = c, c = d, gc = gd;
            d = a + r * (b - a), gd = g(d);
        }
    }
    for (const auto& [u, v] : {std::pair{c, gc}, std::pair{d, gd}})
        if (v > best.boost.db()) best = {gain::of_db(v), in_si(std::exp(u), hertz)};
    return best;
}

}  // namespace detail

// Where a filter's own maximum can lie: a peak's within its bandwidth around Fc; a shelf's resonance (at high Q a
// shelf overshoots its plateau in a narrow bump up to an octave from Fc) within an octave of it.
[[nodiscard]] inline std::pair<double, double> peak_window(const eq_filter& f) noexcept {
    const double fc = value_in(f.centre(), hertz);
    const double factor = f.type() == eq_filter_type::peaking ? 1.0 + 2.0 / f.q() : 2.0;
    return {fc / factor, fc * factor};
}

// The exact maximum of the EQ's gain over 20 Hz-20 kHz: every local maximum of the 1/48-octave grid, and of a
// 96-point scan of every filter's window (where a narrow peak or a shelf's resonance may hide between grid points),
// is refined by golden-section search. Within 0.01 dB of a dense reference for random filter sets with Q up to
// 100 (tests/eq_test.cpp).
[[nodiscard]] inline eq_peak exact_peak(const parametric_eq& eq, const frequency_grid& g = audio_band_grid(),
                                        double sample_rate_hz = default_eq_sample_rate_hz) {
    constexpr double band_lo = 20.0, band_hi = 20000.0;
    const auto gain_db = [&](double hz) { return eq_gain_at(eq, in_si(hz, hertz), sample_rate_hz).db(); };
    eq_peak best{gain::of_db(-std::numeric_limits<double>::infinity()), in_si(band_lo, hertz)};
    // Refines every local maximum of samples at ascending frequencies between its neighbours.
    const auto refine_maxima = [&](const std::vector<double>& hz) {
        std::vector<double> db(hz.size());
        for (std::size_t i = 0; i < hz.size(); ++i) {
            db[i] = gain_db(hz[i]);
            if (db[i] > best.boost.db()) best = {gain::of_db(db[i]), in_si(hz[i], hertz)};
        }
        for (std::size_t i = 0; i < hz.size(); ++i) {
            const bool rising = i == 0 || db[i] >= db[i - 1];
            const bool falling = i + 1 == hz.size() || db[i] >= db[i + 1];
            if (rising && falling && hz.size() > 1)
                best = detail::refine_peak(eq, hz[i == 0 ? 0 : i - 1], hz[std::min(i + 1, hz.size() - 1)], best, sample_rate_hz);
        }
    };
    refine_maxima(std::vector<double>(g.hz.data(), g.hz.data() + g.size()));
    for (const auto& f : eq.filters()) {
        const auto [lo, hi] = peak_window(f);
        const double a = std::clamp(lo, band_lo, band_hi), b = std::clamp(hi, band_lo, band_hi);
        if (!(a < b)) continue;
        constexpr int points = 96;
        std::vector<double> hz(points);
        for (int k = 0; k < points; ++k) hz[static_cast<std::size_t>(k)] = a * std::pow(b / a, k / (points - 1.0));
        refine_maxima(hz);
    }
    return best;
}

// What an EQ asks of the amplifier.
struct eq_response {
    frequency_grid grid;
    Eigen::ArrayXd gain_db;       // on the grid
    eq_peak peak;                 // exact; negative boost if the EQ only cuts
    gain preamp;
    gain digital_overshoot;       // peak + preamp above 0 dBFS (zero when the preamp covers the peak)
    gain programme_increase;      // the level a programme of `spectrum` gains through the filters
    programme_spectrum spectrum;

    // Preamps are written to 0.1 dB, so an overshoot within half of that is the file's rounding, not clipping.
    [[nodiscard]] bool clips_digitally() const noexcept { return digital_overshoot.db() > 0.05; }
};

[[nodiscard]] inline eq_response eq_response_on(const parametric_eq& eq, const frequency_grid& g = audio_band_grid(),
                                                programme_spectrum spectrum = programme_spectrum::pink,
                                                double sample_rate_hz = default_eq_sample_rate_hz) {
    eq_response r{g, Eigen::ArrayXd(g.size()), exact_peak(eq, g, sample_rate_hz), eq.preamp(), gain{}, gain{}, spectrum};
    for (Eigen::Index i = 0; i < g.size(); ++i) r.gain_db[i] = eq_gain_at(eq, g.at(i), sample_rate_hz).db();
    r.digital_overshoot = gain::of_db(std::max(0.0, r.peak.boost.db() + eq.preamp().db()));
    r.programme_increase = programme_level_change(spectrum, [&](frequency f) { return eq_gain_at(eq, f, sample_rate_hz); });
    return r;
}

}  // namespace headroom
