// headroom fit, headroom catalog and headroom pair with catalog gear or a power table, run in-process against a
// small catalog written by the test (so that the expected numbers do not move when the bundled data grows).

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using headroom::test::result;
using headroom::test::run;

// A folder holding a two-entry catalog; removed with the fixture.
struct test_catalog {
    std::filesystem::path dir = headroom::test::temp_path("cli_catalog");
    test_catalog() {
        std::filesystem::create_directories(dir);
        std::ofstream{dir / "headphones.json"} << R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "Test HD", "type": "over-ear dynamic", "impedance": "300ohm", "sensitivity": "97dB/mW", "basis": "spec", "source": "test"},
  {"name": "Test IEM", "type": "iem", "impedance": "16ohm", "sensitivity": "110dB/mW", "basis": "measured", "source": "test"}]})";
        std::ofstream{dir / "amplifiers.json"} << R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "Test Amp", "kind": "desktop", "basis": "spec", "source": "test", "outputs": [
    {"name": "se", "topology": "single_ended", "power": ["460mW@32ohm", "50mW@300ohm"]},
    {"name": "bal", "topology": "balanced", "zout": "1ohm",
     "gains": [{"name": "low", "vmax": "2V"}, {"name": "high", "vmax": "8V", "imax": "200mA"}]}]}]})";
    }
    ~test_catalog() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    test_catalog(const test_catalog&) = delete;
    test_catalog& operator=(const test_catalog&) = delete;
};

