// headroom pair across frequency: --impedance-curve, --driver and --eq, in the report and in JSON.

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using headroom::test::result;
using headroom::test::run;

using headroom::test::source_dir;

std::string temp_file(const std::string& name, const std::string& text) {
    const auto p = headroom::test::temp_path("cli_freq_" + name);
    std::ofstream{p} << text;
    return p.string();
}

const std::vector<std::string> hd600_on_30_ohm{"pair", "--impedance", "300", "--sensitivity", "103.7dB/V", "--vmax", "5",
                                               "--zout", "30", "--target", "100"};

std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

}  // namespace

TEST_CASE("pair --impedance-curve --json: the response spread, the impedance minimum, worst headroom") {
    // 300 ohm with a 600 ohm plateau at 90-120 Hz, behind 30 ohm: 20 lg(600/630) - 20 lg(300/330) = 0.404 dB.
    const auto csv = temp_file("peak.csv", "frequency_hz,magnitude_ohm\n20,300\n80,300\n90,600\n120,600\n140,300\n20000,300\n");
    const auto r = run(with(hd600_on_30_ohm, {"--impedance-curve", csv, "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["fr_deviation_db"].get<double>() == doctest::Approx(0.404067722));
    CHECK(j["min_impedance_ohm"].get<double>() == doctest::Approx(300.0));
    CHECK(j["min_impedance_hz"].get<double>() == 20.0);
    // 5 V behind 30 ohm into 300: 103.7 + 20 lg(5 * 300/330) = 116.85 dB; the 600 ohm plateau is louder.
    CHECK(j["worst_max_spl_db"].get<double>() == doctest::Approx(103.7 + 20.0 * std::log10(5.0 * 300.0 / 330.0)));
    CHECK(j["worst_max_spl_limit"] == "voltage");
    CHECK(j["worst_headroom_db"].get<double>() == doctest::Approx(3.7 + 20.0 * std::log10(5.0 * 300.0 / 330.0)));
    CHECK(j["worst_headroom_hz"].get<double>() == 20.0);
    CHECK_FALSE(j.contains("eq_max_boost_db"));
    const auto report = run(with(hd600_on_30_ohm, {"--impedance-curve", csv}));
    CHECK(report.out.find("response        0.40 dB spread from the output impedance") != std::string::npos);
    CHECK(report.out.find("caution") == std::string::npos);  // 300 ohm at 1 kHz, as stated
    std::filesystem::remove(csv);
}

TEST_CASE("pair --eq: the boost without the preamp, and headroom that pays for it") {
    const auto eq = (source_dir / "tests/data/autoeq/Sennheiser HD 650 ParametricEQ.txt").string();
    const auto r = run(with(hd600_on_30_ohm, {"--eq", eq, "--json"}));
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["eq_max_boost_db"].get<double>() == doctest::Approx(6.09).epsilon(0.005 / 6.09));
    CHECK(j["eq_max_boost_hz"].get<double>() == doctest::Approx(20.0));
    CHECK(j["eq_preamp_db"].get<double>() == -6.1);
    // No curve: a resistive 300 ohm, so the worst headroom is the flat headroom minus the largest boost.
    CHECK(j["worst_headroom_db"].get<double>() == doctest::Approx(j["headroom_db"].get<double>() - j["eq_max_boost_db"].get<double>()));
    CHECK_FALSE(j.contains("fr_deviation_db"));
}

TEST_CASE("pair --driver: the report names the impedance minimum and the current limit") {
    // Re 28 ohm: the minimum sits above the resonance, where 40 mA into ~28 ohm binds before 2 V.
    const auto r = run({"pair", "--impedance", "32", "--sensitivity", "100dB/mW", "--vmax", "2", "--imax", "40mA", "--zout", "10",
                        "--driver", "Re=28,Le=0.05mH,fs=80Hz,Qms=3,Qes=0.8"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Across 20 Hz-20 kHz (impedance: Re=28,Le=0.05mH,fs=80Hz,Qms=3,Qes=0.8)") != std::string::npos);
    CHECK(r.out.find("max sine        lowest") != std::string::npos);
    CHECK(r.out.find("limited by current") != std::string::npos);
    CHECK(r.out.find("impedance       min 28") != std::string::npos);
    // |Z(1 kHz)| = 28.2 ohm is more than 10 % from --impedance 32, which the dB/mW conversion used.
    CHECK(r.out.find("caution         the curve's 28.") != std::string::npos);
    CHECK(r.out.find("differs from --impedance 32 ohm") != std::string::npos);
}

TEST_CASE("pair across frequency: bad files and values are one line on stderr, exit 2, nothing on stdout") {
    const auto bad_csv = temp_file("bad.csv", "20,300\n30,abc\n");
    auto r = run(with(hd600_on_30_ohm, {"--impedance-curve", bad_csv}));
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "headroom pair: --impedance-curve: " + bad_csv + ":2: magnitude_ohm 'abc' is not a number\n");

    const auto bad_eq = temp_file("bad_eq.txt", "Preamp: -3 dB\nFilter 1: ON XX Fc 100 Hz Gain 3 dB Q 1\n");
    r = run(with(hd600_on_30_ohm, {"--eq", bad_eq}));
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "headroom pair: --eq: " + bad_eq + ":2: filter type 'XX' is not PK, LSC or HSC\n");

    r = run(with(hd600_on_30_ohm, {"--driver", "Re=28,fs=80"}));
    CHECK(r.code == 2);
    CHECK(r.err == "headroom pair: --driver: driver parameter Le is missing (give Re, Le, fs, Qms, Qes)\n");

    r = run(with(hd600_on_30_ohm, {"--driver", "Re=28,Le=0,fs=80,Qms=1,Qes=1", "--impedance-curve", bad_csv}));
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("excludes") != std::string::npos);

    for (const char* flag : {"--eq", "--impedance-curve", "--driver"}) {
        r = run(with(hd600_on_30_ohm, {flag, ""}));
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(flag) != std::string::npos);
        CHECK(r.err.find("empty") != std::string::npos);
    }

    r = run(with(hd600_on_30_ohm, {"--eq", "/nonexistent/eq.txt"}));
    CHECK(r.err == "headroom pair: --eq: /nonexistent/eq.txt: cannot open the EQ: No such file or directory\n");
    std::filesystem::remove(bad_csv);
    std::filesystem::remove(bad_eq);
}
