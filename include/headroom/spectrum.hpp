#pragma once

// How a programme's energy spreads over frequency, for the two figures that depend on it: the A-weighted level the
// hearing-exposure limits are stated in (docs/physics.md section 6) and the level an EQ adds to real programme
// rather than to a sine at its most-boosted frequency (eq.hpp). Pink noise (equal energy per octave) over
// 20 Hz-20 kHz is the stated default; its A-weighted level is 2.86 dB below its unweighted level.

#include "headroom/decibel.hpp"
#include "headroom/units.hpp"

#include <cmath>
#include <cstdint>
#include <string_view>

namespace headroom {

enum class programme_spectrum : std::uint8_t {
    pink,  // equal energy per octave: the usual stand-in for music's long-term spectrum
};

[[nodiscard]] constexpr std::string_view to_string(programme_spectrum) noexcept { return "pink noise, 20 Hz-20 kHz"; }

// The A-weighting of IEC 61672-1 (2013), section 5.5: 0 dB at 1 kHz, -19.1 dB at 100 Hz, -50.5 dB at 20 Hz.
[[nodiscard]] inline gain a_weighting(frequency f) noexcept {
    const double f2 = value_in(f, hertz) * value_in(f, hertz);
    constexpr double f1 = 20.598997, f2c = 107.65265, f3 = 737.86223, f4 = 12194.217;
    const double ra = f4 * f4 * f2 * f2 /
                      ((f2 + f1 * f1) * std::sqrt((f2 + f2c * f2c) * (f2 + f3 * f3)) * (f2 + f4 * f4));
    return gain::of_voltage_ratio(ra) + gain::of_db(2.0);  // +2.00 dB normalises A(1 kHz) to 0
}

// 10 lg of the spectrum-weighted mean of 10^(g(f)/10) over 20 Hz-20 kHz: the level change a frequency-dependent
// gain g makes to a programme of this spectrum. Trapezoids on a 1/96-octave grid in ln f (for pink noise the
// weight per ln f is constant), fine enough that a smooth g is integrated to better than 0.001 dB.
template <class Gain>
[[nodiscard]] gain programme_level_change(programme_spectrum, Gain&& g) {
    constexpr double lo = 20.0, hi = 20000.0;
    const double octaves = std::log2(hi / lo);
    const int steps = static_cast<int>(std::ceil(octaves * 96.0));
    double sum = 0.0;
    for (int k = 0; k <= steps; ++k) {
        const double hz = lo * std::exp2(octaves * k / steps);
        const double w = (k == 0 || k == steps) ? 0.5 : 1.0;
        sum += w * g(in_si(hz, hertz)).power_ratio();
    }
    return gain::of_power_ratio(sum / steps);
}

// L_A - L for a programme of this spectrum.
[[nodiscard]] inline gain a_weighted_offset(programme_spectrum s) {
    return programme_level_change(s, [](frequency f) { return a_weighting(f); });
}

}  // namespace headroom
