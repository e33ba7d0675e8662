// The scalar model (analysis.hpp) against the public worked examples of docs/physics.md section 8, real gear from
// published specs and measurements (each figure with its source cited where used), hand-computed headroom cases, seeded property
// tests and the constructors' rejection of bad specifications.

#include "headroom/analysis.hpp"
#include "headroom/error.hpp"
#include "headroom/headphone.hpp"
#include "headroom/literals.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/sensitivity.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>

using namespace headroom;
using namespace headroom::literals;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinite = std::numeric_limits<double>::infinity();
// The worked examples state two decimals (or four significant digits); the model must land within rounding.
constexpr double two_decimals = 0.005;

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }
bool near_rel(double a, double b, double rel) { return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b)); }

double mw(power p) { return value_in(p, watt) * 1e3; }
double ma(current i) { return value_in(i, ampere) * 1e3; }
double volts(voltage v) { return value_in(v, volt); }

output_stage stage(const output_spec& s, std::string name = "amp") { return output_stage{std::move(name), s}; }

// Sennheiser HD600: 300 ohm, 97 dB/mW (https://www.soundonsound.com/reviews/sennheiser-hd600).
headphone hd600() { return headphone{"HD600", 300_ohm, sensitivity::per_milliwatt(spl::of_db(97))}; }

// HiFiMan Sundara, a planar: 37 ohm nominal (https://headphonetestlab.co.uk/test-results-manufacturers-e-h-hifiman-sundara),
// 105.7 dB SPL/V measured at 1 kHz (https://www.hifinews.com/content/hifiman-sundara-headphones-lab-report).
headphone sundara() { return headphone{"Sundara", 37_ohm, sensitivity::per_volt(spl::of_db(105.7))}; }

// HiFiMan Susvara, a planar: 60 ohm, 83 dB/mW (maker's figures via the Sound-Library official csv).
headphone susvara() { return headphone{"Susvara", 60_ohm, sensitivity::per_milliwatt(spl::of_db(83))}; }

