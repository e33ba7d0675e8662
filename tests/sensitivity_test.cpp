// Sensitivity in its four published forms (docs/physics.md section 2), the known conversion bugs of other calculators
// (section 8) as regressions, and the text spellings parse.hpp accepts or rejects.

#include "headroom/error.hpp"
#include "headroom/headphone.hpp"
#include "headroom/literals.hpp"
#include "headroom/parse.hpp"
#include "headroom/sensitivity.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

using namespace headroom;
using namespace headroom::literals;

namespace {
// Two decimals is how section 2 and section 8 state their results.
constexpr double two_decimals = 0.005;
}  // namespace

TEST_CASE("section 2 examples: dB/mW to dB/V needs the impedance") {
    const auto s = sensitivity::per_milliwatt(spl::of_db(97));
    CHECK(s.stated_form() == sensitivity::form::db_per_milliwatt);
    CHECK(s.stated_level().db() == 97.0);
    // 97 + 10 lg(1000 / 300) = 102.2288; 97 + 10 lg(1000 / 32) = 111.9485
    CHECK(std::abs(s.per_volt(300_ohm).db() - 102.2287874528) < 1e-9);
    CHECK(std::abs(s.per_volt(32_ohm).db() - 111.9485002168) < 1e-9);
    CHECK(std::abs(s.per_volt(300_ohm).db() - 102.23) < two_decimals);
    CHECK(std::abs(s.per_volt(32_ohm).db() - 111.95) < two_decimals);
    // At 1000 ohm, 1 mW is exactly 1 V.
    CHECK(std::abs(s.per_volt(1000_ohm).db() - 97.0) < 1e-12);
    CHECK(std::abs(s.per_milliwatt(300_ohm).db() - 97.0) < 1e-12);
}

TEST_CASE("dB/V is the canonical form and independent of impedance") {
    const auto s = sensitivity::per_volt(spl::of_db(103));
    CHECK(s.stated_form() == sensitivity::form::db_per_volt);
    CHECK(s.per_volt(64_ohm).db() == 103.0);
    CHECK(s.per_volt(1_ohm).db() == 103.0);
    // S_mW = S_V - 10 lg(1000 / 64) = 103 - 11.9382 = 91.0618
    CHECK(std::abs(s.per_milliwatt(64_ohm).db() - 91.0617997398) < 1e-9);
}

TEST_CASE("section 2 example: 327 mV for 94 dB is 103.71 dB/V") {
    const auto s = sensitivity::voltage_for(327_mV, spl::of_db(94));
    CHECK(s.stated_form() == sensitivity::form::voltage_for_level);
    CHECK(s.stated_level().db() == 94.0);
    // 94 - 20 lg 0.327 = 103.70904
    CHECK(std::abs(s.per_volt(300_ohm).db() - 103.7090449468) < 1e-9);
    CHECK(std::abs(s.per_volt(300_ohm).db() - 103.71) < two_decimals);
    // The stated voltage gives the stated level back.
    CHECK(value_in(s.voltage_for_level(spl::of_db(94), 300_ohm), volt) == doctest::Approx(0.327).epsilon(1e-12));
}

TEST_CASE("dB at a current: S_V = S_I - 20 lg(I_ref Z / 1 V)") {
    // 94.6 dB @ 5 mA into 300 ohm: 1.5 V gives 94.6 dB, so S_V = 94.6 - 20 lg 1.5 = 91.0782
    const auto s = sensitivity::at_current(spl::of_db(94.6), 5_mA);
    CHECK(s.stated_form() == sensitivity::form::db_at_current);
    CHECK(std::abs(s.per_volt(300_ohm).db() - 91.0781748189) < 1e-9);
    CHECK(std::abs(s.at(5_mA, 300_ohm).db() - 94.6) < 1e-12);
    // 10 mA is +6.02 dB over 5 mA in the same load.
    CHECK(std::abs(s.at(10_mA, 300_ohm).db() - 100.6205999133) < 1e-9);
    // 1 mA into 1000 ohm is 1 V and 1 mW: all four forms meet there.
    const auto ma = sensitivity::at_current(spl::of_db(90), 1_mA);
    CHECK(std::abs(ma.per_volt(1000_ohm).db() - 90.0) < 1e-12);
    CHECK(std::abs(ma.per_milliwatt(1000_ohm).db() - 90.0) < 1e-12);
}

