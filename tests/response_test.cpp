#include "headroom/response.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace headroom;

namespace {

frequency hz(double v) { return in_si(v, hertz); }
impedance ohms(double v) { return in_si(v, ohm); }

// 300 ohm everywhere except a 600 ohm plateau from 90 to 120 Hz (wide enough for grid points to sit on it).
impedance_curve resistive_with_peak() {
    return impedance_curve::tabulated({{hz(20), ohms(300), 0},
                                       {hz(80), ohms(300), 0},
                                       {hz(90), ohms(600), 0},
                                       {hz(120), ohms(600), 0},
                                       {hz(140), ohms(300), 0},
                                       {hz(20000), ohms(300), 0}});
}

// |Z| = base except a plateau of `dip` ohm from 4 to 6 kHz.
impedance_curve with_dip(double base, double dip) {
    return impedance_curve::tabulated({{hz(20), ohms(base), 0},
                                       {hz(3500), ohms(base), 0},
                                       {hz(4000), ohms(dip), 0},
                                       {hz(6000), ohms(dip), 0},
                                       {hz(7000), ohms(base), 0}});
}

output_stage amp(double v_oc, double i_max, double z_out, std::optional<double> p_thermal = std::nullopt,
                 std::optional<double> p_clip = std::nullopt) {
    output_spec s;
    s.open_circuit_voltage = in_si(v_oc, volt);
    s.current_limit = in_si(i_max, ampere);
    if (p_thermal) s.thermal_power = in_si(*p_thermal, watt);
    if (p_clip) s.clipping_power = in_si(*p_clip, watt);
    s.output_impedance = ohms(z_out);
    return output_stage{"amp", s};
}

}  // namespace

TEST_CASE("response deviation: a 600 ohm peak on a 300 ohm curve behind 30 ohm spreads 0.40 dB") {
    const auto r = analyse_response(resistive_with_peak(), ohms(30));
    // 20 lg(600/630) - 20 lg(300/330) (docs/physics.md section 7).
    CHECK(r.spread.db() == doctest::Approx(0.404067722).epsilon(1e-9));
    CHECK(r.deviation_db[r.grid.reference_index] == 0.0);
    CHECK(r.deviation_db.maxCoeff() == doctest::Approx(0.404067722).epsilon(1e-9));
    CHECK(value_in(r.min_impedance, ohm) == doctest::Approx(300.0));
    CHECK(value_in(r.min_impedance_at, hertz) == 20.0);  // the first of the equal minima
    // A 0 ohm source does not colour anything.
    CHECK(analyse_response(resistive_with_peak(), ohms(0)).spread.db() == 0.0);
}

TEST_CASE("response deviation of a driver resonance follows the complex divider") {
    // Re 32, Res 128 at 100 Hz: at fs |Z| = 160 (real), at 1 kHz Z = 32.3257 - 5.8199j.
    const auto c = impedance_curve::driver({ohms(32), inductance::from_value(1e-4), hz(100), 2.0, 0.5});
    const auto r = analyse_response(c, ohms(10));
    const std::complex<double> z1k{32.32566659881946, -5.8198801259073205};
    const double h1k = std::abs(z1k / (z1k + 10.0));
    Eigen::Index i100 = 0;
    (r.grid.hz - 100.0).abs().minCoeff(&i100);
    const double f = r.grid.hz[i100];
    const auto z = c.ohms_at(hz(f));
    CHECK(r.deviation_db[i100] == doctest::Approx(20.0 * std::log10(std::abs(z / (z + 10.0)) / h1k)).epsilon(1e-12));
    CHECK(r.deviation_db.maxCoeff() > 1.5);  // 20 lg((160/170) / 0.7686) = 1.76 dB at fs exactly
    CHECK(r.deviation_db.maxCoeff() < 20.0 * std::log10((160.0 / 170.0) / h1k) + 1e-9);
}