void check_usage_error(const result& r, const std::string& fragment) {
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(fragment) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE("headroom fit prints the stage and the per-point errors") {
    const auto r = run({"fit", "--power", "1.2W@32", "--power", "300mW@300ohm", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    // sqrt(0.3 * 300) = 9.487 V; sqrt(1.2 / 32) = 193.6 mA; no power limit.
    CHECK(j["vmax_vrms"].get<double>() == doctest::Approx(9.486833).epsilon(1e-6));
    CHECK(j["imax_arms"].get<double>() == doctest::Approx(0.1936492).epsilon(1e-6));
    CHECK(j["pmax_w"].is_null());
    CHECK(j["zout_ohm"].get<double>() == 0.0);
    REQUIRE(j["points"].size() == 2);
    CHECK(j["points"][0]["load_ohm"].get<double>() == 32.0);
    CHECK(j["points"][0]["power_w"].get<double>() == doctest::Approx(1.2));
    CHECK(j["points"][0]["model_power_w"].get<double>() == doctest::Approx(1.2));
    CHECK(std::abs(j["points"][0]["error_db"].get<double>()) < 1e-9);
    CHECK(j["max_error_db"].get<double>() < 1e-9);

    const auto text = run({"fit", "--power", "1.2W@32", "--power", "300mW@300", "--zout", "0.2"});
    REQUIRE(text.code == 0);
    CHECK(text.out.find("voltage+current limited, Z_out 0.2 ohm") != std::string::npos);

    check_usage_error(run({"fit", "--power", "1.2W"}), "--power");
    check_usage_error(run({"fit", "--power", "-1W@32"}), "--power");
    check_usage_error(run({"fit", "--power", "1W@32", "--zout", "-1"}), "--zout");
}

TEST_CASE("catalog gear without a zout: Z_out is reported as not stated") {
    const test_catalog c;
    const std::string dir = c.dir.string();
    const auto pair_json = [&](const std::vector<std::string>& output_args) {
        std::vector<std::string> args{"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--json"};
        args.insert(args.end(), output_args.begin(), output_args.end());
        const auto r = run(args);
        REQUIRE(r.code == 0);
        return nlohmann::json::parse(r.out);
    };
    CHECK(pair_json({"--output", "se"})["zout_stated"] == false);
    CHECK(pair_json({"--output", "bal", "--gain", "low"})["zout_stated"] == true);
    const auto text = run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--output", "se"});
    CHECK(text.out.find("Z_out not stated (0 ohm assumed)") != std::string::npos);
    const auto listing = run({"catalog", "amps", "--catalog-dir", dir, "--json"});
    REQUIRE(listing.code == 0);
    const auto amps = nlohmann::json::parse(listing.out)["amplifiers"];
    CHECK(amps[0]["outputs"][0]["computed"]["zout_stated"] == false);
    CHECK(amps[0]["outputs"][1]["gains"][0]["computed"]["zout_stated"] == true);
    CHECK(run({"catalog", "amps", "--catalog-dir", dir}).out.find("Z_out not stated") != std::string::npos);
}

TEST_CASE("headroom pair takes gear from the catalog") {
    const test_catalog c;
    const std::string dir = c.dir.string();
    // The high setting of the balanced output: 8 V behind 1 ohm into 300 ohm is 8 * 300/301 = 7.973 V (I_max
    // 200 mA allows 60 V), and 97 dB/mW at 300 ohm is 102.23 dB/V: 102.23 + 20 lg 7.973 = 120.26 dB SPL.
    const auto r = run({"pair", "--catalog-dir", dir, "--headphone", "test hd", "--amp", "TEST AMP", "--output", "Bal",
                        "--gain", "high", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["topology"] == "balanced");
    CHECK(j["load_voltage_vrms"].get<double>() == doctest::Approx(7.973422).epsilon(1e-6));
    CHECK(j["max_spl_db"].get<double>() == doctest::Approx(120.2616).epsilon(1e-5));
    CHECK(j["limit"] == "voltage");

    // Into the 16 ohm IEM the same setting runs out of current: 0.2 A * 16 ohm = 3.2 V (8 V * 16/17 = 7.53 V).
    const auto iem = run({"pair", "--catalog-dir", dir, "--headphone", "Test IEM", "--amp", "Test Amp", "--output", "bal",
                          "--gain", "HIGH", "--json"});
    REQUIRE(iem.code == 0);
    CHECK(nlohmann::json::parse(iem.out)["limit"] == "current");
    CHECK(nlohmann::json::parse(iem.out)["load_voltage_vrms"].get<double>() == doctest::Approx(3.2));

    // A catalog device's balanced output is never derived from its single-ended figures: --bridge picks its own.
    const auto own = run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--bridge", "--gain",
                          "high", "--json"});
    REQUIRE(own.code == 0);
    CHECK(nlohmann::json::parse(own.out)["derived"] == false);
    CHECK(nlohmann::json::parse(own.out)["load_voltage_vrms"].get<double>() == doctest::Approx(7.973422).epsilon(1e-6));
    check_usage_error(run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--output", "se", "--bridge"}),
                      "--bridge: 'se' is single-ended");

    const auto report = run({"pair", "--catalog-dir", dir, "--headphone", "test hd", "--amp", "test amp", "--output", "bal",
                             "--gain", "high"});
    REQUIRE(report.code == 0);
    CHECK(report.out.find("Test HD: 300 ohm") != std::string::npos);
    CHECK(report.out.find("Test Amp / bal / high, balanced: V_oc 8 V") != std::string::npos);

    check_usage_error(run({"pair", "--catalog-dir", dir, "--headphone", "Test HX", "--amp", "Test Amp", "--output", "se"}),
                      "--headphone: no headphone 'Test HX'; did you mean 'Test HD'");
    check_usage_error(run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp"}),
                      "--output: amplifier 'Test Amp' has several outputs: choose one of 'se', 'bal'");
    check_usage_error(run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--output", "bal"}),
                      "--gain: output 'bal' has gain settings: choose one of 'low', 'high'");
    check_usage_error(run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--output", "bal",
                           "--gain", "low", "--bridge", "--balanced"}),
                      "--balanced");
    check_usage_error(run({"pair", "--catalog-dir", "/nonexistent/folder", "--headphone", "Test HD", "--vmax", "1"}),
                      "--catalog-dir");
    check_usage_error(run({"pair", "--vmax", "1"}), "--impedance and --sensitivity, or --headphone");
    check_usage_error(run({"pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--vmax", "1", "--gain", "6"}),
                      "--gain needs --source");
}

