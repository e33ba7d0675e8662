// headroom pair, in-process through cli::run and as the real executable: the acceptance case, the JSON keys,
// the report, --help/--version, and bad input on every flag (exit 2, nothing on stdout, one line on stderr
// naming the flag).

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace {

using headroom::test::result;
using headroom::test::run;

// The acceptance case: 300 ohm, 97 dB/mW, 10 V, a 110 dB sine target.
const std::vector<std::string> acceptance{"pair",  "--impedance", "300", "--sensitivity", "97dB/mW",
                                          "--vmax", "10",          "--target", "110"};

std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
    return args;
}

bool one_line(const std::string& s) {
    return !s.empty() && s.back() == '\n' && std::count(s.begin(), s.end(), '\n') == 1;
}

}  // namespace

TEST_CASE("pair --json: the acceptance case") {
    const result r = run(with(acceptance, {"--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const auto j = nlohmann::json::parse(r.out);
    // 10^((110 - 102.2288) / 20) = 2.4466 V; 2.4466^2 / 300 = 19.95 mW (NwAvGuy's 110 dB row).
    CHECK(std::abs(j.at("required_power_w").get<double>() - 0.01995) < 5e-6);
    CHECK(std::abs(j.at("required_power_w").get<double>() - 0.019952623149688797) < 1e-12);

    CHECK(j.at("topology") == "single_ended");
    CHECK(std::abs(j.at("sensitivity_db_per_v").get<double>() - 102.22878745280337) < 1e-10);
    CHECK(std::abs(j.at("max_spl_db").get<double>() - 122.22878745280337) < 1e-10);
    CHECK(j.at("limit") == "voltage");
    CHECK(j.at("load_voltage_vrms").get<double>() == 10.0);
    CHECK(std::abs(j.at("load_current_arms").get<double>() - 10.0 / 300.0) < 1e-15);
    CHECK(std::abs(j.at("load_power_w").get<double>() - 100.0 / 300.0) < 1e-15);
    CHECK(j.at("damping_factor").is_null());  // a 0 ohm source
    CHECK(j.at("zout_loss_db").get<double>() == 0.0);
    CHECK(j.at("meets_one_eighth_rule").is_null());  // no --zout: the rule cannot be judged, and is never "met"
    CHECK(j.at("zout_stated") == false);  // no --zout: the three above assume 0 ohm
    CHECK(j.at("target_spl_db").get<double>() == 110.0);
    CHECK(std::abs(j.at("crest_factor_db").get<double>() - 3.0102999566398120) < 1e-12);
    CHECK(std::abs(j.at("required_voltage_vrms").get<double>() - 2.446586794885201) < 1e-12);
    CHECK(std::abs(j.at("required_current_arms").get<double>() - 2.446586794885201 / 300.0) < 1e-14);
    CHECK(std::abs(j.at("required_peak_voltage_v").get<double>() - 2.446586794885201 * std::sqrt(2.0)) < 1e-12);
    CHECK(std::abs(j.at("required_peak_current_a").get<double>() - 2.446586794885201 * std::sqrt(2.0) / 300.0) < 1e-14);
    CHECK(std::abs(j.at("required_open_circuit_voltage_vrms").get<double>() - 2.446586794885201) < 1e-12);
    CHECK(std::abs(j.at("headroom_db").get<double>() - 12.228787452803374) < 1e-10);
    CHECK(j.at("headroom_limit") == "voltage");
    // NIOSH at the A-weighted estimate: pink noise is 2.86 dB lower A-weighted, so 107.14 dB(A) and
    // 480 min / 2^(22.14/3) = 2.88 min (the unweighted 110 dB would give 1.49 min: twice too short).
    CHECK(std::abs(j.at("a_weighting_db").get<double>() - (-2.858)) < 1e-3);
    CHECK(std::abs(j.at("exposure_dba").get<double>() - (110.0 + j.at("a_weighting_db").get<double>())) < 1e-12);
    CHECK(std::abs(j.at("exposure_minutes").get<double>() - 480.0 / std::exp2((j.at("exposure_dba").get<double>() - 85.0) / 3.0)) < 1e-10);
    CHECK(std::abs(j.at("who_weekly_hours").get<double>() - 40.0 / std::exp2((j.at("exposure_dba").get<double>() - 80.0) / 3.0)) < 1e-10);
    CHECK(j.at("exposure_spectrum") == "pink noise, 20 Hz-20 kHz");
    CHECK(j.at("extrapolated").is_null());
    CHECK(j.at("derived") == false);
    CHECK(std::abs(j.at("required_sine_power_w").get<double>() - 0.019952623149688797) < 1e-12);
    // Not stated, so not reported.
    CHECK_FALSE(j.contains("exceeds_rated_power"));
    CHECK_FALSE(j.contains("hiss_spl_db"));
    CHECK_FALSE(j.contains("dynamic_range_db"));
    // Always present, null or empty where nothing makes them: no noise, so no verdict on the hiss; no attenuator; the
    // volume's position (12.23 dB below the 10 V full output: the headroom, for a sine) with no control named and no warning.
    CHECK(j.at("hiss_audibility").is_null());
    CHECK(j.at("attenuator").is_null());
    CHECK(j.at("volume_control").is_null());
    CHECK(j.at("volume_warnings").empty());
    CHECK(std::abs(j.at("volume_attenuation_db").get<double>() - 20.0 * std::log10(10.0 / 2.446586794885201)) < 1e-10);
    CHECK(j.size() == 40);
}

TEST_CASE("pair: an output impedance that is not stated is reported as unknown, not as ideal") {
    const auto report = [](const std::vector<std::string>& args) { return run(args).out; };
    const std::string unstated = report({"pair", "--impedance", "32", "--sensitivity", "100dB/mW", "--vmax", "2"});
    CHECK(unstated.find("Z_out not stated (0 ohm assumed)") != std::string::npos);
    CHECK(unstated.find("damping factor  unknown: no output impedance is stated") != std::string::npos);
    CHECK(unstated.find("Z_out loss") == std::string::npos);
    const std::string ideal = report({"pair", "--impedance", "32", "--sensitivity", "100dB/mW", "--vmax", "2", "--zout", "0"});
    CHECK(ideal.find("damping factor  unbounded (0 ohm source)  (1/8 rule met against 32 ohm)") != std::string::npos);
    CHECK(nlohmann::json::parse(report({"pair", "--impedance", "32", "--sensitivity", "100dB/mW", "--vmax", "2", "--zout", "0",
                                        "--json"}))
              .at("zout_stated") == true);
}

TEST_CASE("pair --json: Z_out, noise, rated power and bridging are reported") {
    const result r = run({"pair", "--impedance", "32", "--sensitivity", "110dB/V", "--vmax", "1", "--zout", "10",
                          "--noise", "10uV", "--rated-power", "10mW", "--bridge", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("topology") == "balanced");
    // Bridged: 2 V behind 20 ohm into 32 ohm = 1.2308 V; 47.34 mW > 10 mW rated.
    CHECK(std::abs(j.at("load_voltage_vrms").get<double>() - 2.0 * 32.0 / 52.0) < 1e-12);
    CHECK(std::abs(j.at("damping_factor").get<double>() - 1.6) < 1e-12);
    CHECK(std::abs(j.at("zout_loss_db").get<double>() - 20.0 * std::log10(32.0 / 52.0)) < 1e-12);
    CHECK(j.at("meets_one_eighth_rule") == false);
    CHECK(j.at("exceeds_rated_power") == true);
    // Noise bridged: x sqrt 2 (uncorrelated) to x 2 (correlated): 110 + 20 lg(14.14 uV x 32 / 52) = 8.7899 dB SPL
    // to 11.80 dB SPL; dynamic range against the lower, 20 lg(2 V / 14.14 uV) = 103.01.
    CHECK(j.at("derived") == true);
    CHECK(std::abs(j.at("hiss_spl_db").get<double>() - (110.0 + 20.0 * std::log10(1e-5 * std::sqrt(2.0) * 32.0 / 52.0))) < 1e-10);
    CHECK(std::abs(j.at("hiss_spl_db_max").get<double>() - (110.0 + 20.0 * std::log10(2e-5 * 32.0 / 52.0))) < 1e-10);
    CHECK(j.at("hiss_weighting") == "weighting not stated");
    CHECK(std::abs(j.at("dynamic_range_db").get<double>() - 20.0 * std::log10(2.0 / (1e-5 * std::sqrt(2.0)))) < 1e-10);
    CHECK_FALSE(j.contains("target_spl_db"));
    CHECK_FALSE(j.contains("headroom_db"));
}

TEST_CASE("pair --json: the programme's crest factor moves the binding limit") {
    // 32 ohm, 110 dB/V, 5 V and a 100 mW thermal limit: a sine hits the thermal limit, an 18 dB crest the voltage
    // limit. A 100 mW rating (--pmax) caps the peaks instead, so it binds for both.
    const std::vector<std::string> base{"pair", "--impedance", "32", "--sensitivity", "110dB/V", "--vmax", "5",
                                        "--thermal-power", "100mW", "--target", "95", "--json"};
    const auto sine = nlohmann::json::parse(run(base).out);
    CHECK(sine.at("limit") == "thermal");
    CHECK(sine.at("headroom_limit") == "thermal");
    const auto rated = nlohmann::json::parse(
        run({"pair", "--impedance", "32", "--sensitivity", "110dB/V", "--vmax", "5", "--pmax", "100mW", "--target", "95",
             "--crest", "18", "--json"})
            .out);
    CHECK(rated.at("headroom_limit") == "power");
    CHECK(std::abs(rated.at("headroom_db").get<double>() - (20.05149978319906 + 3.0102999566398120 - 18.0)) < 1e-10);
    CHECK(std::abs(sine.at("headroom_db").get<double>() - 20.05149978319906) < 1e-10);
    const auto music = nlohmann::json::parse(run(with(base, {"--crest", "18"})).out);
    CHECK(music.at("headroom_limit") == "voltage");
    CHECK(std::abs(music.at("headroom_db").get<double>() - 13.98970004336019) < 1e-10);
}

TEST_CASE("pair report names the binding limit") {
    const result r = run(acceptance);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("122.23 dB SPL") != std::string::npos);
    CHECK(r.out.find("limited by      voltage") != std::string::npos);
    CHECK(r.out.find("19.95 mW") != std::string::npos);
    CHECK(r.out.find("+12.23 dB") != std::string::npos);

    const auto limited_by = [](std::vector<std::string> args) {
        const result res = run(args);
        REQUIRE(res.code == 0);
        const auto at = res.out.find("limited by");
        REQUIRE(at != std::string::npos);
        return res.out.substr(at, res.out.find(':', at) - at);
    };
    CHECK(limited_by({"pair", "--impedance", "37", "--sensitivity", "105.7dB/V", "--vmax", "1.8166", "--imax",
                      "40mA"}) == "limited by      current");
    CHECK(limited_by({"pair", "--impedance", "32", "--sensitivity", "103dB/mW", "--vmax", "8.83", "--pmax", "1.2W"}) ==
          "limited by      power");
    CHECK(limited_by({"pair", "--impedance", "32", "--sensitivity", "103dB/mW", "--vmax", "8.83", "--thermal-power", "1.2W"}) ==
          "limited by      thermal");
    CHECK(limited_by({"pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--vmax", "7.5", "--source", "2V",
                      "--gain", "0dB"}) == "limited by      gain");
}

TEST_CASE("--help and --version exit 0 with output") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"pair", "--help"}, {"--version"}}) {
        CAPTURE(args.back());
        const result r = run(args);
        CHECK(r.code == 0);
        CHECK_FALSE(r.out.empty());
        CHECK(r.err.empty());
    }
    CHECK(run({"--version"}).out.find("headroom 0.") == 0);
    CHECK(run({"pair", "--help"}).out.find("--sensitivity") != std::string::npos);
}

