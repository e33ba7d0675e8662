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

output_stage amp(double v_oc, double i_max, double z_out, std::optional<double> p_max = std::nullopt) {
    output_spec s;
    s.open_circuit_voltage = in_si(v_oc, volt);
    s.current_limit = in_si(i_max, ampere);
    if (p_max) s.power_limit = in_si(*p_max, watt);
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
    const Eigen::ArrayXd boost = Eigen::ArrayXd::Constant(h.grid.size(), 3.0);
    CHECK(headroom_across(amp(2.0, 1.0, 10.0), hp, with_dip(32, 16), sine, h.grid, boost).worst.db() ==
          doctest::Approx(-1.196467393));
    CHECK_THROWS_AS((void)headroom_across(amp(2.0, 1.0, 10.0), hp, with_dip(32, 16), sine, h.grid, Eigen::ArrayXd(3)),
                    spec_error);
}

TEST_CASE("real power into a reactive load counts cos(phi)") {
    // 100 ohm at +60 degrees, P_max 0.1 W: |V| <= sqrt(0.1 * 100 / cos 60) = sqrt(20) V; real power 0.1 W.
    const auto c = impedance_curve::tabulated({{hz(1000), ohms(100), 60.0}});
    const headphone hp{"hp", ohms(100), sensitivity::per_volt(spl::of_db(100))};
    const auto m = max_output_across(amp(100.0, 10.0, 0.0, 0.1), hp, c);
    CHECK(m.lowest_binding == limit::power);
    CHECK(m.load_voltage_v[0] == doctest::Approx(std::sqrt(20.0)));
    CHECK(m.load_power_w[0] == doctest::Approx(0.1));
    CHECK(m.load_current_a[0] == doctest::Approx(std::sqrt(20.0) / 100.0));
    // The scalar model on a 100 ohm resistor allows only sqrt(10) V.
    CHECK(value_in(max_output(amp(100.0, 10.0, 0.0, 0.1), hp).load_voltage, volt) == doctest::Approx(std::sqrt(10.0)));
}