TEST_CASE("headroom pair uses a power table as stated, and bridges it") {
    // FiiO K11 R2R single-ended, 460 mW @ 32 ohm and 50 mW @ 300 ohm. Bridged, each leg sees half the load: 920 mW
    // at 64 ohm and 100 mW at 600 ohm, so at 300 ohm the straight line between them on the log-log graph gives 7.723 V,
    // 198.8 mW (the maker's balanced figure is 220 mW: the derivation errs low).
    const auto r = run({"pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--power", "460mW@32", "--power",
                        "50mW@300", "--bridge", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["topology"] == "balanced");
    CHECK(j["derived"] == true);
    CHECK(j["limit"] == "power");
    CHECK(j["load_power_w"].get<double>() == doctest::Approx(0.198836).epsilon(1e-5));
    // Single-ended at a stated load: exactly the rating.
    const auto se = nlohmann::json::parse(
        run({"pair", "--impedance", "32", "--sensitivity", "97dB/mW", "--power", "460mW@32", "--power", "50mW@300", "--json"}).out);
    CHECK(se["load_power_w"].get<double>() == doctest::Approx(0.46).epsilon(1e-12));
    // Into 16 ohm, below the table: no more current than at 32 ohm, and the result says it is extrapolated.
    const auto low = nlohmann::json::parse(
        run({"pair", "--impedance", "16", "--sensitivity", "97dB/mW", "--power", "460mW@32", "--power", "50mW@300", "--json"}).out);
    CHECK(low["limit"] == "current");
    CHECK(low["load_power_w"].get<double>() == doctest::Approx(0.23).epsilon(1e-12));
    CHECK(low["extrapolated"]["below"] == true);
    CHECK(low["extrapolated"]["factor"].get<double>() == doctest::Approx(2.0));
    const auto text = run({"pair", "--impedance", "16", "--sensitivity", "97dB/mW", "--power", "460mW@32"});
    CHECK(text.out.find("extrapolated    16 ohm is 2x below the lowest stated load (32 ohm)") != std::string::npos);
    check_usage_error(run({"pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--power", "1W"}), "--power");
    check_usage_error(run({"pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--power", "1W@32", "--power", "2W@32"}),
                      "--power");
}

TEST_CASE("headroom catalog lists entries with name and source") {
    const test_catalog c;
    const auto h = run({"catalog", "headphones", "--json", "--catalog-dir", c.dir.string()});
    REQUIRE(h.code == 0);
    const auto doc = nlohmann::json::parse(h.out);
    CHECK(doc["format"] == "headroom-catalog-1");
    const auto hj = doc["headphones"];
    REQUIRE(hj.size() == 2);
    CHECK(hj[0]["name"] == "Test HD");
    CHECK(hj[0]["source"] == "test");
    CHECK(hj[0]["impedance"] == "300ohm");
    CHECK(hj[0]["sensitivity"] == "97dB/mW");
    CHECK(hj[0]["computed"]["sensitivity_db_per_v"].get<double>() == doctest::Approx(102.2288).epsilon(1e-5));
    const auto a = run({"catalog", "amps", "--json", "--catalog-dir", c.dir.string()});
    REQUIRE(a.code == 0);
    const auto aj = nlohmann::json::parse(a.out)["amplifiers"];
    REQUIRE(aj.size() == 1);
    CHECK(aj[0]["name"] == "Test Amp");
    CHECK(aj[0]["source"] == "test");
    REQUIRE(aj[0]["outputs"].size() == 2);
    CHECK(aj[0]["outputs"][1]["gains"].size() == 2);
    CHECK(aj[0]["outputs"][0]["power"] == nlohmann::json::array({"0.46W@32ohm", "0.05W@300ohm"}));
    const auto table = run({"catalog", "amps", "--catalog-dir", c.dir.string()});
    CHECK(table.out.find("Test Amp (desktop, spec)") != std::string::npos);
    CHECK(run({"catalog", "speakers"}).code == 2);
}

TEST_CASE("the bundled catalog is found without --catalog-dir") {
    const auto r = run({"catalog", "headphones", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out)["headphones"];
    CHECK(j.size() > 10);
    for (const auto& e : j) CHECK_FALSE(e["source"].get<std::string>().empty());
}

TEST_CASE("headroom sweep ranks catalog outputs per headphone") {
    const test_catalog c;
    const auto r = run({"sweep", "--amps", (c.dir / "amplifiers.json").string(), "--headphones",
                        (c.dir / "headphones.json").string(), "--precision", "double", "--threads", "1", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["outputs"] == 3);  // se, bal/low, bal/high
    CHECK(j["headphones"] == 2);
    REQUIRE(j["top"].size() == 2);
    const auto& hd = j["top"][0];
    CHECK(hd["headphone_name"] == "Test HD");
    REQUIRE(hd["best"].size() == 3);  // a catalog sweep keeps the three best by default
    // Into 300 ohm at 102.23 dB/V, for an 85 dB sine: high 8 V * 300/301 gives 120.26 dB (+35.26 dB), the fitted
    // single-ended 3.855 V gives 113.95 dB (+28.95 dB), low 2 V * 300/301 gives 108.22 dB (+23.22 dB).
    CHECK(hd["best"][0]["output_name"] == "Test Amp / bal / high");
    CHECK(hd["best"][0]["headroom_db"].get<double>() == doctest::Approx(35.2617).epsilon(1e-4));
    CHECK(hd["best"][1]["output_name"] == "Test Amp / se");
    CHECK(hd["best"][2]["output_name"] == "Test Amp / bal / low");
    CHECK(hd["best"][2]["headroom_db"].get<double>() == doctest::Approx(23.2205).epsilon(1e-4));

    const auto text = run({"sweep", "--amps", (c.dir / "amplifiers.json").string(), "--headphones",
                           (c.dir / "headphones.json").string(), "--top", "1"});
    REQUIRE(text.code == 0);
    CHECK(text.out.find("Test HD: Test Amp / bal / high (+35.26 dB, voltage)\n") != std::string::npos);
    check_usage_error(run({"sweep", "--amps", (c.dir / "nothing.json").string()}), "cannot open the catalog");
}
