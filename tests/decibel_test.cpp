// The dB layer and the literals: the point/difference algebra holds at compile time, the 10 lg / 20 lg split is
// the one the physics needs, and every literal lands in the SI base unit.

#include "headroom/decibel.hpp"
#include "headroom/literals.hpp"
#include "headroom/units.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <concepts>
#include <type_traits>

using namespace headroom;
using namespace headroom::literals;

namespace {

// Static facts about the types: what exists, what it returns, what does not convert.
static_assert(std::is_same_v<decltype(spl::of_db(90) - spl::of_db(85)), gain>, "level - level is a gain");
static_assert(std::is_same_v<decltype(spl::of_db(85) + 6_dB), spl>, "level + gain is a level");
static_assert(std::is_same_v<decltype(6_dB + spl::of_db(85)), spl>, "gain + level is a level");
static_assert(std::is_same_v<decltype(spl::of_db(85) - 6_dB), spl>, "level - gain is a level");
static_assert(std::is_same_v<decltype(3_dB + 3_dB), gain>, "gain + gain is a gain");
static_assert(!std::is_convertible_v<double, gain>, "a bare double is not a gain");
static_assert(!std::is_convertible_v<double, spl>, "a bare double is not a level");
static_assert(!std::is_constructible_v<gain, double>, "gain(double) is deleted");
static_assert(!std::is_constructible_v<spl, double>, "spl(double) is deleted");
static_assert(!std::is_convertible_v<double, voltage>, "a bare double is not a voltage");
static_assert(!std::is_convertible_v<gain, double> && !std::is_convertible_v<spl, double>,
              "decibels leave only through db()");

template <class A, class B>
concept addable = requires(A a, B b) { a + b; };
static_assert(!addable<spl, spl>, "level + level has no meaning");
static_assert(addable<spl, gain> && addable<gain, spl> && addable<gain, gain>);
static_assert(!addable<voltage, current>, "volts and amperes do not add");

// Gain arithmetic is constexpr and exact on representable values.
static_assert((3_dB + 6_dB).db() == 9.0);
static_assert((3_dB - 6_dB).db() == -3.0);
static_assert((-(2.5_dB)).db() == -2.5);
static_assert((2.0 * 3_dB).db() == 6.0);
static_assert(gain::of_db(1.5).db() == 1.5);
static_assert(gain{}.db() == 0.0);
static_assert((spl::of_db(100) - spl::of_db(85)).db() == 15.0);
static_assert((spl::of_db(85) + 6_dB).db() == 91.0);
static_assert((spl::of_db(85) - 6_dB).db() == 79.0);
static_assert(spl::of_db(85) < spl::of_db(86));
static_assert(3_dB > 2_dB && 3_dB == gain::of_db(3.0));
// 10 lg 2 = 3.0102999566398120: the crest factor of a sine (peak / RMS = sqrt 2).
static_assert(sine_crest_factor.db() > 3.01029995 && sine_crest_factor.db() < 3.01030000);

// Literals are constexpr and give base-unit values; the prefixed ones below are exact in binary.
static_assert(value_in(7_V, volt) == 7.0);
static_assert(value_in(7.5_V, volt) == 7.5);
static_assert(value_in(250_mA, ampere) == 0.25);
static_assert(value_in(7500_mV, volt) == 7.5);
static_assert(value_in(1000_mW, watt) == 1.0);
static_assert(value_in(300_ohm, ohm) == 300.0);
static_assert(value_in(2_W, watt) == 2.0);
static_assert(value_in(2_kHz, hertz) == 2000.0);
static_assert(value_in(1.5_kHz, hertz) == 1500.0);
static_assert(value_in(1000_Hz, hertz) == 1000.0);
static_assert(std::is_same_v<decltype(250_mA), current> && std::is_same_v<decltype(3_uV), voltage> &&
              std::is_same_v<decltype(1_W), power> && std::is_same_v<decltype(1_mW), power> &&
              std::is_same_v<decltype(32_ohm), impedance> && std::is_same_v<decltype(1_kHz), frequency>);

}  // namespace