TEST_CASE("property: at the 1/8 rule the spread never exceeds 20 lg(9/8) = 1.02 dB") {
    std::mt19937 rng{20261124};
    std::uniform_real_distribution<double> log_z(std::log(8.0), std::log(600.0));
    std::uniform_real_distribution<double> phase(-89.0, 89.0);
    std::uniform_real_distribution<double> step(0.05, 1.5);  // octaves between points
    const auto g = audio_band_grid();
    double largest = 0.0;
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<impedance_point> pts;
        const bool reactive = trial % 2 == 1;
        for (double f = 10.0 * std::exp2(step(rng)); f < 30000.0; f *= std::exp2(step(rng)))
            pts.push_back({hz(f), ohms(std::exp(log_z(rng))), reactive ? phase(rng) : 0.0});
        if (pts.empty()) continue;
        const auto c = impedance_curve::tabulated(pts);
        const double z_min = value_in(analyse_response(c, ohms(0), g).min_impedance, ohm);
        const double spread = analyse_response(c, ohms(z_min / 8.0), g).spread.db();
        CHECK(spread <= 20.0 * std::log10(9.0 / 8.0) + 1e-12);
        largest = std::max(largest, spread);
    }
    // Random curves span 8-600 ohm, so some come close to the bound.
    CHECK(largest > 0.9);
}

TEST_CASE("a resistive curve reproduces the scalar model at every frequency") {
    const headphone hp{"hp", ohms(32), sensitivity::per_milliwatt(spl::of_db(100))};
    for (const auto& out : {amp(2.0, 0.05, 1.0), amp(8.0, 0.1, 5.0, 0.15), amp(1.0, 1.0, 0.0, 0.01)}) {
        const auto c = impedance_curve::resistive(ohms(32));
        const auto m = max_output_across(out, hp, c);
        const auto scalar = max_output(out, hp);
        CHECK((m.max_level_db - scalar.max_level.db()).abs().maxCoeff() < 1e-9);
        CHECK((m.load_power_w - value_in(scalar.load_power, watt)).abs().maxCoeff() < 1e-12);
        CHECK(m.lowest_binding == scalar.binding);
        const programme p{spl::of_db(95), gain::of_db(18)};
        const auto h = headroom_across(out, hp, c, p);
        const auto hs = headroom_for(out, hp, p);
        CHECK((h.margin_db - hs.margin.db()).abs().maxCoeff() < 1e-9);
        CHECK(h.worst_binding == hs.binding);
    }
}

TEST_CASE("the current limit bites at the impedance minimum") {
    // 2 V open circuit, 20 mA: into 300 ohm the voltage binds (2 V), into the 20 ohm dip the current (0.4 V).
    const headphone hp{"hp", ohms(300), sensitivity::per_volt(spl::of_db(100))};
    const auto m = max_output_across(amp(2.0, 0.02, 0.0), hp, with_dip(300, 20));
    CHECK(m.lowest_binding == limit::current);
    CHECK(m.lowest_max_level.db() == doctest::Approx(92.0411998266));  // 100 + 20 lg 0.4
    CHECK(value_in(m.lowest_max_level_at, hertz) >= 4000.0);
    CHECK(value_in(m.lowest_max_level_at, hertz) <= 6000.0);
    CHECK(m.max_level_db[m.grid.reference_index] == doctest::Approx(106.0205999133));  // 100 + 20 lg 2
    CHECK(m.binding[static_cast<std::size_t>(m.grid.reference_index)] == limit::voltage);
}

TEST_CASE("the voltage divider costs most where |Z| is low") {
    const headphone hp{"hp", ohms(32), sensitivity::per_volt(spl::of_db(100))};
    const auto m = max_output_across(amp(2.0, 1.0, 10.0), hp, with_dip(32, 16));
    CHECK(m.lowest_binding == limit::voltage);
    CHECK(m.lowest_max_level.db() == doctest::Approx(101.803532607));  // 100 + 20 lg(2 * 16 / 26)
    const programme sine{spl::of_db(100)};
    const auto h = headroom_across(amp(2.0, 1.0, 10.0), hp, with_dip(32, 16), sine);
    CHECK(h.worst.db() == doctest::Approx(1.803532607));
    CHECK(value_in(h.worst_at, hertz) >= 4000.0);
    // A boost of 3 dB at every frequency takes 3 dB off everywhere.
    const eq_demand boost{Eigen::ArrayXd::Constant(h.grid.size(), 3.0), gain::of_db(-3.0)};
    CHECK(headroom_across(amp(2.0, 1.0, 10.0), hp, with_dip(32, 16), sine, h.grid, boost).worst.db() ==
          doctest::Approx(-1.196467393));
    CHECK_THROWS_AS((void)headroom_across(amp(2.0, 1.0, 10.0), hp, with_dip(32, 16), sine, h.grid,
                                          eq_demand{Eigen::ArrayXd(3), gain::of_db(0.0)}),
                    spec_error);
}

