#include "headroom/analysis.hpp"
#include "headroom/fit.hpp"
#include "headroom/parse.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace headroom;

namespace {

std::vector<power_point> points(std::initializer_list<const char*> texts) {
    std::vector<power_point> v;
    for (const char* t : texts) v.push_back(parse_power_point(t));
    return v;
}

// Power the scalar model gives into a load, in watts (the same two calls max_output makes).
double watts_into(const output_stage& out, double load_ohm) {
    const double v = limits::binding_of(detail::load_voltage_limits(out, in_si(load_ohm, ohm))).voltage;
    return v * v / load_ohm;
}

// The same stage without its rating table: the fitted limits alone.
output_stage limits_only(const stage_fit& f) {
    output_spec s = f.stage.spec();
    s.ratings.reset();
    return output_stage{"limits", s};
}

double db_between(double model_w, double stated_w) { return 10.0 * std::log10(model_w / stated_w); }

}  // namespace

TEST_CASE("stated voltages in any convention convert to RMS") {
    // A sine's peak is sqrt 2 times its RMS and its peak-to-peak twice that (docs/physics.md section 1).
    CHECK(value_in(parse_voltage("6.5Vpp"), volt) == doctest::Approx(2.298097).epsilon(1e-6));  // 6.5 / (2 sqrt 2)
    CHECK(value_in(parse_voltage("4.6Vpk"), volt) == doctest::Approx(3.252691).epsilon(1e-6));  // 4.6 / sqrt 2
    CHECK(value_in(parse_voltage("1.25Vrms"), volt) == doctest::Approx(1.25));
    CHECK(value_in(parse_voltage("9000mVpp"), volt) == doctest::Approx(3.181981).epsilon(1e-6));
    CHECK(value_in(parse_current("100mApk"), ampere) == doctest::Approx(0.0707107).epsilon(1e-6));
}

TEST_CASE("parse_power_point reads a power into a load") {
    const auto p = parse_power_point("1.2W@32ohm");
    CHECK(value_in(p.output, watt) == doctest::Approx(1.2));
    CHECK(value_in(p.load, ohm) == doctest::Approx(32.0));
    const auto q = parse_power_point("300mW @ 300");  // a bare load is in ohm
    CHECK(value_in(q.output, watt) == doctest::Approx(0.3));
    CHECK(value_in(q.load, ohm) == doctest::Approx(300.0));
    CHECK_THROWS_AS((void)parse_power_point("1.2W"), parse_error);
    CHECK_THROWS_AS((void)parse_power_point("1.2W@32V"), parse_error);
    CHECK_THROWS_AS((void)parse_power_point("lots@32"), parse_error);
}

TEST_CASE("voltage-limited points give V_oc alone") {
    // 5 V into 32 ohm is 25/32 = 0.78125 W; into 300 ohm 25/300 = 83.33 mW.
    const auto f = fit_output_stage(points({"0.78125W@32", "83.333333mW@300"}));
    CHECK(f.model == fit_model::voltage);
    REQUIRE(f.open_circuit_voltage);
    CHECK(value_in(*f.open_circuit_voltage, volt) == doctest::Approx(5.0).epsilon(1e-6));
    CHECK_FALSE(f.current_limit);
    CHECK_FALSE(f.clipping_power);
    CHECK_FALSE(f.source_resistance);
    CHECK(f.max_error.db() < 1e-6);
    CHECK_FALSE(f.voltage_is_lower_bound);
    // The stage carries the table: a result at a stated load is the stated rating.
    REQUIRE(f.stage.ratings());
    CHECK(watts_into(f.stage, 32.0) == doctest::Approx(0.78125).epsilon(1e-9));
}

TEST_CASE("a known output impedance enters the voltage divider") {
    // 5 V behind 10 ohm: into 32 ohm (5 * 32/42)^2 / 32 = 453.51 mW, into 300 ohm (5 * 300/310)^2 / 300 = 78.04 mW.
    fit_options o;
    o.output_impedance = in_si(10.0, ohm);
    const auto f = fit_output_stage(points({"453.5147mW@32", "78.0437mW@300"}), o);
    CHECK(f.model == fit_model::voltage);
    CHECK(value_in(*f.open_circuit_voltage, volt) == doctest::Approx(5.0).epsilon(1e-5));
    CHECK(value_in(f.stage.output_impedance(), ohm) == doctest::Approx(10.0));
    CHECK(f.stage.output_impedance_stated());
    CHECK_FALSE(fit_output_stage(points({"1W@32"})).stage.output_impedance_stated());
}

