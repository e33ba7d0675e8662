#pragma once

// Opt-in literals: `using namespace headroom::literals;` then 7.5_V, 250_mA, 300_ohm, 1_W, 97_dB.
// Prefixed literals return base-unit quantities (250_mA is 0.25 A), so they mix freely with the rest of the API.

#include "headroom/decibel.hpp"
#include "headroom/units.hpp"

namespace headroom {
inline namespace literals {

#define HEADROOM_DEFINE_LITERAL(suffix, type, unit, scale)                                                       \
    [[nodiscard]] constexpr type operator""_##suffix(long double v) noexcept {                                   \
        return in_si(static_cast<double>(v) * (scale), unit);                                                    \
    }                                                                                                            \
    [[nodiscard]] constexpr type operator""_##suffix(unsigned long long v) noexcept {                            \
        return in_si(static_cast<double>(v) * (scale), unit);                                                    \
    }

HEADROOM_DEFINE_LITERAL(V, voltage, volt, 1.0)
HEADROOM_DEFINE_LITERAL(mV, voltage, volt, 1e-3)
HEADROOM_DEFINE_LITERAL(uV, voltage, volt, 1e-6)
HEADROOM_DEFINE_LITERAL(A, current, ampere, 1.0)
HEADROOM_DEFINE_LITERAL(mA, current, ampere, 1e-3)
HEADROOM_DEFINE_LITERAL(ohm, impedance, ohm, 1.0)
HEADROOM_DEFINE_LITERAL(W, power, watt, 1.0)
HEADROOM_DEFINE_LITERAL(mW, power, watt, 1e-3)
HEADROOM_DEFINE_LITERAL(Hz, frequency, hertz, 1.0)
HEADROOM_DEFINE_LITERAL(kHz, frequency, hertz, 1e3)

#undef HEADROOM_DEFINE_LITERAL

// A gain in dB. Levels have no literal: spl::of_db(85) says which scale the number is on.
[[nodiscard]] constexpr gain operator""_dB(long double v) noexcept { return gain::of_db(static_cast<double>(v)); }
[[nodiscard]] constexpr gain operator""_dB(unsigned long long v) noexcept {
    return gain::of_db(static_cast<double>(v));
}

}  // namespace literals
}  // namespace headroom
