// Settings that are not gains (docs/physics.md section 8) and noise from a stated SNR (section 9): the catalog's
// kinds, the mode a load-sensed device selects, the advice among output-impedance selectors and gains, and the
// noise V_ref / 10^(SNR/20).

#include "headroom/analysis.hpp"
#include "headroom/catalog.hpp"
#include "headroom/compare.hpp"
#include "headroom/frontend/words.hpp"
#include "headroom/literals.hpp"
#include "headroom/recommend.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

using namespace headroom;
using namespace headroom::literals;

namespace {

std::string amp(const std::string& outputs) {
    return R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "Foo", "kind": "laptop", "basis": "spec", "source": "https://example.com/foo", "outputs": [)" +
           outputs + "]}]}";
}

// A jack that gives 1.25 V below 150 ohm and 3 V from 150 ohm, as Apple's laptops do.
const std::string apple_jack = R"({"name": "3.5mm", "topology": "single_ended", "gains": [
    {"name": "low", "kind": "load_sensed", "load_max": "150ohm", "vmax": "1.25V"},
    {"name": "high", "kind": "load_sensed", "load_min": "150ohm", "vmax": "3V"}]})";

std::string amp_error(const std::string& json) {
    try {
        (void)parse_amplifier_catalog(json, "amps.json");
    } catch (const catalog_error& e) {
        return e.what();
    }
    return "";
}

headphone hp(double ohms, double db_per_v = 105.0) { return {"hp", in_si(ohms, ohm), sensitivity::per_volt(spl::of_db(db_per_v))}; }

}  // namespace

TEST_CASE("a load-sensed output offers only the mode the device selects for the load") {
    const auto c = parse_amplifier_catalog(amp(apple_jack), "amps.json");
    const amplifier_output& o = c.front().outputs.front();
    CHECK(o.settings_kind() == setting_kind::load_sensed);
    for (const double z : {16.0, 32.0, 149.9}) {
        const auto open = o.settings_for(hp(z));
        REQUIRE(open.size() == 1);
        CHECK(open.front()->gain_name == "low");
    }
    for (const double z : {150.0, 300.0, 2000.0}) {
        const auto open = o.settings_for(hp(z));
        REQUIRE(open.size() == 1);
        CHECK(open.front()->gain_name == "high");
    }
    // options_of gives one option, of that kind; the comparison then has nothing to choose.
    const auto options = options_of(c.front(), hp(32));
    REQUIRE(options.size() == 1);
    CHECK(options.front().kind == setting_kind::load_sensed);
    CHECK(options.front().gain_setting == "low");
    // 1.25 V into 32 ohm at 105 dB/V: 106.94 dB SPL, not the 3 V mode's 114.54.
    const pair_analysis a = analyse(options.front().stage, hp(32));
    CHECK(std::abs(a.max.max_level.db() - (105.0 + 20.0 * std::log10(1.25))) < 1e-9);
}

TEST_CASE("through an attenuator a load-sensed output selects its mode by the load the amplifier sees") {
    const auto c = parse_amplifier_catalog(amp(apple_jack), "amps.json");
    const amplifier_output& o = c.front().outputs.front();
    // A 16 ohm IEM behind a 150 ohm series adapter: the jack sees 166 ohm and uses its 3 V mode.
    const attenuator series{"150 ohm adapter", in_si(150.0, ohm)};
    CHECK(o.settings_for(hp(16))[0]->gain_name == "low");
    CHECK(o.settings_for(hp(16), &series)[0]->gain_name == "high");
    const auto options = options_of(c.front(), hp(16), nullptr, &series);
    REQUIRE(options.size() == 1);
    CHECK(options.front().gain_setting == "high");
    // The same choice in a catalog sweep (the engine pairs the mode with the load the amplifier sees).
    const auto ranked = rank_outputs(hp(16), c, std::nullopt, gain::of_db(0.0), &series);
    REQUIRE(ranked.size() == 1);
    CHECK(ranked.front().advised.option.gain_setting == "high");
}