TEST_CASE("two points that need two limits: a current limit is tried first") {
    // 300 mW into 300 ohm is sqrt(0.3 * 300) = 9.487 V; 9.487 V into 32 ohm would be 2.81 W, the sheet says 1.2 W,
    // so something else binds at 32 ohm. I_max = sqrt(1.2 / 32) = 193.6 mA explains it exactly.
    const auto f = fit_output_stage(points({"1.2W@32", "300mW@300"}));
    CHECK(f.model == fit_model::voltage_current);
    CHECK(value_in(*f.open_circuit_voltage, volt) == doctest::Approx(9.486833).epsilon(1e-6));
    CHECK(value_in(*f.current_limit, ampere) == doctest::Approx(0.1936492).epsilon(1e-6));
    CHECK_FALSE(f.clipping_power);
    REQUIRE(f.points.size() == 2);
    CHECK(f.points[0].binding == limit::current);  // sorted by load: 32 ohm first
    CHECK(f.points[1].binding == limit::voltage);
    CHECK(f.max_error.db() < 1e-6);
}

TEST_CASE("one point: the table is current-limited below it and voltage-limited above it") {
    // Schiit Asgard 3's one figure, 3.5 W into 32 ohm: 10.58 V and 330.7 mA. Into 16 ohm no more than that current
    // (1.75 W, not the 7 W a voltage source would give); into 300 ohm no more than that voltage (373 mW).
    const auto f = fit_output_stage(points({"3.5W@32"}));
    CHECK(f.model == fit_model::voltage);
    CHECK(watts_into(f.stage, 16.0) == doctest::Approx(1.75).epsilon(1e-9));
    CHECK(limits::binding_of(detail::load_voltage_limits(f.stage, in_si(16.0, ohm))).which == limit::current);
    CHECK(watts_into(f.stage, 300.0) == doctest::Approx(3.5 * 32.0 / 300.0).epsilon(1e-9));
    CHECK(watts_into(f.stage, 32.0) == doctest::Approx(3.5).epsilon(1e-9));
}

TEST_CASE("flat power as the load falls shows a power rating") {
    // V_oc 10 V, P_clip 1 W: 1 W into 16 and 32 ohm (10 V would give 6.25 W and 3.125 W), 100/300 = 333.3 mW into
    // 300 ohm. A current limit cannot give the same power at 16 and 32 ohm (I^2 R doubles), nor can sag.
    const auto f = fit_output_stage(points({"1W@16", "1W@32", "333.3333mW@300"}));
    CHECK(f.model == fit_model::voltage_power);
    CHECK(value_in(*f.open_circuit_voltage, volt) == doctest::Approx(10.0).epsilon(1e-6));
    CHECK(value_in(*f.clipping_power, watt) == doctest::Approx(1.0).epsilon(1e-6));
    CHECK_FALSE(f.current_limit);
    CHECK(f.max_error.db() < 1e-6);
}

TEST_CASE("current-limited points leave V_oc as a lower bound") {
    // 0.5 W into 8 ohm and 1 W into 16 ohm are both I^2 R with I = 250 mA; no point shows the rails. The least V_oc
    // that reproduces both is 0.25 A * 16 ohm = 4 V.
    const auto f = fit_output_stage(points({"0.5W@8", "1W@16"}));
    CHECK(value_in(*f.current_limit, ampere) == doctest::Approx(0.25).epsilon(1e-6));
    CHECK(value_in(*f.open_circuit_voltage, volt) == doctest::Approx(4.0).epsilon(1e-6));
    CHECK(f.voltage_is_lower_bound);
    CHECK(f.max_error.db() < 1e-6);
}