TEST_CASE("SPL and required voltage follow L = S_V + 20 lg V") {
    const auto s = sensitivity::per_volt(spl::of_db(100));
    CHECK(std::abs(s.voltage_for_level(spl::of_db(120), 32_ohm).value() - 10.0) < 1e-12);
    CHECK(std::abs(s.voltage_for_level(spl::of_db(94), 32_ohm).value() - 0.5011872336) < 1e-9);
    const headphone hp{"hp", 32_ohm, s};
    CHECK(std::abs(hp.level_at(2_V).db() - 106.0205999133) < 1e-9);
    CHECK(std::abs(value_in(hp.voltage_for(spl::of_db(106.0205999133)), volt) - 2.0) < 1e-9);
}

TEST_CASE("round trips between forms are exact to 1e-12 dB (seeded random S and Z)") {
    std::mt19937_64 rng{20261124};
    std::uniform_real_distribution<double> level_db{70.0, 130.0};
    std::uniform_real_distribution<double> log_z{std::log(1.0), std::log(2000.0)};
    std::uniform_real_distribution<double> log_i{std::log(1e-3), std::log(0.1)};  // keeps dB@I within 0-200 dB SPL
    for (int n = 0; n < 20000; ++n) {
        const spl s_v = spl::of_db(level_db(rng));
        const impedance z = in_si(std::exp(log_z(rng)), ohm);
        CAPTURE(s_v.db());
        CAPTURE(value_in(z, ohm));
        // per_volt -> per_milliwatt -> back
        const spl s_mw = sensitivity::per_volt(s_v).per_milliwatt(z);
        REQUIRE(std::abs(sensitivity::per_milliwatt(s_mw).per_volt(z).db() - s_v.db()) < 1e-12);
        // per_volt -> voltage for 94 dB -> back
        const voltage v94 = sensitivity::per_volt(s_v).voltage_for_level(spl::of_db(94), z);
        REQUIRE(std::abs(sensitivity::voltage_for(v94, spl::of_db(94)).per_volt(z).db() - s_v.db()) < 1e-12);
        // per_volt -> dB at a reference current -> back
        const current i_ref = in_si(std::exp(log_i(rng)), ampere);
        const spl s_i = sensitivity::per_volt(s_v).at(i_ref, z);
        REQUIRE(std::abs(sensitivity::at_current(s_i, i_ref).per_volt(z).db() - s_v.db()) < 1e-12);
        // dB/mW -> dB/V -> dB/mW
        REQUIRE(std::abs(sensitivity::per_milliwatt(s_v).per_milliwatt(z).db() - s_v.db()) < 1e-12);
    }
}

TEST_CASE("regression: the dB/V -> dB/mW sign is not flipped") {
    // 102.23 dB/V at 300 ohm is 102.23 - 5.23 = 97.0 dB/mW; the flipped sign gives 107.46.
    const auto s = sensitivity::per_volt(spl::of_db(102.23));
    const double s_mw = s.per_milliwatt(300_ohm).db();
    CHECK(std::abs(s_mw - 97.0) < two_decimals);
    CHECK(std::abs(s_mw - 107.46) > 10.0);
}

TEST_CASE("regression: lg, not ln (97 dB/V, 300 ohm, 110 dB needs 66.5 mW, not 319 mW)") {
    const headphone hp{"hp", 300_ohm, sensitivity::per_volt(spl::of_db(97))};
    const double v = value_in(hp.voltage_for(spl::of_db(110)), volt);  // 10^(13/20) = 4.4668 V
    CHECK(std::abs(v - 4.466835922) < 1e-8);
    const double p_mw = v * v / 300.0 * 1e3;
    CHECK(std::abs(p_mw - 66.5087438323) < 1e-8);
    CHECK(std::abs(p_mw - 319.0) > 250.0);
}

TEST_CASE("regression: 92 dB/mW to 108 dB needs 39.81 mW, not 50") {
    for (const double z_ohm : {32.0, 300.0}) {
        const impedance z = in_si(z_ohm, ohm);
        const headphone hp{"hp", z, sensitivity::per_milliwatt(spl::of_db(92))};
        const double v = value_in(hp.voltage_for(spl::of_db(108)), volt);
        const double p_mw = v * v / value_in(z, ohm) * 1e3;  // 10^1.6 mW whatever the impedance
        CHECK(std::abs(p_mw - 39.8107170553) < 1e-8);
    }
}