TEST_CASE("of_power_ratio is 10 lg, of_voltage_ratio is 20 lg") {
    CHECK(gain::of_power_ratio(2.0).db() == doctest::Approx(3.0102999566398120).epsilon(1e-12));
    CHECK(gain::of_voltage_ratio(2.0).db() == doctest::Approx(6.0205999132796240).epsilon(1e-12));
    CHECK(gain::of_power_ratio(10.0).db() == doctest::Approx(10.0).epsilon(1e-14));
    CHECK(gain::of_voltage_ratio(10.0).db() == doctest::Approx(20.0).epsilon(1e-14));
    CHECK(gain::of_power_ratio(1000.0).db() == doctest::Approx(30.0).epsilon(1e-14));
    CHECK(gain::of_voltage_ratio(0.5).db() == doctest::Approx(-6.0205999132796240).epsilon(1e-12));
    CHECK(gain::of_power_ratio(1.0).db() == 0.0);
    CHECK(gain::of_voltage_ratio(1.0).db() == 0.0);
    // The same ratio is twice the dB as a field ratio: the classic 3 dB vs 6 dB mix-up.
    CHECK(gain::of_voltage_ratio(3.7).db() == doctest::Approx(2.0 * gain::of_power_ratio(3.7).db()).epsilon(1e-14));
}

TEST_CASE("power_ratio and voltage_ratio invert the factories") {
    CHECK(gain::of_db(10.0).power_ratio() == doctest::Approx(10.0).epsilon(1e-14));
    CHECK(gain::of_db(20.0).voltage_ratio() == doctest::Approx(10.0).epsilon(1e-14));
    CHECK(gain::of_db(6.0205999133).voltage_ratio() == doctest::Approx(2.0).epsilon(1e-10));
    CHECK(gain::of_db(-3.0102999566).power_ratio() == doctest::Approx(0.5).epsilon(1e-10));
    CHECK(sine_crest_factor.voltage_ratio() == doctest::Approx(sine_peak_to_rms).epsilon(1e-15));
    CHECK(sine_crest_factor.power_ratio() == doctest::Approx(2.0).epsilon(1e-15));
    for (const double r : {1e-6, 0.01, 0.3, 1.0, 2.0, 17.0, 1e5}) {
        CAPTURE(r);
        CHECK(gain::of_power_ratio(r).power_ratio() == doctest::Approx(r).epsilon(1e-12));
        CHECK(gain::of_voltage_ratio(r).voltage_ratio() == doctest::Approx(r).epsilon(1e-12));
    }
}

TEST_CASE("levels and gains combine as points and differences") {
    const spl quiet = spl::of_db(85.0);
    const spl loud = spl::of_db(110.0);
    CHECK((loud - quiet).db() == 25.0);
    CHECK((quiet - loud).db() == -25.0);
    CHECK((quiet + (loud - quiet)).db() == loud.db());
    CHECK((loud - (loud - quiet)).db() == quiet.db());
    CHECK(((6_dB + quiet) - quiet).db() == 6.0);
}

TEST_CASE("literals give base-unit quantities") {
    CHECK(value_in(3_uV, volt) == doctest::Approx(3e-6).epsilon(1e-15));
    CHECK(value_in(327_mV, volt) == doctest::Approx(0.327).epsilon(1e-15));
    CHECK(value_in(0.5_A, ampere) == 0.5);
    CHECK(value_in(5_mA, ampere) == doctest::Approx(0.005).epsilon(1e-15));
    CHECK(value_in(31.25_mW, watt) == doctest::Approx(0.03125).epsilon(1e-15));
    CHECK((97_dB).db() == 97.0);
    CHECK((-4.5_dB).db() == -4.5);
    // Literals mix with Boost.Units arithmetic: P = V^2 / R and I = V / R come out in W and A.
    const power p = (2_V * 2_V) / 32_ohm;
    CHECK(value_in(p, watt) == 0.125);
    const current i = 2_V / 32_ohm;
    CHECK(value_in(i, ampere) == 0.0625);
    CHECK(value_in(250_mA * 300_ohm, volt) == 75.0);
}