TEST_CASE("supply sag: the Magni 2 table is a voltage behind about 12 ohm") {
    // Schiit Magni 2 as quoted on head-fi.org (1.8 W / 1.2 W / 1.0 W / 260 mW / 130 mW at 16 / 32 / 50 / 300 /
    // 600 ohm, Z_out 0.2 ohm): the clipping voltage at the load rises from 5.4 V to 8.8 V with the load although the
    // output impedance is small. No current or power limit explains it (1.4 dB and worse); a large-signal source
    // resistance does, to about 0.5 dB.
    fit_options o;
    o.output_impedance = in_si(0.2, ohm);
    const auto f = fit_output_stage(points({"1.8W@16", "1.2W@32", "1.0W@50", "260mW@300", "130mW@600"}), o);
    CHECK(f.model == fit_model::voltage_sag);
    REQUIRE(f.source_resistance);
    CHECK(value_in(*f.open_circuit_voltage, volt) == doctest::Approx(8.9).epsilon(0.03));
    CHECK(value_in(*f.source_resistance, ohm) == doctest::Approx(12.0).epsilon(0.15));
    CHECK(f.max_error.db() <= 0.6);
    double worst = 0.0;
    for (const auto& p : f.points) worst = std::max(worst, std::abs(p.error.db()));
    CHECK(f.max_error.db() == doctest::Approx(worst));
    CHECK(f.rms_error.db() < 0.4);
}

TEST_CASE("a measured table with a flat-power region fits within 0.6 dB at every point") {
    // Sjostrom QRV08, measured by Neurochrome: 140 / 200 / 225 mW into 20 / 32 / 300 ohm at THD+N < 0.005%
    // (https://neurochrome.com/pages/sjostrom-qrv08-headphone-amp). Power barely changes from 300 to 32 ohm and
    // then falls into 20 ohm: no single limit explains it; the fit is least squares in dB.
    const auto f = fit_output_stage(points({"140mW@20", "200mW@32", "225mW@300"}));
    REQUIRE(f.points.size() == 3);
    const output_stage fitted = limits_only(f);
    for (const auto& p : f.points) {
        CAPTURE(value_in(p.stated.load, ohm));
        CHECK(std::abs(p.error.db()) <= 0.6);
        // The reported error is the limits' own power against the stated one.
        CHECK(p.error.db() == doctest::Approx(db_between(value_in(p.model_power, watt), value_in(p.stated.output, watt))));
        CHECK(value_in(p.model_power, watt) == doctest::Approx(watts_into(fitted, value_in(p.stated.load, ohm))));
        // With the table, the stage never exceeds a stated point.
        CHECK(watts_into(f.stage, value_in(p.stated.load, ohm)) <= value_in(p.stated.output, watt) * (1.0 + 1e-12));
    }
}