TEST_CASE("--help: the usage line is the command a user types") {
    const auto usage = [](const std::vector<std::string>& args) {
        const std::string out = run(args).out;
        const auto at = out.find("Usage: ");
        return at == std::string::npos ? std::string{} : out.substr(at, out.find('\n', at) - at);
    };
    CHECK(usage({"--help"}) == "Usage: headroom [OPTIONS] SUBCOMMAND");
    CHECK(usage({"pair", "--help"}) == "Usage: headroom pair [OPTIONS]");
    CHECK(usage({"sweep", "--help"}) == "Usage: headroom sweep [OPTIONS]");
    CHECK(usage({"plot", "load", "--help"}) == "Usage: headroom plot load [OPTIONS]");
    CHECK(usage({"catalog", "import", "--help"}) == "Usage: headroom catalog import [OPTIONS] [file]");
}

TEST_CASE("bad input on every flag: exit 2, nothing on stdout, one line on stderr naming the flag") {
    struct bad {
        std::vector<std::string> args;
        std::string names;  // what the one line must mention
    };
    const std::vector<std::string> hp{"pair", "--impedance", "300", "--sensitivity", "97dB/mW"};
    const std::vector<std::string> ok = with(hp, {"--vmax", "10"});
    std::vector<bad> cases;
    const auto each = [&](const std::vector<std::string>& base, const std::string& flag,
                          std::initializer_list<std::string> values, std::initializer_list<std::string> also = {}) {
        for (const auto& v : values) {
            auto args = with(base, {flag, v});
            args.insert(args.end(), also);
            cases.push_back({args, flag});
        }
    };
    each({"pair", "--sensitivity", "97dB/mW", "--vmax", "10"}, "--impedance", {"-300", "0", "nan", "inf", "abc", "300V", ""});
    each({"pair", "--impedance", "300", "--vmax", "10"}, "--sensitivity",
         {"97dB", "97", "nan", "inf", "abc", "7.5X", "", "nandB/mW", "97dB/W", "-327mV@94dB", "94.6dB@0mA"});
    each(ok, "--rated-power", {"-1", "0", "nan", "inf", "abc", "1V", ""});
    each(hp, "--vmax", {"-1", "0", "nan", "inf", "abc", "10A", ""}, {"--pmax", "1"});
    each(ok, "--imax", {"-1", "0", "nan", "inf", "abc", "250mV", ""});
    each(ok, "--pmax", {"-1", "0", "nan", "inf", "abc", "1V", "", "1e9"});
    each(ok, "--thermal-power", {"-1", "0", "nan", "inf", "abc", "1V", ""});
    each(ok, "--source-resistance", {"-1", "nan", "abc", "1V", ""});
    each(ok, "--zout", {"-1", "nan", "inf", "abc", "1V", ""});
    each(hp, "--source", {"-2", "0", "nan", "inf", "abc", "2A", ""}, {"--gain", "6"});
    each(with(hp, {"--source", "2V"}), "--gain", {"nan", "inf", "abc", "6V", ""});
    each(ok, "--noise", {"-1", "0", "nan", "inf", "abc", "3uA", ""});
    each(ok, "--target", {"nan", "inf", "abc", "85V", ""});
    each(with(ok, {"--target", "85"}), "--crest", {"-1", "nan", "inf", "abc", "12V", ""});
    cases.push_back({with(ok, {"--frobnicate", "3"}), "--frobnicate"});
    cases.push_back({with(ok, {"--bridge", "--balanced"}), "--bridge"});
    cases.push_back({with(ok, {"--gain", "6"}), "--gain"});
    cases.push_back({with(ok, {"--crest", "12"}), "--crest"});
    cases.push_back({hp, "--target"});  // no amplifier: what the headphone needs, which needs a target
    cases.push_back({with(hp, {"--vmax"}), "--vmax"});  // no value
    cases.push_back({with(ok, {"--vmax", "12"}), "--vmax"});  // given twice
    cases.push_back({{"pair", "--sensitivity", "97dB/mW", "--vmax", "10"}, "--impedance"});  // required
    cases.push_back({{"pair", "--impedance", "300", "--vmax", "10"}, "--sensitivity"});  // required

    for (const auto& c : cases) {
        std::string line;
        for (const auto& a : c.args) line += "'" + a + "' ";
        CAPTURE(line);
        const result r = run(c.args);
        CAPTURE(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(one_line(r.err));
        CHECK(r.err.find(c.names) != std::string::npos);
    }
}

TEST_CASE("no subcommand, or an unknown one, is a usage error") {
    for (const auto& args : std::vector<std::vector<std::string>>{{}, {"frobnicate"}}) {
        const result r = run(args);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(one_line(r.err));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The real executable: exit status and streams as a shell sees them.

namespace {

std::string quoted(const std::vector<std::string>& args) {
    std::string s = "'" HEADROOM_CLI_PATH "'";
    for (const auto& a : args) s += " '" + a + "'";  // no argument here contains a quote
    return s;
}

// Runs the command, returning its exit status and what it wrote on the stream not sent to /dev/null.
result spawn(const std::string& command) {
    std::FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string text;
    std::array<char, 4096> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) text.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    REQUIRE(WIFEXITED(status));
    return {WEXITSTATUS(status), text, {}};
}

result spawn_stdout(const std::vector<std::string>& args) { return spawn(quoted(args) + " 2>/dev/null"); }
result spawn_stderr(const std::vector<std::string>& args) { return spawn(quoted(args) + " 2>&1 >/dev/null"); }

}  // namespace

TEST_CASE("the headroom executable: exit 0 for the acceptance case") {
    const result r = spawn_stdout(with(acceptance, {"--json"}));
    CHECK(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(std::abs(j.at("required_power_w").get<double>() - 0.019952623149688797) < 1e-12);
    CHECK(spawn_stderr(with(acceptance, {"--json"})).out.empty());
    CHECK(spawn_stdout({"--version"}).code == 0);
}

TEST_CASE("the headroom executable: exit 2, empty stdout, one line on stderr for bad input") {
    const std::vector<std::vector<std::string>> bad{
        {"pair", "--impedance", "-300", "--sensitivity", "97dB/mW", "--vmax", "10"},
        {"pair", "--impedance", "300", "--sensitivity", "97dB", "--vmax", "10"},
        {"pair", "--impedance", "300", "--sensitivity", "97dB/mW"},
        with(acceptance, {"--frobnicate"}),
    };
    for (const auto& args : bad) {
        CAPTURE(quoted(args));
        const result out = spawn_stdout(args);
        const result err = spawn_stderr(args);
        CHECK(out.code == 2);
        CHECK(out.out.empty());
        CHECK(err.code == 2);
        CHECK(one_line(err.out));
    }
}