TEST_CASE("a load no mode claims gets the mode that gives the least there, so the answer errs low") {
    // The catalog refuses such modes (below); an output made in code may still have them.
    const auto mode = [](const char* name, double v, std::optional<double> lo, std::optional<double> hi) {
        output_spec s;
        s.open_circuit_voltage = in_si(v, volt);
        output_setting m{name, std::nullopt, output_stage{name, s}, setting_kind::load_sensed};
        if (lo) m.load_min = in_si(*lo, ohm);
        if (hi) m.load_max = in_si(*hi, ohm);
        return m;
    };
    const amplifier_output o{"3.5mm", topology::single_ended, "3.5mm", {mode("low", 1.0, std::nullopt, 100.0), mode("high", 3.0, 150.0, std::nullopt)}};
    const auto open = o.settings_for(hp(120));
    REQUIRE(open.size() == 1);
    CHECK(open.front()->gain_name == "low");
    // The catalog: the modes of a load-sensed output together claim every load.
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "low", "kind": "load_sensed", "load_max": "100ohm", "vmax": "1V"},
        {"name": "high", "kind": "load_sensed", "load_min": "150ohm", "vmax": "3V"}]})"))
              .find("gains: no load-sensed mode claims the loads from 100 ohm to 150 ohm") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "low", "kind": "load_sensed", "load_max": "100ohm", "vmax": "1V"}]})"))
              .find("gains: no load-sensed mode claims the loads from 100 ohm up") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "high", "kind": "load_sensed", "load_min": "16ohm", "vmax": "3V"}]})"))
              .find("gains: no load-sensed mode claims the loads from 0 ohm to 16 ohm") != std::string::npos);
}

TEST_CASE("setting kinds are checked where the catalog states them") {
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "x", "kind": "load_sensed", "vmax": "1V"}]})"))
              .find("load_min: or load_max is needed") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "x", "load_max": "100ohm", "vmax": "1V"}]})"))
              .find("load_max: belongs to a load-sensed mode") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "x", "kind": "load_sensed", "load_max": "200ohm", "vmax": "1V"},
        {"name": "y", "kind": "load_sensed", "load_min": "150ohm", "vmax": "3V"}]})"))
              .find("overlaps the loads of the mode 'x'") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "x", "kind": "output_impedance", "vmax": "1V"}]})"))
              .find("zout: is missing") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "x", "kind": "output_impedance", "zout": "1ohm", "vmax": "1V"},
        {"name": "y", "vmax": "2V"}]})"))
              .find("kind: 'gain' differs from the output's other settings ('output_impedance')") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [{"name": "x", "kind": "volume", "vmax": "1V"}]})"))
              .find("kind: 'volume' is not one of") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "gains": [
        {"name": "x", "kind": "load_sensed", "load_min": "300ohm", "load_max": "100ohm", "vmax": "1V"}]})"))
              .find("load_max: must be above load_min") != std::string::npos);
}

TEST_CASE("an output-impedance selector is advised by the 1/8 rule and Z_out, never by being the quietest") {
    // Enough headroom on every setting: the lowest Z_out that meets the rule, although 80R is the quietest.
    const auto c = parse_amplifier_catalog(amp(R"({"name": "6.35mm", "topology": "single_ended", "gains": [
        {"name": "8R", "kind": "output_impedance", "zout": "8.5ohm", "vmax": "10V"},
        {"name": "80R", "kind": "output_impedance", "zout": "77ohm", "vmax": "10V"}]})"),
                                           "amps.json");
    const headphone hd600 = hp(300, 103.7);
    const comparison cmp = compare_outputs(options_of(c.front(), hd600), hd600, programme{spl::of_db(95), gain::of_db(18)});
    CHECK(cmp.best().option.gain_setting == "8R");
    CHECK(cmp.best().recommended_gain);
    CHECK_FALSE(cmp.best().fails_one_eighth_for_headroom);
}