TEST_CASE("sensitivity factories reject bad values with spec_error") {
    const auto expect_field = [](auto make, const char* field) {
        try {
            (void)make();
            FAIL("no spec_error for " << field);
        } catch (const spec_error& e) {
            CHECK(e.entity() == "sensitivity");
            CHECK(e.field() == field);
        }
    };
    expect_field([] { return sensitivity::per_milliwatt(spl::of_db(NAN)); }, "level");
    expect_field([] { return sensitivity::per_volt(spl::of_db(INFINITY)); }, "level");
    expect_field([] { return sensitivity::at_current(spl::of_db(94), 0_mA); }, "reference current");
    expect_field([] { return sensitivity::at_current(spl::of_db(94), in_si(-0.005, ampere)); }, "reference current");
    expect_field([] { return sensitivity::at_current(spl::of_db(94), in_si(NAN, ampere)); }, "reference current");
    expect_field([] { return sensitivity::voltage_for(0_V, spl::of_db(94)); }, "voltage");
    expect_field([] { return sensitivity::voltage_for(in_si(-0.3, volt), spl::of_db(94)); }, "voltage");
    expect_field([] { return sensitivity::voltage_for(in_si(INFINITY, volt), spl::of_db(94)); }, "voltage");
    expect_field([] { return sensitivity::voltage_for(327_mV, spl::of_db(NAN)); }, "level");
}

TEST_CASE("parse_sensitivity accepts every documented spelling") {
    const auto s_v_at = [](const char* text, impedance z) { return parse_sensitivity(text).per_volt(z).db(); };
    SUBCASE("dB/mW") {
        for (const char* t : {"97dB/mW", "97 dB/mW", "97dBSPL/mW", "97 dB SPL/mW", "+97dB/mW", " 97dB / mW "}) {
            CAPTURE(t);
            CHECK(parse_sensitivity(t).stated_form() == sensitivity::form::db_per_milliwatt);
            CHECK(std::abs(s_v_at(t, 300_ohm) - 102.2287874528) < 1e-9);
        }
    }
    SUBCASE("dB/V") {
        for (const char* t : {"102.2dB/V", "102.2 dB/V", "102.2dB/Vrms", "102.2 dB SPL/V", "102.2dBSPL/Vrms"}) {
            CAPTURE(t);
            CHECK(parse_sensitivity(t).stated_form() == sensitivity::form::db_per_volt);
            CHECK(s_v_at(t, 300_ohm) == 102.2);
        }
    }
    SUBCASE("dB at a current") {
        for (const char* t : {"94.6dB@5mA", "94.6 dB @ 5 mA", "94.6dB SPL@5mA", "94.6dB@0.005A", "94.6dB@0.005"}) {
            CAPTURE(t);
            CHECK(parse_sensitivity(t).stated_form() == sensitivity::form::db_at_current);
            CHECK(std::abs(s_v_at(t, 300_ohm) - 91.0781748189) < 1e-9);
        }
    }
    SUBCASE("voltage for a level") {
        for (const char* t : {"327mV@94dB", "327 mV @ 94 dB", "0.327V@94dB", "327mVrms@94dB SPL", "0.327@94dB"}) {
            CAPTURE(t);
            CHECK(parse_sensitivity(t).stated_form() == sensitivity::form::voltage_for_level);
            CHECK(std::abs(s_v_at(t, 300_ohm) - 103.7090449468) < 1e-9);
        }
    }
}

TEST_CASE("spec-sheet spellings parse to the same sensitivity as their canonical form") {
    struct spelling {
        const char* text;
        const char* canonical;
        double hz;  // the frequency the text names, 0 for none
    };
    const spelling cases[] = {
        {"97dB/1mW", "97dB/mW", 0},           {"96 dB SPL/1mW", "96dB/mW", 0},      {"96dB(1mW)", "96dB/mW", 0},
        {"96 dB (1 mW)", "96dB/mW", 0},        {"96dB/1V", "96dB/V", 0},             {"96 dB SPL/1 Vrms", "96dB/V", 0},
        {"94dB@100mV", "100mV@94dB", 0},       {"94 dB SPL @ 100 mVrms", "100mV@94dB", 0},
        {"97 dB/mW ±3 dB", "97dB/mW", 0},     {"97dB +/- 3dB (1mW)", "97dB/mW", 0},
        {"98 dB SPL/1 mW @ 1 kHz", "98dB/mW", 1000}, {"104 dB SPL (1 kHz, 1 Vrms)", "104dB/V", 1000},
        {"97 dB/mW at 1 kHz", "97dB/mW", 1000}, {"118dB/Vrms@1kHz", "118dB/V", 1000},
        {"96dB/mW (500Hz)", "96dB/mW", 500},   {"105dB SPL @ 1mW", "105dB/mW", 0},   {"97 DB/MW", "97dB/mW", 0},
        {"94.6 dB SPL @ 5 mA", "94.6dB@5mA", 0}, {"327 mVrms @ 94 dB SPL", "327mV@94dB", 0},
        // A reference power other than 1 mW: 95 dB for 10 mW is 85 dB for 1 mW.
        {"95dB@10mW", "85dB/mW", 0},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const stated_sensitivity s = parse_stated_sensitivity(c.text);
        for (const double z : {16.0, 300.0})
            CHECK(s.value.per_volt(in_si(z, ohm)).db() == doctest::Approx(parse_sensitivity(c.canonical).per_volt(in_si(z, ohm)).db()).epsilon(1e-12));
        CHECK(s.value.stated_form() == parse_sensitivity(c.canonical).stated_form());
        if (c.hz > 0) {
            REQUIRE(s.at);
            CHECK(value_in(*s.at, hertz) == c.hz);
        } else {
            CHECK_FALSE(s.at);
        }
    }
    // A stated frequency other than 1 kHz is not dropped silently.
    CHECK_THROWS_AS((void)parse_sensitivity("96dB/mW@500Hz"), parse_error);
    CHECK(parse_sensitivity("96dB/mW@1kHz").per_volt(300_ohm).db() == doctest::Approx(101.2287874528));
}

