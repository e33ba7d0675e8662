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
    // Without --output (or --gain) every output and gain setting is compared: see the comparison tests.
    CHECK(run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp"}).out.find("Verdict") != std::string::npos);
    check_usage_error(run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--output", "bal",
                           "--gain", "low", "--bridge", "--balanced"}),
                      "--balanced");
    check_usage_error(run({"pair", "--catalog-dir", "/nonexistent/folder", "--headphone", "Test HD", "--vmax", "1"}),
                      "--catalog-dir");
    check_usage_error(run({"pair", "--vmax", "1"}), "--impedance and --sensitivity, or --headphone");
    check_usage_error(run({"pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--vmax", "1", "--gain", "6"}),
                      "--gain: needs the source level it follows (--source)");
}

TEST_CASE("pair compares every output and gain setting of a catalog amplifier, with a verdict") {
    const test_catalog c;
    const std::string dir = c.dir.string();
    const auto compare = [&](std::vector<std::string> more, const char* target = "95") {
        std::vector<std::string> args{"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--target", target,
                                      "--crest", "18", "--json"};
        args.insert(args.end(), more.begin(), more.end());
        const auto r = run(args);
        REQUIRE(r.code == 0);
        return nlohmann::json::parse(r.out);
    };
    const auto j = compare({});
    REQUIRE(j["outputs"].size() == 3);  // se, bal/low, bal/high
    // Each entry equals the single-output run of the same stage.
    for (const auto& e : j["outputs"]) {
        std::vector<std::string> one{"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--output",
                                     e["output"].get<std::string>(), "--target", "95", "--crest", "18", "--json"};
        if (!e["gain_setting"].is_null()) one.insert(one.end(), {"--gain", e["gain_setting"].get<std::string>()});
        const auto single = nlohmann::json::parse(run(one).out);
        CAPTURE(e["output"]);
        CHECK(e["max_spl_db"] == single["max_spl_db"]);
        CHECK(e["headroom_db"] == single["headroom_db"]);
        CHECK(e["limit"] == single["limit"]);
    }
    // The gain advice for 'bal': the quietest setting with enough headroom (low: 2 V gives 2 x 300/301 V at the
    // load, 108.2 dB SPL sine, +-0 headroom short of 95 + 15; high: 8 V). At 95 dB with 18 dB peaks low falls short.
    CHECK(j["outputs"][1]["recommended_gain"] == false);
    CHECK(j["outputs"][2]["recommended_gain"] == true);
    CHECK(j["verdict"]["output"] == "bal");
    CHECK(j["verdict"]["gain_setting"] == "high");
    const auto& bvs = j["verdict"]["balanced_vs_single_ended"];
    CHECK(bvs["balanced"] == "bal");
    CHECK(bvs["headroom_db"].get<double>() == doctest::Approx(j["outputs"][2]["headroom_db"].get<double>() -
                                                              j["outputs"][0]["headroom_db"].get<double>()));
    // At a quiet level the low setting is enough and is advised: more volume-knob travel, less hiss.
    const auto quiet = compare({}, "70");
    CHECK(quiet["outputs"][1]["recommended_gain"] == true);
    // --output picks one output and compares its settings.
    CHECK(compare({"--output", "bal"})["outputs"].size() == 2);
    const auto text = run({"pair", "--catalog-dir", dir, "--headphone", "Test HD", "--amp", "Test Amp", "--target", "95", "--crest", "18"});
    CHECK(text.out.find("bal: ") != std::string::npos);
    CHECK(text.out.find("headroom over se") != std::string::npos);
    CHECK(text.out.find("use bal (high gain)") != std::string::npos);
}