// Questyle QP2R single-ended output (https://hifinews.com/content/questyle-audio-qp2rhb2-portable-audio-player-lab-report):
// 40 mW into 25 ohm and 5.5 mW into 600 ohm at <1% THD, Z_out 0.5-0.6 ohm. Into 600 ohm it swings
// sqrt(5.5 mW x 600 ohm) = 1.8166 V; into 25 ohm the same swing would give 127 mW, yet it stops at 40 mW, i.e.
// at sqrt(40 mW / 25 ohm) = 40 mA: a current-limited output.
output_spec qp2r_spec() {
    output_spec s;
    s.open_circuit_voltage = in_si(std::sqrt(5.5e-3 * 600.0), volt);
    s.current_limit = 40_mA;
    s.output_impedance = 0.55_ohm;
    return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// docs/physics.md section 8, row by row.

TEST_CASE("section 8: NwAvGuy 'More Power?' 97 dB/mW, sine targets 105 / 110 / 115 dB") {
    const headphone hp = hd600();
    // P = 1 mW x 10^((L - 97) / 10): 6.31, 19.95, 63.10 mW whatever the impedance.
    CHECK(near(mw(requirement_for(hp, {spl::of_db(105)}).load_power), 6.31, two_decimals));
    CHECK(near(mw(requirement_for(hp, {spl::of_db(110)}).load_power), 19.95, two_decimals));
    CHECK(near(mw(requirement_for(hp, {spl::of_db(115)}).load_power), 63.10, two_decimals));
    CHECK(near(mw(requirement_for(hp, {spl::of_db(110)}).load_power), 19.952623149688797, 1e-10));
}

TEST_CASE("section 8: xnor AKG K240 Studio, 103 dB/V, 64 ohm, 110 dB, 2 V source, 0 ohm") {
    const headphone k240{"K240 Studio", 64_ohm, sensitivity::per_volt(spl::of_db(103))};
    const requirement need = requirement_for(k240, {spl::of_db(110)});
    // V = 10^(7/20) = 2.2387 V, I = V / 64 = 34.98 mA, P = V^2 / 64 = 78.31 mW, gain 20 lg(2.2387 / 2) = +0.98 dB
    CHECK(near(volts(need.load_voltage), 2.239, 0.0005));
    CHECK(near(ma(need.load_current), 34.98, two_decimals));
    CHECK(near(mw(need.load_power), 78.31, two_decimals));
    CHECK(near(need.gain_after(2_V).db(), 0.98, two_decimals));
    CHECK(near(need.gain_after(2_V).db(), 0.9794000867203754, 1e-12));
    // A sine target needs exactly its RMS voltage as the rating from a 0 ohm source.
    CHECK(near_rel(volts(need.open_circuit_voltage), volts(need.load_voltage), 1e-14));
    CHECK(near_rel(volts(need.peak_voltage), volts(need.load_voltage) * std::sqrt(2.0), 1e-14));
}

TEST_CASE("section 8: xnor Audeze LCD-2, 108 dB/V, 45 ohm, 110 dB, 2 V source") {
    const headphone lcd2{"LCD-2", 45_ohm, sensitivity::per_volt(spl::of_db(108))};
    const requirement need = requirement_for(lcd2, {spl::of_db(110)});
    // V = 10^(2/20) = 1.2589 V, 27.98 mA, 35.22 mW, gain 20 lg(1.2589 / 2) = -4.02 dB
    CHECK(near(volts(need.load_voltage), 1.259, 0.0005));
    CHECK(near(ma(need.load_current), 27.98, two_decimals));
    CHECK(near(mw(need.load_power), 35.22, two_decimals));
    CHECK(near(need.gain_after(2_V).db(), -4.02, two_decimals));
}

TEST_CASE("section 8: calculatorlib, 1 Vrms into 32 ohm, 100 dB/mW") {
    const headphone hp{"hp", 32_ohm, sensitivity::per_milliwatt(spl::of_db(100))};
    output_spec s;
    s.open_circuit_voltage = 1_V;
    const operating_point op = max_output(stage(s), hp);
    // 100 + 10 lg(1000 / 32) = 114.95 dB SPL; 1 V^2 / 32 ohm = 31.25 mW; 1 V / 32 ohm = 31.25 mA
    CHECK(near(op.max_level.db(), 114.95, two_decimals));
    CHECK(near(op.max_level.db(), 114.94850021680094, 1e-10));
    CHECK(mw(op.load_power) == doctest::Approx(31.25).epsilon(1e-14));
    CHECK(ma(op.load_current) == doctest::Approx(31.25).epsilon(1e-14));
    CHECK(op.binding == limit::voltage);
    CHECK(near(hp.level_at(1_V).db(), 114.94850021680094, 1e-10));
}

TEST_CASE("section 8: ASR, Z_out 10 ohm costs 6.02 dB into 10 ohm and 2.36 dB into 32 ohm") {
    output_spec s;
    s.open_circuit_voltage = 1_V;
    output_spec ideal = s;
    s.output_impedance = 10_ohm;
    for (const auto& row : {std::pair{10.0, -6.02}, std::pair{32.0, -2.36}}) {
        const double z = row.first;
        const double loss = row.second;
        CAPTURE(z);
        const headphone hp{"hp", in_si(z, ohm), sensitivity::per_volt(spl::of_db(110))};
        CHECK(near(output_impedance_loss(stage(s), hp).db(), loss, two_decimals));
        // The same figure as the drop in maximum level against a 0 ohm source.
        const gain drop = max_output(stage(s), hp).max_level - max_output(stage(ideal), hp).max_level;
        CHECK(near(drop.db(), loss, two_decimals));
        CHECK(near(drop.db(), output_impedance_loss(stage(s), hp).db(), 1e-12));
    }
    CHECK(near(output_impedance_loss(stage(s), headphone{"hp", 10_ohm, sensitivity::per_volt(spl::of_db(110))}).db(),
               -6.020599913279624, 1e-12));
}

TEST_CASE("section 8: conversion, 327 mV for 94 dB (ASR HD600) is 103.71 dB/V") {
    const headphone hp{"HD600", 300_ohm, sensitivity::voltage_for(327_mV, spl::of_db(94))};
    CHECK(near(hp.sensitivity_per_volt().db(), 103.71, two_decimals));
    CHECK(near(volts(hp.voltage_for(spl::of_db(94))), 0.327, 1e-12));
}

// ---------------------------------------------------------------------------------------------------------------
// Each limit binds with real gear.

TEST_CASE("voltage binds: Chord Mojo (4.887 Vrms, 0.7 ohm) into HD600") {
    // Mojo: 4.887 Vrms max before clipping, 0.7 ohm output impedance at low and mid frequencies
    // (https://www.stereophile.com/content/chord-electronics-mojo-da-headphone-amplifier-measurements).
    output_spec s;
    s.open_circuit_voltage = 4.887_V;
    s.output_impedance = 0.7_ohm;
    const output_stage mojo = stage(s, "Mojo");
    const operating_point op = max_output(mojo, hd600());
    // V_L = 4.887 x 300 / 300.7 = 4.8756 V; L = 102.2288 + 20 lg 4.8756 = 115.99 dB; 16.25 mA; 79.24 mW
    CHECK(op.binding == limit::voltage);
    CHECK(near(volts(op.load_voltage), 4.875623545061523, 1e-12));
    CHECK(near(op.max_level.db(), 115.99, two_decimals));
    CHECK(near(ma(op.load_current), 16.25, two_decimals));
    CHECK(near(mw(op.load_power), 79.24, two_decimals));
    // Damping factor 300 / 0.7 = 428.6 and the 1/8 rule is met.
    REQUIRE(damping_factor(mojo, hd600()));
    CHECK(near(*damping_factor(mojo, hd600()), 428.5714285714286, 1e-9));
    CHECK(meets_one_eighth_rule(mojo, hd600()) == true);
}

TEST_CASE("current binds: Questyle QP2R (40 mA) into a HiFiMan Sundara planar") {
    const operating_point op = max_output(stage(qp2r_spec(), "QP2R"), sundara());
    // current: 40 mA x 37 ohm = 1.48 V; voltage: 1.8166 x 37 / 37.55 = 1.790 V. L = 105.7 + 20 lg 1.48 = 109.11 dB
    CHECK(op.binding == limit::current);
    CHECK(near(volts(op.load_voltage), 1.48, 1e-12));
    CHECK(near(ma(op.load_current), 40.0, 1e-9));
    CHECK(near(mw(op.load_power), 59.2, 1e-9));
    CHECK(near(op.max_level.db(), 109.11, two_decimals));
}

TEST_CASE("power binds: Schiit Magni 2 rated 1.2 W into 32 ohm, driving a Meze 99 Classics") {
    // Magni 2 ratings 1.2 W into 32 ohm and 130 mW into 600 ohm, Z_out < 0.2 ohm
    // (https://www.head-fi.org/showcase/schiit-magni-2.20493/). The 600 ohm rating fixes the swing at
    // sqrt(0.13 x 600) = 8.83 V; the 32 ohm rating is a sine rating at clipping.
    // Meze 99 Classics: 32 ohm, 103 dB/mW (maker's figures via the Sound-Library official csv).
    output_spec s;
    s.open_circuit_voltage = in_si(std::sqrt(0.13 * 600.0), volt);
    s.clipping_power = 1.2_W;
    s.output_impedance = 0.2_ohm;
    const headphone meze{"99 Classics", 32_ohm, sensitivity::per_milliwatt(spl::of_db(103))};
    const operating_point op = max_output(stage(s, "Magni 2"), meze);
    // power: sqrt(1.2 x 32) = 6.197 V; voltage: 8.832 x 32 / 32.2 = 8.777 V. L = 103 + 10 lg 1200 = 133.79 dB
    CHECK(op.binding == limit::power);
    CHECK(near(mw(op.load_power), 1200.0, 1e-9));
    CHECK(near(volts(op.load_voltage), 6.196773353931867, 1e-12));
    CHECK(near(ma(op.load_current), 193.65, two_decimals));
    CHECK(near(op.max_level.db(), 133.79, two_decimals));
}

TEST_CASE("gain binds: a 2 V source at 0 dB gain into HD600 from an iFi Zen Can") {
    // Zen Can (SE): about 7.5 V open circuit, 0.55 ohm output impedance
    // (https://www.pressreader.com/australia/australian-hifi/20220328/282776360030577).
    output_spec s;
    s.open_circuit_voltage = 7.5_V;
    s.output_impedance = 0.55_ohm;
    s.source = source_gain{2_V, 0_dB};
    const operating_point op = max_output(stage(s, "Zen Can"), hd600());
    // gain: 2 x 300 / 300.55 = 1.9963 V; voltage: 7.5 x 300 / 300.55 = 7.486 V. L = 102.2288 + 20 lg 1.9963 = 108.23
    CHECK(op.binding == limit::gain);
    CHECK(near(volts(op.load_voltage), 1.9963400432540341, 1e-12));
    CHECK(near(op.max_level.db(), 108.23, two_decimals));
    // More gain moves the limit to the rails: +12 dB gives 7.96 V open circuit, above 7.5 V.
    s.source = source_gain{2_V, 12_dB};
    CHECK(max_output(stage(s), hd600()).binding == limit::voltage);
}

TEST_CASE("ties go to the first limit in enum order") {
    output_spec s;
    s.open_circuit_voltage = 2_V;  // into 100 ohm: 2 V
    s.current_limit = 20_mA;       // 2 V
    s.clipping_power = 40_mW;      // sqrt(0.04 x 100) = 2 V
    s.thermal_power = 40_mW;       // 2 V
    const headphone hp{"hp", 100_ohm, sensitivity::per_volt(spl::of_db(100))};
    CHECK(max_output(stage(s), hp).binding == limit::voltage);
    s.open_circuit_voltage.reset();
    CHECK(max_output(stage(s), hp).binding == limit::current);
    s.current_limit.reset();
    CHECK(max_output(stage(s), hp).binding == limit::power);
    s.clipping_power.reset();
    CHECK(max_output(stage(s), hp).binding == limit::thermal);
}

TEST_CASE("limit names and kinds") {
    CHECK(to_string(limit::voltage) == "voltage");
    CHECK(to_string(limit::current) == "current");
    CHECK(to_string(limit::power) == "power");
    CHECK(to_string(limit::thermal) == "thermal");
    CHECK(to_string(limit::gain) == "gain");
    CHECK(limit_named("thermal") == limit::thermal);
    CHECK_FALSE(limit_named("heat"));
    CHECK(is_peak_type(limit::voltage));
    CHECK(is_peak_type(limit::current));
    CHECK(is_peak_type(limit::power));  // a rating is where a sine clips: it caps the peaks
    CHECK(is_peak_type(limit::gain));
    CHECK_FALSE(is_peak_type(limit::thermal));
}

// ---------------------------------------------------------------------------------------------------------------
// Bridging (docs/physics.md section 4).

TEST_CASE("bridge(): twice a leg into half the load: V_oc, R_s, Z_out, gain and power limits double, I_max stays") {
    output_spec s;
    s.open_circuit_voltage = 3_V;
    s.source_resistance = 4_ohm;
    s.current_limit = 100_mA;
    s.clipping_power = 250_mW;
    s.thermal_power = 200_mW;
    s.output_impedance = 1.5_ohm;
    s.source = source_gain{2_V, 6_dB};
    s.noise = output_noise{2_uV, noise_weighting::a_weighted};
    const output_stage leg = stage(s, "leg");
    const output_stage b = bridge(leg);
    CHECK(b.kind() == topology::balanced);
    CHECK(b.derived());
    CHECK_FALSE(leg.derived());
    CHECK(b.name() == "leg (bridged)");
    CHECK(volts(*b.open_circuit_voltage()) == 6.0);
    CHECK(value_in(b.source_resistance(), ohm) == 8.0);
    CHECK(value_in(*b.current_limit(), ampere) == 0.1);
    CHECK(value_in(*b.clipping_power(), watt) == 0.5);
    CHECK(value_in(*b.thermal_power(), watt) == 0.4);
    CHECK(value_in(b.output_impedance(), ohm) == 3.0);
    // Noise: sqrt 2 (the legs' own noise, uncorrelated) to 2 (the source's, correlated): +3.01 to +6.02 dB.
    CHECK(volts(b.noise()->low()) == doctest::Approx(2e-6 * std::sqrt(2.0)).epsilon(1e-14));
    CHECK(volts(b.noise()->high()) == doctest::Approx(4e-6).epsilon(1e-14));
    CHECK(b.noise()->weighting() == noise_weighting::a_weighted);
    CHECK(volts(*b.gain_limited_voltage()) == doctest::Approx(2.0 * volts(*leg.gain_limited_voltage())).epsilon(1e-14));
    CHECK(b.source()->amplifier_gain().db() == doctest::Approx(6.0 + 6.020599913279624).epsilon(1e-14));
    // The bridge into R is exactly twice the leg into R / 2, whatever binds.
    for (const double r : {4.0, 16.0, 33.0, 100.0, 600.0}) {
        CAPTURE(r);
        const headphone whole{"hp", in_si(r, ohm), sensitivity::per_volt(spl::of_db(100))};
        const headphone half{"hp", in_si(r / 2.0, ohm), sensitivity::per_volt(spl::of_db(100))};
        CHECK(mw(max_output(b, whole).load_power) == doctest::Approx(2.0 * mw(max_output(leg, half).load_power)).epsilon(1e-12));
        CHECK(max_output(b, whole).binding == max_output(leg, half).binding);
    }
}

TEST_CASE("bridging gives x4 power when voltage-limited") {
    // Chord Mojo figures (Stereophile, above) into HD600.
    output_spec s;
    s.open_circuit_voltage = 4.887_V;
    const operating_point se = max_output(stage(s), hd600());
    const operating_point bal = max_output(bridge(stage(s)), hd600());
    CHECK(se.binding == limit::voltage);
    CHECK(bal.binding == limit::voltage);
    CHECK(value_in(bal.load_power, watt) / value_in(se.load_power, watt) == doctest::Approx(4.0).epsilon(1e-14));
    CHECK(near((bal.max_level - se.max_level).db(), 6.020599913279624, 1e-12));
    // With its 0.7 ohm the doubled Z_out takes a little: 4 x (300.7 / 301.4)^2 = 3.981.
    s.output_impedance = 0.7_ohm;
    const double ratio = value_in(max_output(bridge(stage(s)), hd600()).load_power, watt) /
                         value_in(max_output(stage(s), hd600()).load_power, watt);
    CHECK(near(ratio, 3.9814416157467325, 1e-12));
}

TEST_CASE("bridging gives x1 power when current-limited") {
    // QP2R into Sundara: 40 mA both ways, since the same current flows through both legs.
    const operating_point se = max_output(stage(qp2r_spec()), sundara());
    const operating_point bal = max_output(bridge(stage(qp2r_spec())), sundara());
    CHECK(se.binding == limit::current);
    CHECK(bal.binding == limit::current);
    CHECK(mw(bal.load_power) == mw(se.load_power));
    CHECK(near(mw(bal.load_power), 59.2, 1e-9));
}

TEST_CASE("bridging gives between x1 and x4 when the bridged output meets the current limit") {
    // QP2R figures with 0 ohm into a 60 ohm Susvara: SE swings 1.8166 V (voltage, below 40 mA x 60 = 2.4 V);
    // bridged 3.633 V would need 60.6 mA, so 40 mA caps it at 2.4 V: (2.4^2 / 60) / (3.3 / 60) = 1.7455.
    output_spec s = qp2r_spec();
    s.output_impedance = 0_ohm;
    const operating_point se = max_output(stage(s), susvara());
    const operating_point bal = max_output(bridge(stage(s)), susvara());
    CHECK(se.binding == limit::voltage);
    CHECK(bal.binding == limit::current);
    const double ratio = value_in(bal.load_power, watt) / value_in(se.load_power, watt);
    CHECK(near(ratio, 5.76 / 3.3, 1e-12));
    CHECK(ratio > 1.0);
    CHECK(ratio < 4.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Headroom (docs/physics.md section 5).

namespace {
// 32 ohm, 110 dB/V; V_oc 5 V (peak-type), P_th 100 mW (average-type), 0 ohm.
// Sine maxima: voltage 110 + 20 lg 5 = 123.9794; power 110 + 20 lg sqrt(0.1 x 32) = 115.0515.
headphone headroom_hp() { return headphone{"hp", 32_ohm, sensitivity::per_volt(spl::of_db(110))}; }
output_stage headroom_stage() {
    output_spec s;
    s.open_circuit_voltage = 5_V;
    s.thermal_power = 100_mW;
    return stage(s);
}
}  // namespace

TEST_CASE("headroom with a sine is L_max - T") {
    const headroom_result h = headroom_for(headroom_stage(), headroom_hp(), {spl::of_db(100)});
    CHECK(h.binding == limit::thermal);
    CHECK(near(h.max_average_level.db(), 115.05149978319906, 1e-10));
    CHECK(near(h.margin.db(), 15.05149978319906, 1e-10));
    CHECK(near(h.margin.db(), max_output(headroom_stage(), headroom_hp()).max_level.db() - 100.0, 1e-12));
}

TEST_CASE("headroom: a peaky programme meets the peak-type limit first") {
    // CF 18 dB: voltage allows 123.9794 + 3.0103 - 18 = 108.9897 average; power still 115.0515. T = 95.
    const headroom_result h = headroom_for(headroom_stage(), headroom_hp(), {spl::of_db(95), 18_dB});
    CHECK(h.binding == limit::voltage);
    CHECK(near(h.max_average_level.db(), 108.98970004336019, 1e-10));
    CHECK(near(h.margin.db(), 13.98970004336019, 1e-10));
}

TEST_CASE("headroom: a compressed programme meets the average-type limit first") {
    // CF 6 dB: voltage allows 123.9794 + 3.0103 - 6 = 120.9897; power 115.0515 is lower. T = 95.
    const headroom_result h = headroom_for(headroom_stage(), headroom_hp(), {spl::of_db(95), 6_dB});
    CHECK(h.binding == limit::thermal);
    CHECK(near(h.margin.db(), 20.05149978319906, 1e-10));
}

TEST_CASE("headroom: a programme past the limit has negative headroom") {
    // HD600 from the Mojo (max 115.99 dB sine) at 105 dB average with 18 dB crest: 115.99 + 3.01 - 18 - 105 = -4.0
    output_spec s;
    s.open_circuit_voltage = 4.887_V;
    s.output_impedance = 0.7_ohm;
    const headroom_result h = headroom_for(stage(s), hd600(), {spl::of_db(105), 18_dB});
    CHECK(h.binding == limit::voltage);
    CHECK(near(h.margin.db(), 115.9893907657497 + 3.0102999566398120 - 18.0 - 105.0, 1e-10));
    CHECK(h.margin.db() < 0.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Damping, Z_out loss, noise, exposure, analyse().

TEST_CASE("damping factor is R / Z_out and absent for a 0 ohm source, and the 1/8 rule") {
    output_spec s;
    s.open_circuit_voltage = 1_V;
    const headphone hp{"hp", 32_ohm, sensitivity::per_volt(spl::of_db(110))};
    CHECK_FALSE(damping_factor(stage(s), hp).has_value());
    CHECK(output_impedance_loss(stage(s), hp).db() == 0.0);
    CHECK_FALSE(meets_one_eighth_rule(stage(s), hp).has_value());  // not stated: unknown, never "met"
    s.output_impedance = 0_ohm;
    CHECK(meets_one_eighth_rule(stage(s), hp) == true);
    s.output_impedance = 4_ohm;  // exactly 32 / 8
    CHECK(*damping_factor(stage(s), hp) == 8.0);
    CHECK(meets_one_eighth_rule(stage(s), hp) == true);
    // 20 lg(32 / 36) = -1.02 dB: the figure section 7 quotes for the 1/8 rule.
    CHECK(near(output_impedance_loss(stage(s), hp).db(), -1.0230504489476262, 1e-12));
    s.output_impedance = 4.01_ohm;
    CHECK(meets_one_eighth_rule(stage(s), hp) == false);
}

TEST_CASE("hiss includes the Z_out divider, is the same at any listening level, and dynamic range is L_max - L_noise") {
    output_spec s;
    s.open_circuit_voltage = 2_V;
    s.output_impedance = 10_ohm;
    s.noise = output_noise{10_uV, noise_weighting::a_weighted};
    const headphone hp{"hp", 32_ohm, sensitivity::per_volt(spl::of_db(110))};
    // L_noise = 110 + 20 lg(1e-5 x 32 / 42) = 7.638 dB SPL; L_max = 110 + 20 lg(2 x 32 / 42) = 113.659
    REQUIRE(hiss_level(stage(s), hp));
    CHECK(near(hiss_level(stage(s), hp)->low.db(), 7.63801375844011, 1e-10));
    CHECK(hiss_level(stage(s), hp)->weighting == noise_weighting::a_weighted);
    const pair_analysis a = analyse(stage(s), hp, programme{spl::of_db(80)});
    REQUIRE(a.dynamic_range);
    CHECK(near(a.max.max_level.db(), 113.65861367171973, 1e-10));
    // The divider cancels: 20 lg(2 V / 10 uV) = 106.02 dB.
    CHECK(near(a.dynamic_range->db(), 106.02059991327963, 1e-9));
    CHECK(near(a.hiss_below_programme->db(), 80.0 - 7.63801375844011, 1e-10));
    s.noise.reset();
    CHECK_FALSE(hiss_level(stage(s), hp).has_value());
    CHECK_FALSE(analyse(stage(s), hp).dynamic_range.has_value());
}

TEST_CASE("bridged hiss: a sensitive IEM hears 3 to 6 dB more from a derived balanced output at the same loudness") {
    // Sennheiser IE 300-like load: 16 ohm, 125 dB/V; a 3 uV output behind 1 ohm. The dynamic range grows when
    // bridged, but the hiss heard at the same listening level is louder (docs/physics.md sections 3 and 4).
    output_spec s;
    s.open_circuit_voltage = 1_V;
    s.output_impedance = 1_ohm;
    s.noise = output_noise{3_uV};
    const headphone iem{"iem", 16_ohm, sensitivity::per_volt(spl::of_db(125))};
    const auto se = analyse(stage(s), iem, programme{spl::of_db(75)});
    const auto bal = analyse(bridge(stage(s)), iem, programme{spl::of_db(75)});
    const double divider_change = 20.0 * std::log10((16.0 / 18.0) / (16.0 / 17.0));  // 2 ohm instead of 1
    CHECK(near(bal.hiss->low.db() - se.hiss->low.db(), 3.0102999566 + divider_change, 1e-9));
    CHECK(near(bal.hiss->high.db() - se.hiss->high.db(), 6.0205999133 + divider_change, 1e-9));
    CHECK(bal.dynamic_range->db() > se.dynamic_range->db());
    CHECK(bal.hiss_below_programme->db() < se.hiss_below_programme->db());
}

TEST_CASE("a power rating caps the peaks: headroom is the rated sine's level + 3.01 - CF - T") {
    // Schiit Magni 2's 1.2 W into 32 ohm driving a 32 ohm, 103 dB/mW headphone at 90 dB with 18 dB peaks:
    // L_max = 103 + 10 lg 1200 = 133.79 dB; headroom = 133.79 + 3.01 - 18 - 90 = 28.80 dB. Treated as a thermal
    // limit it would wrongly get CF - 3.01 = 15 dB more.
    const output_stage magni{"Magni 2", output_spec{.ratings = rating_table{{{1.2_W, 32_ohm}, {130_mW, 600_ohm}}}}};
    const headphone hp{"hp", 32_ohm, sensitivity::per_milliwatt(spl::of_db(103))};
    const auto h = headroom_for(magni, hp, {spl::of_db(90), 18_dB});
    CHECK(h.binding == limit::power);
    const double l_max = 103.0 + 10.0 * std::log10(1200.0);
    CHECK(near(max_output(magni, hp).max_level.db(), l_max, 1e-10));
    CHECK(near(h.margin.db(), l_max + 3.0102999566398120 - 18.0 - 90.0, 1e-10));
}

TEST_CASE("results outside a rating table's loads say so and by how much") {
    const output_stage amp{"amp", output_spec{.ratings = rating_table{{{1_W, 32_ohm}, {100_mW, 300_ohm}}}}};
    const auto at = [&](double r) { return max_output(amp, headphone{"hp", in_si(r, ohm), sensitivity::per_volt(spl::of_db(100))}); };
    CHECK_FALSE(at(32).extrapolated);
    CHECK_FALSE(at(100).extrapolated);
    CHECK_FALSE(at(300).extrapolated);
    const auto low = at(16);
    REQUIRE(low.extrapolated);
    CHECK(low.extrapolated->below);
    CHECK(low.extrapolated->factor == doctest::Approx(2.0));
    CHECK(value_in(low.extrapolated->stated_load, ohm) == 32.0);
    CHECK(low.binding == limit::current);
    CHECK(mw(low.load_power) == doctest::Approx(500.0));  // the 32 ohm current, 176.8 mA, into 16 ohm
    const auto high = at(600);
    REQUIRE(high.extrapolated);
    CHECK_FALSE(high.extrapolated->below);
    CHECK(high.extrapolated->factor == doctest::Approx(2.0));
    CHECK(high.binding == limit::voltage);
    CHECK(mw(high.load_power) == doctest::Approx(50.0));  // the 300 ohm voltage, 5.477 V, into 600 ohm
    // Between the stated loads the rating is the straight line on the log-log graph: at the geometric middle
    // (97.98 ohm) the voltage is the geometric mean of 5.657 V and 5.477 V.
    const auto mid = at(std::sqrt(32.0 * 300.0));
    CHECK(mid.binding == limit::power);
    CHECK(volts(mid.load_voltage) == doctest::Approx(std::sqrt(std::sqrt(32.0) * std::sqrt(30.0))));
}

TEST_CASE("NIOSH exposure: 85 dB 480 min, halved every 3 dB") {
    const auto minutes = [](double db) { return value_in(niosh_exposure_limit(spl::of_db(db)), second) / 60.0; };
    CHECK(near(minutes(85), 480.0, 1e-9));
    CHECK(near(minutes(88), 240.0, 1e-9));
    CHECK(near(minutes(91), 120.0, 1e-9));
    CHECK(near(minutes(94), 60.0, 1e-9));
    CHECK(near(minutes(97), 30.0, 1e-9));
    CHECK(near(minutes(100), 15.0, 1e-9));
    CHECK(near(minutes(82), 960.0, 1e-9));
}

TEST_CASE("exposure is estimated in dB(A) for the programme's spectrum: pink noise 2.86 dB below its level") {
    // IEC 61672-1 A-weighting averaged over pink noise from 20 Hz to 20 kHz (docs/physics.md section 6 says 2.9).
    CHECK(std::abs(a_weighted_offset(programme_spectrum::pink).db() - (-2.858)) < 1e-3);
    CHECK(std::abs(a_weighting(in_si(1000.0, hertz)).db()) < 0.01);
    CHECK(a_weighting(in_si(100.0, hertz)).db() == doctest::Approx(-19.1).epsilon(0.01));
    CHECK(a_weighting(in_si(20.0, hertz)).db() == doctest::Approx(-50.5).epsilon(0.01));
    const auto e = exposure_at(programme{spl::of_db(90)});
    CHECK(near(e.a_weighted_level.db(), 90.0 + e.a_weighting.db(), 1e-12));
    // NIOSH: 8 h at 85 dB(A), 3 dB exchange; WHO / ITU-T H.870: 40 h a week at 80 dB(A).
    CHECK(near(value_in(e.niosh_daily, second), 8 * 3600.0 / std::exp2((e.a_weighted_level.db() - 85.0) / 3.0), 1e-6));
    CHECK(near(value_in(e.who_weekly, second), 40 * 3600.0 / std::exp2((e.a_weighted_level.db() - 80.0) / 3.0), 1e-6));
    CHECK(near(value_in(who_weekly_allowance(spl::of_db(80)), second) / 3600.0, 40.0, 1e-12));
    CHECK(near(value_in(who_weekly_allowance(spl::of_db(83)), second) / 3600.0, 20.0, 1e-12));
}

TEST_CASE("analyse() gathers the pair: acceptance case 300 ohm, 97 dB/mW, 10 V, 110 dB target") {
    output_spec s;
    s.open_circuit_voltage = 10_V;
    const headphone hp{"HD600", 300_ohm, sensitivity::per_milliwatt(spl::of_db(97)), {.rated_power = 200_mW}};
    const pair_analysis a = analyse(stage(s), hp, programme{spl::of_db(110)});
    CHECK(a.max.binding == limit::voltage);
    CHECK(near(a.max.max_level.db(), 122.22878745280337, 1e-10));
    CHECK(near(mw(a.max.load_power), 333.3333333333, 1e-9));
    REQUIRE(a.exceeds_rated_power);
    CHECK(*a.exceeds_rated_power);  // 333 mW > 200 mW
    CHECK_FALSE(a.damping_factor);
    CHECK_FALSE(a.meets_one_eighth_rule.has_value());  // no Z_out stated
    CHECK_FALSE(a.hiss);
    REQUIRE(a.need);
    CHECK(near(mw(a.need->load_power), 19.952623149688797, 1e-10));
    CHECK(near(volts(a.need->load_voltage), 2.446586794885201, 1e-12));
    REQUIRE(a.headroom);
    CHECK(near(a.headroom->margin.db(), 12.228787452803374, 1e-10));
    REQUIRE(a.exposure);
    CHECK(near(value_in(a.exposure->niosh_daily, second) / 60.0, 480.0 / std::exp2((25.0 + a.exposure->a_weighting.db()) / 3.0), 1e-9));
    // Without a programme nothing programme-related is reported; without a rating, no rated-power verdict.
    const pair_analysis bare = analyse(stage(s), hd600());
    CHECK_FALSE(bare.need);
    CHECK_FALSE(bare.headroom);
    CHECK_FALSE(bare.exposure);
    CHECK_FALSE(bare.exceeds_rated_power);
}

TEST_CASE("requirement_for: peaks, and the open-circuit rating through Z_out") {
    // 100 dB/V, 32 ohm, 100 dB average with 15 dB crest: V = 1 V RMS, peaks 10^(15/20) = 5.623 V,
    // a sine rating of 5.623 / sqrt 2 = 3.976 V at the load, x (32 + 8) / 32 through 8 ohm = 4.970 V.
    const headphone hp{"hp", 32_ohm, sensitivity::per_volt(spl::of_db(100))};
    const requirement need = requirement_for(hp, {spl::of_db(100), 15_dB}, 8_ohm);
    CHECK(near(volts(need.load_voltage), 1.0, 1e-12));
    CHECK(near(ma(need.load_current), 31.25, 1e-9));
    CHECK(near(mw(need.load_power), 31.25, 1e-9));
    CHECK(near(volts(need.peak_voltage), 5.623413251903491, 1e-12));
    CHECK(near(ma(need.peak_current), 175.73166412198410, 1e-9));
    CHECK(near(volts(need.open_circuit_voltage), 5.623413251903491 / std::sqrt(2.0) * 1.25, 1e-12));
}

// ---------------------------------------------------------------------------------------------------------------
// Properties over seeded random stages and headphones.

namespace {

constexpr int cases = 10000;

struct random_gear {
    std::mt19937_64 rng;
    explicit random_gear(std::uint64_t seed) : rng{seed} {}

    double log_uniform(double lo, double hi) {
        return std::exp(std::uniform_real_distribution<double>{std::log(lo), std::log(hi)}(rng));
    }
    bool coin(double p) { return std::bernoulli_distribution{p}(rng); }

    headphone hp() {
        return headphone{"hp", in_si(log_uniform(4.0, 1000.0), ohm),
                         sensitivity::per_volt(spl::of_db(std::uniform_real_distribution<double>{80.0, 125.0}(rng)))};
    }
    output_spec spec() {
        output_spec s;
        do {
            s = {};
            if (coin(0.7)) s.open_circuit_voltage = in_si(log_uniform(0.1, 40.0), volt);
            if (coin(0.5)) s.current_limit = in_si(log_uniform(0.005, 2.0), ampere);
            if (coin(0.4)) s.clipping_power = in_si(log_uniform(0.001, 10.0), watt);
            if (coin(0.2)) s.thermal_power = in_si(log_uniform(0.001, 10.0), watt);
            if (coin(0.4))
                s.source = source_gain{in_si(log_uniform(0.2, 4.0), volt),
                                       gain::of_db(std::uniform_real_distribution<double>{-20.0, 24.0}(rng))};
        } while (!s.open_circuit_voltage && !s.current_limit && !s.clipping_power && !s.thermal_power && !s.source);
        s.output_impedance = coin(0.2) ? 0_ohm : in_si(log_uniform(0.01, 150.0), ohm);
        if (s.open_circuit_voltage && coin(0.2)) s.source_resistance = *s.output_impedance + in_si(log_uniform(0.1, 30.0), ohm);
        if (coin(0.5)) s.noise = output_noise{in_si(log_uniform(1e-7, 1e-4), volt)};
        return s;
    }
};

double max_db(const output_spec& s, const headphone& hp) { return max_output(stage(s), hp).max_level.db(); }

}  // namespace

TEST_CASE("property: max SPL is non-decreasing in V_oc, I_max, P_max and non-increasing in Z_out") {
    random_gear g{1};
    constexpr double tol = 1e-12;
    for (int n = 0; n < cases; ++n) {
        const headphone hp = g.hp();
        const output_spec s = g.spec();
        const double base = max_db(s, hp);
        const double k = g.log_uniform(1.0, 10.0);
        CAPTURE(n);
        output_spec t = s;
        if (t.open_circuit_voltage) {
            *t.open_circuit_voltage *= k;
            REQUIRE(max_db(t, hp) >= base - tol);
        }
        t = s;
        if (t.current_limit) {
            *t.current_limit *= k;
            REQUIRE(max_db(t, hp) >= base - tol);
        }
        t = s;
        if (t.clipping_power) {
            *t.clipping_power *= k;
            REQUIRE(max_db(t, hp) >= base - tol);
        }
        t = s;
        if (t.thermal_power) {
            *t.thermal_power *= k;
            REQUIRE(max_db(t, hp) >= base - tol);
        }
        t = s;
        t.output_impedance = *t.output_impedance * k + in_si(g.log_uniform(0.01, 10.0), ohm);
        if (t.source_resistance) t.source_resistance = std::max(*t.source_resistance, *t.output_impedance);
        REQUIRE(max_db(t, hp) <= base + tol);
    }
}

TEST_CASE("property: bridged >= SE when SE is voltage-limited, equal when current-limited, never above x4 power") {
    random_gear g{2};
    int voltage_limited = 0, current_limited = 0;
    for (int n = 0; n < cases; ++n) {
        const headphone hp = g.hp();
        const output_stage se = stage(g.spec());
        const operating_point a = max_output(se, hp);
        const operating_point b = max_output(bridge(se), hp);
        CAPTURE(n);
        const double ratio = value_in(b.load_power, watt) / value_in(a.load_power, watt);
        REQUIRE(ratio >= 1.0 - 1e-12);
        REQUIRE(ratio <= 4.0 + 1e-12);
        if (a.binding == limit::voltage) {
            ++voltage_limited;
            REQUIRE(b.max_level.db() >= a.max_level.db());
            REQUIRE(ratio > 1.0);
        }
        if (a.binding == limit::current) {
            ++current_limited;
            REQUIRE(b.binding == limit::current);
            REQUIRE(b.max_level.db() == a.max_level.db());
        }
    }
    // The generator must exercise both cases.
    CHECK(voltage_limited > cases / 10);
    CHECK(current_limited > cases / 10);
}

TEST_CASE("property: requirement_for at max SPL reproduces the operating point") {
    random_gear g{3};
    constexpr double rel = 1e-12;
    for (int n = 0; n < cases; ++n) {
        const headphone hp = g.hp();
        const output_stage out = stage(g.spec());
        const operating_point op = max_output(out, hp);
        const requirement need = requirement_for(hp, {op.max_level}, out.output_impedance(), out.source_resistance());
        CAPTURE(n);
        REQUIRE(near_rel(volts(need.load_voltage), volts(op.load_voltage), rel));
        REQUIRE(near_rel(value_in(need.load_current, ampere), value_in(op.load_current, ampere), rel));
        REQUIRE(near_rel(value_in(need.load_power, watt), value_in(op.load_power, watt), 2 * rel));
        // At the rails, the rating needed is the rating there is; at the gain limit, the gain needed is the gain.
        if (op.binding == limit::voltage)
            REQUIRE(near_rel(volts(need.clipping_voltage), volts(*out.open_circuit_voltage()), rel));
        if (op.binding == limit::gain)
            REQUIRE(near(need.gain_after(out.source()->full_scale()).db(), out.source()->amplifier_gain().db(), 1e-9));
    }
}

TEST_CASE("property: headroom falls dB for dB with the target, a sine gives L_max - T, more crest gives less headroom") {
    random_gear g{4};
    std::uniform_real_distribution<double> target{40.0, 130.0};
    std::uniform_real_distribution<double> crest{3.0103, 25.0};
    for (int n = 0; n < cases; ++n) {
        const headphone hp = g.hp();
        const output_stage out = stage(g.spec());
        const double t1 = target(g.rng);
        const double t2 = t1 + std::uniform_real_distribution<double>{0.01, 30.0}(g.rng);
        const gain cf = gain::of_db(crest(g.rng));
        const headroom_result h1 = headroom_for(out, hp, {spl::of_db(t1), cf});
        const headroom_result h2 = headroom_for(out, hp, {spl::of_db(t2), cf});
        CAPTURE(n);
        REQUIRE(h2.margin < h1.margin);
        REQUIRE(near(h1.margin.db() - h2.margin.db(), t2 - t1, 1e-9));
        REQUIRE(h1.binding == h2.binding);
        const headroom_result sine = headroom_for(out, hp, {spl::of_db(t1)});
        const operating_point op = max_output(out, hp);
        REQUIRE(near(sine.margin.db(), op.max_level.db() - t1, 1e-12));
        REQUIRE(sine.binding == op.binding);
        const headroom_result more = headroom_for(out, hp, {spl::of_db(t1), cf + 3_dB});
        REQUIRE(more.margin.db() <= h1.margin.db() + 1e-12);
        REQUIRE(h1.margin.db() <= sine.margin.db() + 1e-12);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Bad specifications: each throws spec_error naming the entity and the field.

namespace {

void expect_spec_error(const std::function<void()>& make, const std::string& entity, const std::string& field) {
    CAPTURE(entity);
    CAPTURE(field);
    try {
        make();
        FAIL("no spec_error");
    } catch (const spec_error& e) {
        CHECK(e.entity() == entity);
        CHECK(e.field() == field);
        // The message carries both, for a caller that only prints what().
        CHECK(std::string{e.what()}.find(entity) != std::string::npos);
        CHECK(std::string{e.what()}.find(field) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("headphone rejects a bad impedance, rated power or sensitivity") {
    const auto s = sensitivity::per_milliwatt(spl::of_db(97));
    const std::string hp = "headphone 'HD600'";
    for (const double z : {0.0, -300.0, not_a_number, infinite, -infinite}) {
        CAPTURE(z);
        expect_spec_error([&] { (void)headphone("HD600", in_si(z, ohm), s); }, hp, "impedance");
    }
    for (const double p : {0.0, -0.2, not_a_number, infinite, 1e9}) {
        CAPTURE(p);
        expect_spec_error([&] { (void)headphone("HD600", 300_ohm, s, {.rated_power = in_si(p, watt)}); }, hp, "rated power");
    }
    expect_spec_error([&] { (void)headphone("HD600", in_si(1e12, ohm), s); }, hp, "impedance");
    expect_spec_error([&] { (void)headphone("HD600", in_si(1e-20, ohm), s); }, hp, "impedance");
    // 200 dB for 1 uA into 0.01 ohm is 360 dB SPL for 1 V: S_V out of range.
    expect_spec_error([&] { (void)headphone("HD600", 0.01_ohm, sensitivity::at_current(spl::of_db(200), in_si(1e-6, ampere))); }, hp,
                      "sensitivity");
    // A rail of 1e-300 V is no amplifier: a typing error, refused.
    expect_spec_error([] { (void)output_stage("amp", output_spec{.open_circuit_voltage = in_si(1e-300, volt)}); },
                      "output stage 'amp'", "open-circuit voltage");
    for (const double level : {not_a_number, infinite, -5.0, 1e308})
        expect_spec_error([level] { (void)sensitivity::per_volt(spl::of_db(level)); }, "sensitivity", "level");
}

TEST_CASE("programme rejects levels and crest factors outside their physical ranges") {
    for (const double t : {not_a_number, infinite, -1.0, 201.0, 1e308})
        expect_spec_error([t] { (void)programme(spl::of_db(t)); }, "programme", "average level");
    for (const double cf : {not_a_number, -1.0, 41.0})
        expect_spec_error([cf] { (void)programme(spl::of_db(85), gain::of_db(cf)); }, "programme", "crest factor");
    CHECK_NOTHROW((void)programme(spl::of_db(0)));
    CHECK_NOTHROW((void)programme(spl::of_db(200), 40_dB));
}

TEST_CASE("output_stage rejects every bad field") {
    const std::string amp = "output stage 'amp'";
    const auto with = [](auto edit) {
        return [edit] {
            output_spec s;
            s.open_circuit_voltage = 5_V;
            edit(s);
            (void)output_stage("amp", s);
        };
    };
    for (const double bad : {0.0, -1.0, not_a_number, infinite}) {
        CAPTURE(bad);
        expect_spec_error(with([bad](output_spec& s) { s.open_circuit_voltage = in_si(bad, volt); }), amp,
                          "open-circuit voltage");
        expect_spec_error(with([bad](output_spec& s) { s.current_limit = in_si(bad, ampere); }), amp, "current limit");
        expect_spec_error(with([bad](output_spec& s) { s.clipping_power = in_si(bad, watt); }), amp, "clipping power");
        expect_spec_error(with([bad](output_spec& s) { s.thermal_power = in_si(bad, watt); }), amp, "thermal power");
        expect_spec_error([bad] { (void)source_gain(in_si(bad, volt), 0_dB); }, "source", "source level");
        expect_spec_error([bad] { (void)output_noise(in_si(bad, volt)); }, "noise", "noise");
    }
    // Finite but absurd: a 1e308 V rail, a 1000 A limit, a 1000 dB gain.
    expect_spec_error(with([](output_spec& s) { s.open_circuit_voltage = in_si(1e308, volt); }), amp, "open-circuit voltage");
    expect_spec_error(with([](output_spec& s) { s.current_limit = in_si(1000.0, ampere); }), amp, "current limit");
    expect_spec_error([] { (void)source_gain(2_V, 1000_dB); }, "source", "gain");
    // A source resistance below Z_out, or without the voltage it stands behind.
    expect_spec_error(with([](output_spec& s) {
                          s.output_impedance = 5_ohm;
                          s.source_resistance = 1_ohm;
                      }),
                      amp, "source resistance");
    expect_spec_error(
        [] {
            output_spec s;
            s.current_limit = 1_A;
            s.source_resistance = 1_ohm;
            (void)output_stage("amp", s);
        },
        amp, "source resistance");
    for (const double bad : {-0.5, not_a_number, infinite}) {
        CAPTURE(bad);
        expect_spec_error(with([bad](output_spec& s) { s.output_impedance = in_si(bad, ohm); }), amp,
                          "output impedance");
    }
    for (const double bad : {not_a_number, infinite, -infinite}) {
        CAPTURE(bad);
        expect_spec_error([bad] { (void)source_gain(2_V, gain::of_db(bad)); }, "source", "gain");
    }
    // 0 ohm is an ideal source, not an error.
    CHECK_NOTHROW(with([](output_spec& s) { s.output_impedance = 0_ohm; })());
    expect_spec_error([] { (void)output_stage("amp", output_spec{}); }, amp, "limits");
    expect_spec_error(
        [] {
            output_spec s;
            s.output_impedance = 1_ohm;
            s.noise = output_noise{2_uV};  // neither is a limit
            (void)output_stage("amp", s);
        },
        amp, "limits");
    expect_spec_error(
        [] {
            output_spec s;
            s.open_circuit_voltage = 5_V;
            s.kind = topology::balanced;
            (void)bridge(output_stage("amp", s));
        },
        amp, "topology");
    // Bridging twice is bridging a balanced output.
    expect_spec_error(
        [] {
            output_spec s;
            s.open_circuit_voltage = 5_V;
            (void)bridge(bridge(output_stage("amp", s)));
        },
        "output stage 'amp (bridged)'", "topology");
}

TEST_CASE("a known impedance curve: limits and demands are taken at its minimum, where the headroom is least") {
    // A dynamic headphone of 300 ohm at 1 kHz whose curve falls to 100 ohm at 5 kHz.
    const headphone flat{"HD", 300_ohm, sensitivity::per_volt(spl::of_db(105))};
    const headphone curved = flat.with_curve(impedance_curve::tabulated(
        {{in_si(20.0, hertz), 500_ohm, 0.0}, {in_si(1000.0, hertz), 300_ohm, 0.0}, {in_si(5000.0, hertz), 100_ohm, 0.0},
         {in_si(20000.0, hertz), 200_ohm, 0.0}}));
    CHECK(value_in(limit_load(flat), ohm) == 300.0);
    CHECK(value_in(limit_load(curved), ohm) == doctest::Approx(100.0));
    // 4 V behind 20 ohm and 40 mA: into 300 ohm the rails allow 3.75 V; into 100 ohm the current limit allows 4 V x
    // 100/120 = 3.33 V, but 40 mA x 100 ohm = 4 V, so the voltage still binds at 3.33 V.
    const output_stage out{"amp", output_spec{.open_circuit_voltage = 4_V, .current_limit = 40_mA, .output_impedance = 20_ohm}};
    const pair_analysis a = analyse(out, flat), b = analyse(out, curved, programme{spl::of_db(85), gain::of_db(18)});
    CHECK(volts(a.max.load_voltage) == doctest::Approx(4.0 * 300.0 / 320.0));
    CHECK(volts(b.max.load_voltage) == doctest::Approx(4.0 * 100.0 / 120.0));
    CHECK(ma(b.max.load_current) == doctest::Approx(4.0 / 120.0 * 1e3));
    CHECK(b.max.max_level.db() == doctest::Approx(105.0 + 20.0 * std::log10(4.0 * 100.0 / 120.0)));
    // The programme's current demand is taken there too: the same voltage into a third of the impedance.
    const requirement need = requirement_for(curved, programme{spl::of_db(85), gain::of_db(18)});
    CHECK(ma(need.load_current) == doctest::Approx(volts(need.load_voltage) / 100.0 * 1e3));
    CHECK(b.headroom->margin.db() < analyse(out, flat, programme{spl::of_db(85), gain::of_db(18)}).headroom->margin.db());
}
