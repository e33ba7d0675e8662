#include "headroom/analysis.hpp"
#include "headroom/catalog.hpp"
#include "headroom/frontend/lookup.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace headroom;

namespace {

// A one-amplifier catalog whose first output's fields are `fields` (a JSON fragment).
std::string amp_with(const std::string& fields) {
    return R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "Foo", "kind": "desktop", "basis": "spec", "source": "https://example.com/foo",
   "outputs": [{"name": "balanced", "topology": "balanced", )" +
           fields + "}]}]}";
}

std::string headphone_with(const std::string& fields) {
    return R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "Bar", "type": "over-ear dynamic", "basis": "spec", "source": "maker", )" +
           fields + "}]}";
}

// The message of the catalog_error `json` raises, or "" when it loads.
std::string amp_error(const std::string& json) {
    try {
        (void)parse_amplifier_catalog(json, "amps.json");
    } catch (const catalog_error& e) {
        return e.what();
    }
    return "";
}

std::string headphone_error(const std::string& json) {
    try {
        (void)parse_headphone_catalog(json, "phones.json");
    } catch (const catalog_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a headphone entry loads with every field") {
    const auto c = parse_headphone_catalog(headphone_with(R"("impedance": "300ohm", "sensitivity": "97dB/mW",
        "sensitivity_frequency": "500Hz", "rated_power": "200mW", "note": "n")"),
                                           "phones.json");
    REQUIRE(c.size() == 1);
    const auto& h = c.front();
    CHECK(h.name() == "Bar");
    CHECK(h.type == headphone_type::over_ear_dynamic);
    CHECK(h.basis == figure_basis::spec);
    CHECK(value_in(h.model.nominal_impedance(), ohm) == doctest::Approx(300.0));
    // 97 dB/mW at 300 ohm is 97 + 10 lg(1000/300) = 102.23 dB/V (docs/physics.md section 2).
    CHECK(h.model.sensitivity_per_volt().db() == doctest::Approx(102.2288).epsilon(1e-5));
    CHECK(value_in(*h.model.sensitivity_frequency(), hertz) == doctest::Approx(500.0));
    CHECK(h.model.sensitivity_off_1khz());
    CHECK(value_in(*h.model.rated_power(), watt) == doctest::Approx(0.2));
    CHECK(h.source == "maker");
    CHECK(h.note == "n");
}

TEST_CASE("an output's limits, power points and gain settings become output stages") {
    SUBCASE("stated limits") {
        const auto c = parse_amplifier_catalog(
            amp_with(R"("vmax": "6.5Vpp", "imax": "250mA", "zout": "0.5ohm", "noise": "3uV", "connector": "4.4mm")"),
            "amps.json");
        const auto& out = frontend::find_output(c.at(0), "BALANCED");  // names match ignoring case
        CHECK(out.kind == topology::balanced);
        CHECK(out.connector == "4.4mm");
        const auto& s = frontend::find_setting(out, "");
        CHECK(s.stage.kind() == topology::balanced);
        CHECK(value_in(*s.stage.open_circuit_voltage(), volt) == doctest::Approx(2.298097).epsilon(1e-6));  // 6.5 / 2 sqrt 2
        CHECK(value_in(*s.stage.current_limit(), ampere) == doctest::Approx(0.25));
        CHECK(value_in(s.stage.output_impedance(), ohm) == doctest::Approx(0.5));
        CHECK(value_in(s.stage.noise()->low(), volt) == doctest::Approx(3e-6));
        CHECK(s.stage.noise()->weighting() == noise_weighting::not_stated);
        CHECK_FALSE(s.stage.ratings());
    }
    SUBCASE("power points are kept as a rating table") {
        const auto c = parse_amplifier_catalog(amp_with(R"("power": ["1.2W@32ohm", "300mW@300ohm"], "noise": "2uV",
            "noise_weighting": "A-weighted", "thermal_power": "2W")"), "amps.json");
        const auto& s = c.at(0).outputs.at(0).settings.at(0);
        REQUIRE(s.stage.ratings());
        CHECK(s.stage.ratings()->points().size() == 2);
        CHECK(value_in(s.stage.ratings()->lowest_load(), ohm) == 32.0);
        CHECK(value_in(*s.stage.thermal_power(), watt) == 2.0);
        CHECK(s.stage.noise()->weighting() == noise_weighting::a_weighted);
        CHECK_FALSE(s.stage.open_circuit_voltage());
        CHECK(s.stage.name() == "Foo / balanced");
    }
    SUBCASE("gain settings override the output's figures") {
        // The low setting states its own vmax, which replaces the output's limits as a set (imax included); the
        // high setting inherits the output's vmax and imax. zout is inherited by both.
        const auto c = parse_amplifier_catalog(amp_with(R"("vmax": "7V", "imax": "300mA", "zout": "1ohm",
            "source_level": "2V", "gains": [{"name": "low", "gain": "0dB", "vmax": "2.2V"}, {"name": "high", "gain": "10dB"}])"),
                                               "amps.json");
        const auto& out = c.at(0).outputs.at(0);
        REQUIRE(out.settings.size() == 2);
        const auto& low = frontend::find_setting(out, "Low");
        CHECK(value_in(*low.stage.open_circuit_voltage(), volt) == doctest::Approx(2.2));
        CHECK_FALSE(low.stage.current_limit());
        CHECK(value_in(low.stage.output_impedance(), ohm) == doctest::Approx(1.0));
        CHECK(value_in(*low.stage.gain_limited_voltage(), volt) == doctest::Approx(2.0));
        const auto& high = frontend::find_setting(out, "high");
        CHECK(value_in(*high.stage.open_circuit_voltage(), volt) == doctest::Approx(7.0));
        CHECK(value_in(*high.stage.current_limit(), ampere) == doctest::Approx(0.3));
        CHECK(high.stated_gain->db() == doctest::Approx(10.0));
        CHECK(value_in(*high.stage.gain_limited_voltage(), volt) == doctest::Approx(6.324555).epsilon(1e-6));  // 2 V x 10^(10/20)
        CHECK(high.stage.name() == "Foo / balanced / high");
        CHECK_THROWS_WITH_AS((void)frontend::find_setting(out, ""), "output 'balanced' has settings: choose one of 'low', 'high'",
                             frontend::unknown_name);
        CHECK_THROWS_AS((void)frontend::find_setting(out, "medium"), frontend::unknown_name);
    }
}

TEST_CASE("a personal catalog may say basis \"own\" without a source; spec and measured figures need one") {
    const auto own = parse_headphone_catalog(R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "My IEM", "type": "iem", "impedance": "16ohm", "sensitivity": "108dB/mW", "basis": "own"}]})",
                                             "mine.json");
    REQUIRE(own.size() == 1);
    CHECK(own.front().basis == figure_basis::own);
    CHECK(own.front().source.empty());
    const auto amp = parse_amplifier_catalog(R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "My Amp", "kind": "portable", "basis": "own", "outputs": [{"name": "3.5mm", "topology": "single_ended", "vmax": "2V"}]}]})",
                                             "mine.json");
    CHECK(amp.front().source.empty());
    for (const char* basis : {"spec", "measured"}) {
        CAPTURE(basis);
        CHECK(headphone_error(std::string{R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "My IEM", "type": "iem", "impedance": "16ohm", "sensitivity": "108dB/mW", "basis": ")"} + basis + R"("}]})") ==
              "phones.json: headphone 'My IEM': source: is missing");
    }
}