TEST_CASE("parse_sensitivity rejects text without a unit or number") {
    for (const char* t : {"97dB", "97", "97 dB SPL", "nan", "inf", "", " ", "abc", "7.5X", "nandB/mW", "infdB/V",
                          "dB/mW", "97/mW", "97dB/W", "97dB/mV", "97dB@", "@94dB", "327mV@94", "97dB/mWx", "1e999dB/V",
                          "94.6dB@-5mA", "94.6dB@0mA", "-327mV@94dB", "0mV@94dB", "+-97dB/mW", "97dB@mV",
                          "97dB/1kHz", "97dB/mW@1kHz@2kHz", "97dB@0mW", "Hz97dB/mW"}) {
        CAPTURE(t);
        // parse_error, or spec_error for a well-formed text with an impossible value: both are invalid_argument.
        CHECK_THROWS_AS((void)parse_sensitivity(t), std::invalid_argument);
    }
    for (const char* t : {"97dB", "nan", "inf", "", "abc", "7.5X"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_sensitivity(t), parse_error);
    }
    CHECK_THROWS_WITH_AS((void)parse_sensitivity("97dB"), doctest::Contains("give its unit"), parse_error);
}

TEST_CASE("a stated frequency that is not one number is a parse_error naming the text, whatever surrounds it") {
    // std::invalid_argument would pass for std::stod's own exception: these must be the parser's, with the text.
    for (const char* t : {"97dB/mW@.hz", "97dB/mW@..kHz", "97dB/mW@1.2.3kHz", "97dB/mW @ . Hz", "97dB/mW@hz",
                          "97dB/mW@1.2.hz.hz", "104 dB SPL (.kHz, 1 Vrms)"}) {
        CAPTURE(t);
        CHECK_THROWS_WITH_AS((void)parse_stated_sensitivity(t), doctest::Contains(t), parse_error);
    }
    CHECK(value_in(*parse_stated_sensitivity("97dB/mW@.5kHz").at, hertz) == 500.0);
    CHECK(value_in(*parse_stated_sensitivity("97dB/mW@2.kHz").at, hertz) == 2000.0);
}