TEST_CASE("a setting that fails the 1/8 rule is advised only when those that meet it lack the headroom, and the verdict says why") {
    // Into 32 ohm: 'flat' (1 ohm) meets the rule with 0.5 V; 'loud' (10 ohm) fails it with 10 V.
    const auto c = parse_amplifier_catalog(amp(R"({"name": "out", "topology": "single_ended", "gains": [
        {"name": "flat", "zout": "1ohm", "vmax": "0.5V"},
        {"name": "loud", "zout": "10ohm", "vmax": "10V"}]})"),
                                           "amps.json");
    const headphone iem = hp(32, 100);
    const auto options = options_of(c.front(), iem);
    // A quiet programme: both have headroom, and the one that meets the rule is advised.
    const comparison quiet = compare_outputs(options, iem, programme{spl::of_db(70)});
    CHECK(quiet.best().option.gain_setting == "flat");
    // A loud one: only 'loud' has the headroom.
    const comparison loud = compare_outputs(options, iem, programme{spl::of_db(105), gain::of_db(15)});
    CHECK(loud.best().option.gain_setting == "loud");
    CHECK(loud.best().fails_one_eighth_for_headroom);
    const auto lines = frontend::verdict_lines(loud);
    CHECK(lines.back().find("fails the 1/8 rule") != std::string::npos);
    // Among gains that all meet the rule and have headroom, still the quietest.
    const auto g = parse_amplifier_catalog(amp(R"({"name": "out", "topology": "single_ended", "zout": "0.1ohm", "gains": [
        {"name": "high", "vmax": "8V"}, {"name": "low", "vmax": "2V"}]})"),
                                           "amps.json");
    CHECK(compare_outputs(options_of(g.front(), iem), iem, programme{spl::of_db(80)}).best().option.gain_setting == "low");
}

TEST_CASE("noise from a stated SNR is V_ref / 10^(SNR/20), against the stated level or else the maximum swing") {
    // 120 dB against 2 V: 2 uV.
    auto c = parse_amplifier_catalog(amp(R"({"name": "a", "topology": "single_ended", "vmax": "4V", "snr": "120dB",
        "snr_reference": "2V", "noise_weighting": "A-weighted"})"),
                                     "amps.json");
    const auto& n = *c.front().outputs.front().settings.front().stage.noise();
    CHECK(std::abs(value_in(n.high(), volt) - 2e-6) < 1e-18);
    CHECK(n.weighting() == noise_weighting::a_weighted);
    REQUIRE(n.derivation());
    CHECK(n.derivation()->reference_stated);
    // No reference: the largest swing the figures give, here the power table's sqrt(1 W x 300 ohm) = 17.32 V over
    // the 4 V vmax: an upper bound on the noise.
    c = parse_amplifier_catalog(amp(R"({"name": "a", "topology": "single_ended", "vmax": "4V", "power": ["1W@300ohm"],
        "snr": "110dB"})"),
                                "amps.json");
    const auto& m = *c.front().outputs.front().settings.front().stage.noise();
    CHECK(std::abs(value_in(m.high(), volt) - std::sqrt(300.0) * std::pow(10.0, -110.0 / 20.0)) < 1e-15);
    CHECK_FALSE(m.derivation()->reference_stated);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "imax": "1A", "snr": "110dB"})"))
              .find("snr: needs snr_reference, or a vmax") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "vmax": "1V", "snr": "110dB", "noise": "2uV"})"))
              .find("snr: and noise exclude each other") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "vmax": "1V", "snr": "-3dB"})"))
              .find("must be positive") != std::string::npos);
    CHECK(amp_error(amp(R"({"name": "a", "topology": "single_ended", "vmax": "1V", "snr_reference": "2V"})"))
              .find("snr_reference: needs the snr") != std::string::npos);
}