TEST_CASE("broken catalogs give one error naming file, entry and field") {
    CHECK(amp_error(amp_with(R"("vmax": "-3V")")) == "amps.json: amplifier 'Foo' output 'balanced': vmax: '-3V' must be positive");
    CHECK(amp_error(amp_with(R"("vmax": 7.5)")) == "amps.json: amplifier 'Foo' output 'balanced': vmax: must be a string, not number");
    CHECK(amp_error(amp_with(R"("vmax": "7.5")")) ==
          "amps.json: amplifier 'Foo' output 'balanced': vmax: '7.5' needs a unit (e.g. 7.5V)");
    CHECK(amp_error(amp_with(R"("vmax": "7.5V", "knob": "11")")).starts_with(
        "amps.json: amplifier 'Foo' output 'balanced': knob: is not a field of an output (fields: name, topology"));
    CHECK(amp_error(amp_with(R"("vmax": "7.5A")")).starts_with(
        "amps.json: amplifier 'Foo' output 'balanced': vmax: '7.5A' is not a voltage"));
    CHECK(amp_error(amp_with(R"("zout": "-1ohm", "vmax": "1V")")) ==
          "amps.json: amplifier 'Foo' output 'balanced': zout: '-1ohm' must not be negative");
    CHECK(amp_error(amp_with(R"("zout": "1ohm")")) ==
          "amps.json: amplifier 'Foo' output 'balanced': vmax: no limit is stated: give at least one of vmax, imax, pmax, "
          "thermal_power, power or source_level");
    CHECK(amp_error(amp_with(R"("power": ["1.2W@32"])")) ==
          "amps.json: amplifier 'Foo' output 'balanced': power: '32' needs a unit (e.g. 1.2W@32ohm)");
    CHECK(amp_error(amp_with(R"("power": ["-1.2W@32ohm"])")) ==
          "amps.json: amplifier 'Foo' output 'balanced': power: '-1.2W@32ohm' must be positive");
    CHECK(amp_error(amp_with(R"("power": "1.2W@32ohm")")) ==
          "amps.json: amplifier 'Foo' output 'balanced': power: must be an array of strings like \"1.2W@32ohm\", not string");
    CHECK(amp_error(amp_with(R"("vmax": "1V", "gains": [{"name": "low", "vmax": "0V"}])")) ==
          "amps.json: amplifier 'Foo' output 'balanced' gain 'low': vmax: '0V' must be positive");
    CHECK(amp_error(amp_with(R"("vmax": "1V", "gains": [{"name": "low"}, {"name": "LOW"}])")) ==
          "amps.json: amplifier 'Foo' output 'balanced' gain 'LOW': name: duplicates 'low' (names are unique, ignoring case)");
    CHECK(amp_error(R"({"format": "headroom-catalog-1", "amplifiers": [
        {"name": "Foo", "kind": "desktop", "basis": "spec", "source": "s", "outputs": [{"name": "o", "topology": "balanced", "vmax": "1V"}]},
        {"name": "FOO", "kind": "desktop", "basis": "spec", "source": "s", "outputs": [{"name": "o", "topology": "balanced", "vmax": "1V"}]}]})") ==
          "amps.json: amplifier 'FOO': name: duplicates 'Foo' (names are unique, ignoring case)");
    CHECK(amp_error(R"({"format": "headroom-catalog-1", "amplifiers": [
        {"name": "Foo", "kind": "tube", "basis": "spec", "source": "s", "outputs": []}]})") ==
          "amps.json: amplifier 'Foo': kind: 'tube' is not one of 'desktop', 'portable', 'dongle', 'dap', 'phone', 'laptop'");
    CHECK(amp_error(R"({"format": "headroom-catalog-1", "amplifiers": [
        {"name": "Foo", "kind": "dap", "basis": "spec", "source": "", "outputs": []}]})") ==
          "amps.json: amplifier 'Foo': source: must not be empty");
    CHECK(amp_error(R"({"format": "headroom-catalog-2", "amplifiers": []})") ==
          "amps.json: format: 'headroom-catalog-2' is not 'headroom-catalog-1'");
    CHECK(amp_error(R"({"format": "headroom-catalog-1", "amplifiers": [], "extra": 1})") ==
          "amps.json: extra: is not a top-level field (fields: format, amplifiers)");
    CHECK(amp_error(R"({"format": "headroom-catalog-1", "amplifiers": [{"kind": "dap"}]})") ==
          "amps.json: amplifier #1: name: is missing");

    CHECK(headphone_error(headphone_with(R"("impedance": "300ohm", "sensitivity": "97dB")")).starts_with(
        "phones.json: headphone 'Bar': sensitivity: '97dB' is not a sensitivity: give its unit"));
    CHECK(headphone_error(headphone_with(R"("impedance": "0ohm", "sensitivity": "97dB/mW")")) ==
          "phones.json: headphone 'Bar': impedance: '0ohm' must be positive");
    CHECK(headphone_error(headphone_with(R"("impedance": ["300ohm"], "sensitivity": "97dB/mW")")) ==
          "phones.json: headphone 'Bar': impedance: must be a string, not array");
    CHECK(headphone_error(headphone_with(R"("sensitivity": "97dB/mW")")) == "phones.json: headphone 'Bar': impedance: is missing (e.g. 300ohm)");
    CHECK(headphone_error(headphone_with(R"("impedance": "300ohm", "sensitivity": "97dB/mW", "colour": "black")")).starts_with(
        "phones.json: headphone 'Bar': colour: is not a field of a headphone"));
    CHECK(headphone_error(headphone_with(R"("impedance": "300ohm", "sensitivity": "97dB/mW", "impedance_curve": "nowhere.csv")"))
              .starts_with("phones.json: headphone 'Bar': impedance_curve: 'nowhere.csv' is not a file"));
    CHECK(headphone_error(headphone_with(R"("impedance": "300ohm", "sensitivity": "97dB/mW", "impedance": "32ohm")")) ==
          "phones.json: entry #1 'Bar': impedance: is given twice in one object");
}