TEST_CASE("with an EQ, the gain limit pays the preamp and the analog limits pay the boost") {
    // Gain limit only: 1 V at full scale into 32 ohm (Z_out 0), 100 dB/V: the sine maximum is 100 dB SPL.
    output_spec s;
    s.source = source_gain{in_si(1.0, volt), gain::of_db(0.0)};
    s.output_impedance = ohms(0.0);
    const output_stage dongle{"dongle", s};
    const headphone hp{"hp", ohms(32), sensitivity::per_volt(spl::of_db(100))};
    const programme sine{spl::of_db(90)};
    const auto g = audio_band_grid(12);
    const auto flat = headroom_across(dongle, hp, impedance_curve::resistive(ohms(32)), sine, g);
    CHECK(flat.worst.db() == doctest::Approx(10.0));
    // +6 dB everywhere behind a -6 dB preamp: the digital path absorbs the boost, the preamp costs 6 dB.
    const eq_demand covered{Eigen::ArrayXd::Constant(g.size(), 6.0), gain::of_db(-6.0)};
    CHECK(headroom_across(dongle, hp, impedance_curve::resistive(ohms(32)), sine, g, covered).worst.db() == doctest::Approx(4.0));
    // Without the preamp the boost clips in the DSP: full scale cannot rise, so the boost is lost headroom.
    const eq_demand clipping{Eigen::ArrayXd::Constant(g.size(), 6.0), gain::of_db(0.0)};
    CHECK(headroom_across(dongle, hp, impedance_curve::resistive(ohms(32)), sine, g, clipping).worst.db() == doctest::Approx(4.0));
    // A voltage-limited amplifier (V_oc 1 V) pays the boost, whatever the preamp.
    const auto analog = amp(1.0, 10.0, 0.0);
    CHECK(headroom_across(analog, hp, impedance_curve::resistive(ohms(32)), sine, g, covered).worst.db() == doctest::Approx(4.0));
    const eq_demand half{Eigen::ArrayXd::Constant(g.size(), 3.0), gain::of_db(-6.0)};
    CHECK(headroom_across(analog, hp, impedance_curve::resistive(ohms(32)), sine, g, half).worst.db() == doctest::Approx(7.0));
    CHECK(headroom_across(dongle, hp, impedance_curve::resistive(ohms(32)), sine, g, half).worst.db() == doctest::Approx(4.0));
}

TEST_CASE("a reactive load is never allowed more voltage by a power limit than a resistance of the same |Z|") {
    // 100 ohm at +60 degrees, P_th 0.1 W: |V| <= sqrt(0.1 * 100) V, as into 100 ohm resistive; the real power is
    // then only 0.05 W (an amplifier dissipates more into a reactive load, never less: docs/physics.md section 7).
    const auto c = impedance_curve::tabulated({{hz(1000), ohms(100), 60.0}});
    const headphone hp{"hp", ohms(100), sensitivity::per_volt(spl::of_db(100))};
    for (const auto& out : {amp(100.0, 10.0, 0.0, 0.1), amp(100.0, 10.0, 0.0, std::nullopt, 0.1)}) {
        const auto m = max_output_across(out, hp, c);
        CHECK(m.lowest_binding == (out.thermal_power() ? limit::thermal : limit::power));
        CHECK(m.load_voltage_v[0] == doctest::Approx(std::sqrt(10.0)));
        CHECK(m.load_power_w[0] == doctest::Approx(0.05));
        CHECK(m.load_voltage_v[0] == doctest::Approx(value_in(max_output(out, hp).load_voltage, volt)));
    }
    // For any phase angle the limit voltage equals the resistive one at the same |Z|.
    for (double phase : {-80.0, -45.0, 0.0, 30.0, 89.0}) {
        const auto z = impedance_curve::tabulated({{hz(1000), ohms(100), phase}});
        CHECK(max_output_across(amp(100.0, 10.0, 0.0, 0.1), hp, z).load_voltage_v[0] == doctest::Approx(std::sqrt(10.0)));
    }
}