TEST_CASE("pair: Apple's load-sensed jack into a 32 ohm planar is its 1.25 V mode, never the 3 V one") {
    const auto r = test::run({"pair", "--headphone", "HiFiMan Sundara", "--amp", "Apple MacBook Pro 14/16 (2021) headphone jack",
                              "--target", "100", "--crest", "18", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(std::abs(j.at("load_voltage_vrms").get<double>() - 1.25) < 1e-12);
    CHECK(j.at("headroom_db").get<double>() < -6.0);
    // Naming the other mode is refused: the device, not the user, picks it.
    const auto named = test::run({"pair", "--headphone", "HiFiMan Sundara", "--amp", "Apple MacBook Pro 14/16 (2021) headphone jack",
                                  "--gain", "load 150 ohm to 1 kohm"});
    CHECK(named.code == 2);
    CHECK(named.err.find("headroom pair: --gain:") == 0);
    // Into a 300 ohm headphone it is the 3 V mode.
    const auto hd600 = test::run({"pair", "--headphone", "Sennheiser HD600", "--amp", "Apple MacBook Pro 14/16 (2021) headphone jack", "--json"});
    REQUIRE(hd600.code == 0);
    CHECK(std::abs(nlohmann::json::parse(hd600.out).at("load_voltage_vrms").get<double>() - 3.0) < 1e-12);
}

TEST_CASE("pair: the T+A HA 200's output-impedance settings are advised by the 1/8 rule, and --output takes a kind") {
    const auto r = test::run({"pair", "--headphone", "Sennheiser HD600 (measured)", "--amp", "T+A HA 200 (measured)", "--target", "95",
                              "--crest", "18", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto& best = j.at("outputs").at(j.at("verdict").at("ranking").at(0).get<std::size_t>());
    CHECK(best.at("gain_setting") == "8R");
    CHECK(best.at("meets_one_eighth_rule") == true);
    const auto k19 = test::run({"pair", "--headphone", "Sennheiser HD600 (measured)", "--amp", "FiiO K19", "--output", "balanced", "--json"});
    REQUIRE(k19.code == 0);
    CHECK(nlohmann::json::parse(k19.out).at("topology") == "balanced");
    const auto none = test::run({"pair", "--headphone", "Sennheiser HD600", "--amp", "Schiit Magni 2", "--output", "balanced"});
    CHECK(none.code == 2);
    CHECK(none.err.find("has no balanced output") != std::string::npos);
}

TEST_CASE("sweep: a catalog sweep pairs each load-sensed mode only with the headphones whose load selects it") {
    const auto amps = load_amplifier_catalog(test::source_dir / "data" / "amplifiers.json");
    const auto headphones = load_headphone_catalog(test::source_dir / "data" / "headphones.json");
    // Per stage, in the order the sweep numbers them: its setting.
    std::vector<const output_setting*> stages;
    for (const auto& a : amps)
        for (const auto& o : a.outputs)
            for (const auto& s : o.settings) stages.push_back(&s);
    const auto selects = [&](std::size_t j, std::size_t i) { return stages[j]->selected_for(limit_load(headphones[i].model)); };
    std::int64_t expected = 0, unselected = 0;
    for (std::size_t i = 0; i < headphones.size(); ++i)
        for (std::size_t j = 0; j < stages.size(); ++j) (selects(j, i) ? expected : unselected) += 1;
    REQUIRE(unselected > 0);  // the bundled catalog has load-sensed jacks

    for (const char* precision : {"float", "double"}) {
        CAPTURE(precision);
        const auto r = test::run({"sweep", "--json", "--precision", precision, "--top", std::to_string(stages.size())});
        REQUIRE(r.code == 0);
        const auto j = nlohmann::json::parse(r.out);
        CHECK(j["outputs"] == stages.size());
        CHECK(j["pairs"] == expected);
        std::int64_t bound = 0;
        for (const auto& [name, count] : j["binding"].items()) bound += count.get<std::int64_t>();
        CHECK(bound == expected);
        // Every headphone's list holds every output it meets, and no mode its load does not select.
        std::int64_t listed = 0, wrong = 0;
        for (const auto& h : j["top"]) {
            const auto i = h["headphone"].get<std::size_t>();
            for (const auto& b : h["best"]) {
                ++listed;
                wrong += selects(b["output"].get<std::size_t>(), i) ? 0 : 1;
            }
        }
        CHECK(listed == expected);
        CHECK(wrong == 0);
    }
    // --out: a row per pair that exists.
    const auto rows = test::run({"sweep", "--out", "-"});
    REQUIRE(rows.code == 0);
    CHECK(std::count(rows.out.begin(), rows.out.end(), '\n') == expected + 1);  // and the header
    CHECK(rows.out.find(",nan,") == std::string::npos);
    // --across-frequency: the same pairs.
    const auto across = test::run({"sweep", "--across-frequency", "--json"});
    REQUIRE(across.code == 0);
    CHECK(nlohmann::json::parse(across.out)["pairs"] == expected);
}