TEST_CASE("an impedance curve is read relative to the catalog and checked") {
    const auto dir = headroom::test::temp_path("catalog_curve");
    std::filesystem::create_directories(dir / "curves");
    std::ofstream{dir / "curves" / "good.csv"} << "frequency_hz,magnitude_ohm\n20,500\n1000,300\n";
    std::ofstream{dir / "curves" / "bad.csv"} << "20,500\n1000,-300\n";
    const auto with_curve = [](const char* path) {
        return headphone_with(std::string{R"("impedance": "300ohm", "sensitivity": "97dB/mW", "impedance_curve": ")"} + path + "\"");
    };
    const auto c = parse_headphone_catalog(with_curve("curves/good.csv"), "phones.json", dir);
    CHECK(c.at(0).impedance_curve == "curves/good.csv");
    REQUIRE(c.at(0).model.curve() != nullptr);
    CHECK(value_in(c.at(0).model.curve()->magnitude_at(in_si(20.0, hertz)), ohm) == doctest::Approx(500.0));
    try {
        (void)parse_headphone_catalog(with_curve("curves/bad.csv"), "phones.json", dir);
        FAIL("expected a catalog_error");
    } catch (const catalog_error& e) {
        CHECK(e.entry() == "headphone 'Bar'");
        CHECK(e.field() == "impedance_curve");
        CHECK(std::string{e.what()}.find("bad.csv:2: magnitude_ohm '-300' must be positive") != std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("bad JSON is reported at file:line:column") {
    const std::string text = "{\"format\": \"headroom-catalog-1\",\n  \"headphones\": [\n    {\"name\": \"Bar\",}\n  ]}";
    const std::string e = headphone_error(text);
    CHECK(e.starts_with("phones.json:3:20: invalid JSON: "));
    CHECK(headphone_error("").starts_with("phones.json:1:1: invalid JSON: "));
    // The JSON library reports an out-of-range number apart from syntax errors (found by the fuzzer).
    CHECK(headphone_error(R"({"format": "headroom-catalog-1", "headphones": [], "x": 2.5e308})") ==
          "phones.json:1:57: invalid JSON: number overflow parsing '2.5e308'");
    CHECK(headphone_error("[1, 2]") == "phones.json: the top level must be an object with \"format\" and \"headphones\"");
}

TEST_CASE("lookups ignore case and suggest near names") {
    const auto c = parse_headphone_catalog(R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "Sennheiser HD600", "type": "over-ear dynamic", "impedance": "300ohm", "sensitivity": "97dB/mW", "basis": "spec", "source": "s"},
  {"name": "Sennheiser HD650", "type": "over-ear dynamic", "impedance": "300ohm", "sensitivity": "103dB/V", "basis": "spec", "source": "s"},
  {"name": "Koss Porta Pro", "type": "on-ear", "impedance": "60ohm", "sensitivity": "101dB/mW", "basis": "spec", "source": "s"}]})",
                                           "phones.json");
    CHECK(frontend::find_headphone(c, "sennheiser hd600").name() == "Sennheiser HD600");
    CHECK_THROWS_WITH_AS((void)frontend::find_headphone(c, "HD 600"),
                         "no headphone 'HD 600'; did you mean 'Sennheiser HD600', 'Sennheiser HD650'?", std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)frontend::find_headphone(c, "Koss Porta Pr0"), "no headphone 'Koss Porta Pr0'; did you mean 'Koss Porta Pro'?",
                         std::invalid_argument);
    CHECK(frontend::near_names({"HIFIMAN Sundara", "HIFIMAN Arya", "Sennheiser HD600"}, "Sundra") == std::vector<std::string>{"HIFIMAN Sundara"});
    CHECK(frontend::near_names({"HIFIMAN Sundara", "Sennheiser HD600"}, "Sennhiser HD600") == std::vector<std::string>{"Sennheiser HD600"});
    CHECK(frontend::near_names({"HIFIMAN Sundara", "Sennheiser HD600"}, "Beyerdynamic DT 770").empty());
    const auto near = frontend::near_names({"Topping A50s", "Topping A90", "Schiit Magni 2"}, "topping a50");
    REQUIRE(near.size() == 2);
    CHECK(near[0] == "Topping A50s");
}