TEST_CASE("a derived balanced output keeps the single-ended current and never beats the maker's balanced figures") {
    // FiiO K11 R2R, maker's figures at high gain, THD+N < 1% (https://www.fiio.com/newsinfo/1015217.html):
    // single-ended 460 mW @ 32 ohm and 50 mW @ 300 ohm; balanced 1300 mW @ 32 ohm and 220 mW @ 300 ohm.
    // Bridged, the single-ended table moves to 920 mW @ 64 ohm and 100 mW @ 600 ohm (each leg sees half the load).
    const rating_table k11{points({"460mW@32", "50mW@300"})};
    const output_stage k11_se{"K11", output_spec{.ratings = k11}};
    const output_stage balanced = bridge(k11_se);
    CHECK(balanced.derived());
    // At 300 ohm, between the bridged loads: 199 mW against the maker's 220 mW (-0.44 dB).
    CHECK(db_between(watts_into(balanced, 300.0), 0.220) == doctest::Approx(-0.44).epsilon(0.05));
    // At 32 ohm, below them: no more current than a leg showed at 64 ohm, so 460 mW, far below the maker's 1.3 W;
    // only the balanced output's own figures can show more.
    CHECK(watts_into(balanced, 32.0) == doctest::Approx(0.460).epsilon(1e-9));
    CHECK(db_between(watts_into(balanced, 32.0), 1.300) < -4.0);

    // FiiO K19, maker's per-channel figures as transcribed in the Sound-Library amplifier table
    // (https://github.com/Sha1rholder/Sound-Library/blob/main/data/amplifier%20power.csv): single-ended
    // 4000 / 2300 / 270 mW and balanced 4000 / 8000 / 1100 mW into 16 / 32 / 300 ohm.
    const output_stage k19_se{"K19", output_spec{.ratings = rating_table{points({"4000mW@16", "2300mW@32", "270mW@300"})}}};
    const output_stage k19 = bridge(k19_se);
    CHECK(db_between(watts_into(k19, 16.0), 4.0) <= 0.5);
    CHECK(db_between(watts_into(k19, 32.0), 8.0) <= 0.5);
    CHECK(db_between(watts_into(k19, 300.0), 1.1) <= 0.5);
    CHECK(db_between(watts_into(k19, 16.0), 4.0) == doctest::Approx(0.0).epsilon(1e-9));   // the leg's 0.5 A
    CHECK(db_between(watts_into(k19, 32.0), 8.0) == doctest::Approx(0.0).epsilon(1e-9));   // 2 x 4 W at 2 x 16 ohm

    // FiiO KA3, maker's figures from the IEGems review's spec list
    // (https://github.com/nguyentran0212/iegems-website/blob/main/_posts/2022-04-09-fiio-KA3.md): single-ended
    // 130 mW @ 32 ohm and 7 mW @ 600 ohm, balanced 28 mW @ 600 ohm.
    const output_stage ka3 = bridge(output_stage{"KA3", output_spec{.ratings = rating_table{points({"130mW@32", "7mW@600"})}}});
    CHECK(db_between(watts_into(ka3, 600.0), 0.028) <= 0.5);
    CHECK(std::abs(db_between(watts_into(ka3, 600.0), 0.028)) <= 0.1);
    CHECK(db_between(watts_into(ka3, 32.0), 0.240) < -2.0);  // balanced 240 mW @ 32 ohm: the leg's current caps it

    // Topping A50 III, maker's tables as transcribed in the Sound-Library amplifier table: single-ended 2150 / 1400 /
    // 190 / 100 mW and balanced 3500 / 2700 / 760 / 395 mW into 16 / 32 / 300 / 600 and 32 / 64 / 300 / 600 ohm. The
    // derived 32 ohm figure (twice the leg's 2.15 W at 16 ohm) is 0.89 dB above the maker's balanced 3.5 W: the one
    // case where the derivation overshoots, recorded here and explained in docs/model.md.
    const output_stage a50 = bridge(output_stage{"A50 III", output_spec{.ratings = rating_table{points(
                                                                            {"2150mW@16", "1400mW@32", "190mW@300", "100mW@600"})}}});
    CHECK(db_between(watts_into(a50, 32.0), 3.5) == doctest::Approx(0.89).epsilon(0.01));
    CHECK(db_between(watts_into(a50, 32.0), 3.5) <= 0.9);
    CHECK(db_between(watts_into(a50, 300.0), 0.76) <= 0.0);
    CHECK(db_between(watts_into(a50, 600.0), 0.395) <= 0.0);
}

TEST_CASE("extrapolation never exceeds the table's largest current or voltage") {
    // Seeded random tables (1-6 points, any shape, even unphysical ones) and loads from 1 ohm to 10 kohm: below the
    // lowest stated load the current is at most the largest the table shows, above the highest the voltage.
    std::mt19937_64 rng{7};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    for (int trial = 0; trial < 2000; ++trial) {
        std::vector<power_point> pts;
        const int n = 1 + static_cast<int>(u(rng) * 6);
        for (int k = 0; k < n; ++k)
            pts.push_back({in_si(0.001 * std::pow(3000.0, u(rng)), watt), in_si(8.0 * std::pow(100.0, u(rng)) + k, ohm)});
        const output_stage out{"table", output_spec{.ratings = rating_table{pts}, .output_impedance = in_si(5.0 * u(rng), ohm)}};
        double i_most = 0.0, v_most = 0.0;
        for (const auto& p : out.ratings()->points()) {
            i_most = std::max(i_most, std::sqrt(value_in(p.output, watt) / value_in(p.load, ohm)));
            v_most = std::max(v_most, std::sqrt(value_in(p.output, watt) * value_in(p.load, ohm)));
        }
        const headphone hp{"hp", in_si(std::pow(10.0, 4.0 * u(rng)), ohm), sensitivity::per_volt(spl::of_db(100))};
        const auto m = max_output(out, hp);
        if (!m.extrapolated) continue;
        CAPTURE(trial);
        CHECK(value_in(m.load_current, ampere) <= i_most * (1.0 + 1e-12));
        CHECK(value_in(m.load_voltage, volt) <= v_most * (1.0 + 1e-12));
        CHECK(m.extrapolated->factor >= 1.0);
        CHECK(m.binding == (m.extrapolated->below ? limit::current : limit::voltage));
    }
}