TEST_CASE("value parsers accept every documented unit spelling") {
    CHECK(value_in(parse_voltage("7.5"), volt) == 7.5);
    CHECK(value_in(parse_voltage("7.5V"), volt) == 7.5);
    CHECK(value_in(parse_voltage("7.5 V"), volt) == 7.5);
    CHECK(value_in(parse_voltage("7500mV"), volt) == 7.5);
    CHECK(value_in(parse_voltage("3uV"), volt) == doctest::Approx(3e-6).epsilon(1e-15));
    CHECK(value_in(parse_voltage("3µV"), volt) == doctest::Approx(3e-6).epsilon(1e-15));
    CHECK(value_in(parse_voltage("1.25Vrms"), volt) == 1.25);
    CHECK(value_in(parse_voltage("1250mVrms"), volt) == 1.25);
    CHECK(value_in(parse_voltage("3uVrms"), volt) == doctest::Approx(3e-6).epsilon(1e-15));
    // A sine's peak is sqrt 2 x RMS, its peak-to-peak 2 sqrt 2 x RMS: 6.5 Vpp = 2.2981 Vrms, 4.6 Vpk = 3.2527 Vrms.
    CHECK(value_in(parse_voltage("4.6Vpk"), volt) == doctest::Approx(3.2526911934).epsilon(1e-10));
    CHECK(value_in(parse_voltage("4600mVpk"), volt) == doctest::Approx(3.2526911934).epsilon(1e-10));
    CHECK(value_in(parse_voltage("6.5Vpp"), volt) == doctest::Approx(2.2980970388).epsilon(1e-10));
    CHECK(value_in(parse_voltage("6500mVpp"), volt) == doctest::Approx(2.2980970388).epsilon(1e-10));
    CHECK(value_in(parse_voltage("1e-3V"), volt) == 1e-3);

    CHECK(value_in(parse_current("0.25"), ampere) == 0.25);
    CHECK(value_in(parse_current("0.25A"), ampere) == 0.25);
    CHECK(value_in(parse_current("250mA"), ampere) == 0.25);
    CHECK(value_in(parse_current("250uA"), ampere) == doctest::Approx(2.5e-4).epsilon(1e-15));
    CHECK(value_in(parse_current("0.25Arms"), ampere) == 0.25);
    CHECK(value_in(parse_current("250mArms"), ampere) == 0.25);
    CHECK(value_in(parse_current("1Apk"), ampere) == doctest::Approx(0.7071067812).epsilon(1e-10));
    CHECK(value_in(parse_current("4.6mApk"), ampere) == doctest::Approx(3.2526911934e-3).epsilon(1e-10));

    CHECK(value_in(parse_power("1"), watt) == 1.0);
    CHECK(value_in(parse_power("1W"), watt) == 1.0);
    CHECK(value_in(parse_power("200mW"), watt) == doctest::Approx(0.2).epsilon(1e-15));
    CHECK(value_in(parse_power("500uW"), watt) == doctest::Approx(5e-4).epsilon(1e-15));

    CHECK(value_in(parse_impedance("300"), ohm) == 300.0);
    CHECK(value_in(parse_impedance("300ohm"), ohm) == 300.0);
    CHECK(value_in(parse_impedance("300 ohms"), ohm) == 300.0);
    CHECK(value_in(parse_impedance("300 Ω"), ohm) == 300.0);
    CHECK(value_in(parse_impedance("1.2kohm"), ohm) == 1200.0);
    CHECK(value_in(parse_impedance("1.2kΩ"), ohm) == 1200.0);

    CHECK(value_in(parse_frequency("1000"), hertz) == 1000.0);
    CHECK(value_in(parse_frequency("1000Hz"), hertz) == 1000.0);
    CHECK(value_in(parse_frequency("1kHz"), hertz) == 1000.0);

    CHECK(parse_gain("6").db() == 6.0);
    CHECK(parse_gain("6dB").db() == 6.0);
    CHECK(parse_gain("-4.5 dB").db() == -4.5);
    CHECK(parse_gain("+0.98dB").db() == 0.98);

    CHECK(parse_spl("85").db() == 85.0);
    CHECK(parse_spl("85dB").db() == 85.0);
    CHECK(parse_spl("85 dB SPL").db() == 85.0);
    CHECK(parse_spl("85dBSPL").db() == 85.0);
}

TEST_CASE("value parsers reject garbage, non-finite numbers and wrong units with parse_error") {
    for (const char* t : {"", " ", "abc", "nan", "NaN", "inf", "-inf", "infinity", "7.5X", "7.5 mA", "V", "1e999",
                          "7.5VV", "--7.5", "+", "+-7.5", "++7.5", "+-7.5V"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_voltage(t), parse_error);
    }
    for (const char* t : {"", "nan", "inf", "250mV", "250 m A", "x"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_current(t), parse_error);
    }
    for (const char* t : {"", "nan", "1V", "1 kW"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_power(t), parse_error);
    }
    for (const char* t : {"", "inf", "300mohm", "300 Ohm"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_impedance(t), parse_error);
    }
    for (const char* t : {"", "nan", "1MHz"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_frequency(t), parse_error);
    }
    for (const char* t : {"", "nan", "6dBV", "6 db", "+-6dB"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_gain(t), parse_error);
    }
    for (const char* t : {"", "inf", "85dBA", "85 phon"}) {
        CAPTURE(t);
        CHECK_THROWS_AS((void)parse_spl(t), parse_error);
    }
    // The message names what was expected and gives an example.
    CHECK_THROWS_WITH_AS((void)parse_voltage("7.5X"), doctest::Contains("7.5V"), parse_error);
    CHECK_THROWS_WITH_AS((void)parse_current("nan"), doctest::Contains("finite"), parse_error);
}