#ifdef HEADROOM_TEST_DATA_DIR
TEST_CASE("every pair in the bundled catalog analyses without error") {
    const std::filesystem::path dir{HEADROOM_TEST_DATA_DIR};
    const auto headphones = load_headphone_catalog(dir / "headphones.json");
    const auto amplifiers = load_amplifier_catalog(dir / "amplifiers.json");
    CHECK(headphones.size() > 10);
    CHECK(amplifiers.size() > 5);
    const programme music{spl::of_db(85.0), gain::of_db(18.0)};
    std::size_t pairs = 0;
    for (const auto& a : amplifiers) {
        CHECK_FALSE(a.source.empty());
        for (const auto& o : a.outputs)
            for (const auto& s : o.settings) {
                CAPTURE(s.stage.name());
                for (const auto& h : headphones) {
                    const pair_analysis r = analyse(s.stage, h.model, music);
                    CHECK(std::isfinite(r.max.max_level.db()));
                    CHECK(std::isfinite(r.headroom->margin.db()));
                    ++pairs;
                }
            }
    }
    CHECK(pairs == headphones.size() * [&] {
        std::size_t n = 0;
        for (const auto& a : amplifiers)
            for (const auto& o : a.outputs) n += o.settings.size();
        return n;
    }());
}
#endif