TEST_CASE("bad points are spec errors naming the point and field") {
    CHECK_THROWS_AS((void)fit_output_stage(std::vector<power_point>{}), spec_error);
    try {
        (void)fit_output_stage(points({"1W@32", "-2W@300"}), {}, "Foo");
        FAIL("expected a spec_error");
    } catch (const spec_error& e) {
        CHECK(e.entity() == "output stage 'Foo' power point 2");
        CHECK(e.field() == "power");
    }
    fit_options o;
    o.output_impedance = in_si(-1.0, ohm);
    CHECK_THROWS_AS((void)fit_output_stage(points({"1W@32"}), o), spec_error);
    CHECK_THROWS_WITH_AS((void)fit_output_stage(points({"1W@32", "2W@32"}), {}, "Foo"), "output stage 'Foo': power states the load 32.000000 ohm twice",
                         spec_error);
}

TEST_CASE("a table is bounded: more than 32 points is refused, and 32 points fit quickly") {
    std::vector<power_point> many;
    for (int k = 0; k < 33; ++k) many.push_back({in_si(1.0, watt), in_si(8.0 + k, ohm)});
    CHECK_THROWS_WITH_AS((void)fit_output_stage(many, {}, "Foo"), "output stage 'Foo': power lists 33 points; at most 32 are accepted",
                         spec_error);
    many.pop_back();
    const auto f = fit_output_stage(many);  // flat power everywhere: a power rating
    CHECK(f.model == fit_model::voltage_power);
}

TEST_CASE("the fit is deterministic") {
    const auto a = fit_output_stage(points({"140mW@20", "200mW@32", "225mW@300"}));
    const auto b = fit_output_stage(points({"225mW@300", "140mW@20", "200mW@32"}));
    CHECK(value_in(*a.open_circuit_voltage, volt) == value_in(*b.open_circuit_voltage, volt));
    CHECK(a.max_error.db() == b.max_error.db());
}

TEST_CASE("points made by the model itself are reproduced within the tolerance") {
    // Seeded random stages (V_oc 0.5-20.5 V; I_max, P_clip and Z_out present or not) stated at random subsets of
    // six loads: whatever binds where, the fit must find limits within 0.1 dB of every point.
    std::mt19937_64 rng{42};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    double worst = 0.0;
    int fitted = 0;
    for (int trial = 0; trial < 500; ++trial) {
        output_spec s;
        s.open_circuit_voltage = in_si(0.5 + 20.0 * u(rng), volt);
        if (u(rng) < 0.6) s.current_limit = in_si(0.02 + u(rng), ampere);
        if (u(rng) < 0.3) s.clipping_power = in_si(0.05 + 3.0 * u(rng), watt);
        s.output_impedance = in_si(u(rng) < 0.5 ? 0.0 : 5.0 * u(rng), ohm);
        const output_stage truth{"truth", s};
        std::vector<power_point> pts;
        for (double r : {16.0, 32.0, 64.0, 150.0, 300.0, 600.0})
            if (u(rng) < 0.7) pts.push_back({in_si(watts_into(truth, r), watt), in_si(r, ohm)});
        if (pts.empty()) continue;
        fit_options o;
        o.output_impedance = s.output_impedance;
        worst = std::max(worst, fit_output_stage(pts, o).max_error.db());
        ++fitted;
    }
    CHECK(fitted > 400);
    CHECK(worst <= 0.1);
}