TEST_CASE("pair with a headphone and no amplifier, and need: what the headphone needs") {
    const auto need = run({"need", "--impedance", "32", "--sensitivity", "100dB/V", "--target", "100", "--crest", "18", "--json"});
    REQUIRE(need.code == 0);
    const auto j = nlohmann::json::parse(need.out);
    // 100 dB at 100 dB/V is 1 V RMS into 32 ohm: 31.25 mA, 31.25 mW; peaks 10^(18/20) = 7.943 V; a sine rated
    // (7.943 / sqrt 2)^2 / 32 = 985.9 mW; after 2 V: 20 lg(5.617 / 2) = +8.97 dB.
    CHECK(j["required_voltage_vrms"].get<double>() == doctest::Approx(1.0));
    CHECK(j["required_power_w"].get<double>() == doctest::Approx(0.03125));
    CHECK(j["required_peak_voltage_v"].get<double>() == doctest::Approx(7.943282347));
    CHECK(j["required_sine_power_w"].get<double>() == doctest::Approx(0.985867));
    CHECK(j["gain_after_source_db"].get<double>() == doctest::Approx(8.9691).epsilon(1e-4));
    CHECK(j["zout_ohm"].is_null());
    const auto same = run({"pair", "--impedance", "32", "--sensitivity", "100dB/V", "--target", "100", "--crest", "18", "--json"});
    CHECK(nlohmann::json::parse(same.out) == j);
    check_usage_error(run({"need", "--impedance", "32", "--sensitivity", "100dB/V"}), "--target");
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

TEST_CASE("catalog --json round-trips into sweep --headphones/--amps from any folder, curves included") {
    const std::filesystem::path dir = headroom::test::temp_path("catalog_round_trip");
    std::filesystem::create_directories(dir);
    const auto h = run({"catalog", "headphones", "--json"});
    const auto a = run({"catalog", "amps", "--json"});
    REQUIRE(h.code == 0);
    REQUIRE(a.code == 0);
    // Elsewhere than the bundled folder, so that a curve path relative to it would not be found.
    std::ofstream{dir / "h.json"} << h.out;
    std::ofstream{dir / "a.json"} << a.out;
    const std::vector<std::string> common{"--precision", "double", "--threads", "1", "--json", "--top", "3"};
    std::vector<std::string> bundled{"sweep"};
    bundled.insert(bundled.end(), common.begin(), common.end());
    std::vector<std::string> copied{"sweep", "--headphones", (dir / "h.json").string(), "--amps", (dir / "a.json").string()};
    copied.insert(copied.end(), common.begin(), common.end());
    const auto x = run(bundled);
    const auto y = run(copied);
    CAPTURE(y.err);
    REQUIRE(x.code == 0);
    REQUIRE(y.code == 0);
    const auto jx = nlohmann::json::parse(x.out);
    const auto jy = nlohmann::json::parse(y.out);
    CHECK(jx["top"] == jy["top"]);
    CHECK(jx["headroom_db"] == jy["headroom_db"]);
    CHECK(nlohmann::json::parse(h.out)["headphones"].size() == jx["headphones"].get<std::size_t>());
    std::filesystem::remove_all(dir);
}

TEST_CASE("headroom sweep ranks catalog outputs per headphone") {
    const test_catalog c;
    const auto r = run({"sweep", "--amps", (c.dir / "amplifiers.json").string(), "--headphones",
                        (c.dir / "headphones.json").string(), "--precision", "double", "--threads", "1", "--top", "3", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["outputs"] == 3);  // se, bal/low, bal/high
    CHECK(j["headphones"] == 2);
    REQUIRE(j["top"].size() == 2);
    const auto& hd = j["top"][0];
    CHECK(hd["headphone_name"] == "Test HD");
    REQUIRE(hd["best"].size() == 3);
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

TEST_CASE("catalog headphones --json reads back from any folder with its curves inline, and analyses the same") {
    const auto dir = headroom::test::temp_path("elsewhere");
    std::filesystem::create_directories(dir);
    const result exported = run({"catalog", "headphones", "--json"});
    REQUIRE(exported.code == 0);
    CHECK(exported.out.find(headroom::test::source_dir.string()) == std::string::npos);  // no path of this machine
    std::ofstream{dir / "mine.json"} << exported.out;
    std::filesystem::copy_file(headroom::test::source_dir / "data/amplifiers.json", dir / "amps.json");
    // The same headphones from the copy, with the same curves: sweep --json is the same, but its timings.
    const auto sweep = [&](const std::vector<std::string>& files) {
        std::vector<std::string> a{"sweep", "--target", "95", "--crest", "18", "--json", "--precision", "double"};
        a.insert(a.end(), files.begin(), files.end());
        auto j = nlohmann::json::parse(run(a).out);
        for (const char* k : {"seconds", "pairs_per_second", "cpu_seconds", "pairs_per_cpu_second", "threads"}) j.erase(k);
        return j;
    };
    CHECK(sweep({"--headphones", (dir / "mine.json").string(), "--amps", (dir / "amps.json").string()}) == sweep({}));
    std::filesystem::rename(dir / "mine.json", dir / "headphones.json");
    std::filesystem::rename(dir / "amps.json", dir / "amplifiers.json");
    const result there = run({"pair", "--catalog-dir", dir.string(), "--headphone", "Sennheiser HD650 (measured)", "--amp", "FiiO K19", "--json"});
    const result here = run({"pair", "--headphone", "Sennheiser HD650 (measured)", "--amp", "FiiO K19", "--json"});
    REQUIRE(there.code == 0);
    CHECK(there.out == here.out);
    std::filesystem::remove_all(dir);
}
