#pragma once

// The electrical vocabulary of the library. Boost.Units stays behind these aliases so that a move to another
// units library touches this file only. Every quantity is stored in SI base units (volt, ampere, ohm, watt,
// hertz, second); `value_in` is the one way a number leaves a quantity.

#include <boost/units/cmath.hpp>
#include <boost/units/quantity.hpp>
#include <boost/units/systems/si/current.hpp>
#include <boost/units/systems/si/electric_potential.hpp>
#include <boost/units/systems/si/frequency.hpp>
#include <boost/units/systems/si/power.hpp>
#include <boost/units/systems/si/resistance.hpp>
#include <boost/units/systems/si/time.hpp>

#include <cmath>

namespace headroom {

namespace si = boost::units::si;

using voltage = boost::units::quantity<si::electric_potential>;  // RMS of a sine unless a name says peak
using current = boost::units::quantity<si::current>;             // RMS of a sine unless a name says peak
using impedance = boost::units::quantity<si::resistance>;        // |Z| at 1 kHz unless a curve is given
using power = boost::units::quantity<si::power>;                 // average (RMS) power
using frequency = boost::units::quantity<si::frequency>;
using duration = boost::units::quantity<si::time>;

inline constexpr auto volt = si::volt;
inline constexpr auto ampere = si::ampere;
inline constexpr auto ohm = si::ohm;
inline constexpr auto watt = si::watt;
inline constexpr auto hertz = si::hertz;
inline constexpr auto second = si::second;

// The numerical value of `q` in `unit` (only SI base units exist here, so this never rescales).
template <class Unit>
[[nodiscard]] constexpr double value_in(boost::units::quantity<Unit> q, Unit /*unit*/) noexcept {
    return q.value();
}

// A quantity from a number already in SI base units: the inverse of value_in, for parsers and the batch core.
template <class Unit>
[[nodiscard]] constexpr boost::units::quantity<Unit> in_si(double value, Unit /*unit*/) noexcept {
    return boost::units::quantity<Unit>::from_value(value);
}

// sqrt(2): the peak-to-RMS ratio of a sine (+3.0103 dB).
inline constexpr double sine_peak_to_rms = 1.4142135623730950488;

}  // namespace headroom
