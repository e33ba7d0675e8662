// Every input reaches the answer or is refused: for every option of every subcommand, as the parser itself lists
// them (its --help), a probe shows that giving it changes the output, or that it is refused with exit 2 where it
// cannot apply. An option without a probe fails the test, so a new flag cannot arrive untested.

#include "headroom/fields.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace headroom;
using headroom::test::run;

namespace {

using args = std::vector<std::string>;

// The options a subcommand's --help lists ("--vmax", ...), without --help itself.
std::set<std::string> options_of(const args& subcommand) {
    args help = subcommand;
    help.push_back("--help");
    const auto r = run(help);
    std::set<std::string> flags;
    const std::regex flag{R"(^\s+(?:-[a-z],)?(--[a-z][a-z0-9-]*))"};
    std::size_t at = 0;
    const std::string& text = r.out;
    while (at < text.size()) {
        const std::size_t end = text.find('\n', at);
        const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        std::smatch m;
        if (std::regex_search(line, m, flag) && m[1] != "--help") flags.insert(m[1]);
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return flags;
}

struct probe {
    args base;  // a command that succeeds
    args with;  // the same with the option (and whatever it needs)
};

// The output without its timings (a sweep's seconds and rates), which differ from run to run.
std::string timeless(const std::string& out) {
    static const std::regex timing{R"([^\n]*(seconds|pairs_per|pairs/s)[^\n]*\n)"};
    return std::regex_replace(out, timing, "");
}

// What an option did: changed the output, or was refused on one line with exit 2.
void check_probe(const std::string& flag, const probe& p) {
    CAPTURE(flag);
    const auto base = run(p.base);
    INFO("base: ", base.err);
    REQUIRE(base.code == 0);
    const auto r = run(p.with);
    INFO("with the option: ", r.err);
    if (r.code == 2) {
        CHECK(r.out.empty());
        CHECK(r.err.find('\n') == r.err.size() - 1);
        return;
    }
    REQUIRE(r.code == 0);
    CHECK(timeless(r.out) != timeless(base.out));
}

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

args with(args a, const args& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const std::string curve_csv = (headroom::test::source_dir / "data" / "curves" / "sennheiser_hd650.csv").string();
const std::string own_catalog = (headroom::test::source_dir / "tests" / "data" / "own_catalog.json").string();
std::string spec_text(const char* name) { return (headroom::test::source_dir / "tests" / "data" / "spec_sheets" / name).string(); }
const std::string eq_file = (headroom::test::source_dir / "tests" / "data" / "autoeq" / "Sennheiser HD 650 ParametricEQ.txt").string();

// A value for each flag of the fields table that binds in the probes below (an example may not change a figure).
const std::map<std::string, std::string> table_values{
    {"--vmax", "0.2V"},          {"--imax", "2mA"},           {"--pmax", "1mW"},       {"--thermal-power", "1mW"},
    {"--source-resistance", "30ohm"}, {"--power", "1mW@32ohm"}, {"--zout", "10ohm"}, {"--source", "0.1V"},
    {"--noise", "5uV"},          {"--snr", "100dB"},          {"--snr-reference", "1V"}, {"--noise-weighting", "A-weighted"},
    {"--rated-power", "1mW"},    {"--sensitivity-frequency", "500Hz"},
};

}  // namespace

TEST_CASE("option coverage: every flag of pair, need, plot, fit, catalog and sweep changes the answer or is refused") {
    const args pair_typed{"pair", "--impedance", "32", "--sensitivity", "100dB/V", "--vmax", "1", "--target", "90", "--crest", "12", "--json"};
    const args pair_catalog{"pair", "--headphone", "Sennheiser HD600", "--amp", "FiiO K19", "--target", "90", "--json"};
    const args need{"need", "--impedance", "32", "--sensitivity", "100dB/V", "--target", "90", "--json"};
    const args load{"plot", "load", "--vmax", "1", "--out", "-"};
    const args response{"plot", "response", "--impedance-curve", curve_csv, "--zout", "1", "--out", "-"};
    const args fit{"fit", "--power", "1W@32ohm", "--power", "100mW@300ohm"};
    const args catalog{"catalog", "amps"};
    const args sweep{"sweep", "--target", "90", "--json"};
    const args synthetic{"sweep", "--synthetic", "5x20", "--json"};
    const auto strip = [](args a, std::size_t n) { return args(a.begin(), a.end() - static_cast<long>(n)); };

    std::map<std::string, std::map<std::string, probe>> probes;
    auto& p = probes["pair"];
    for (const auto& [flag, value] : table_values)
        if (flag != "--snr-reference" && flag != "--noise-weighting") p[flag] = {pair_typed, with(pair_typed, {flag, value})};
    // (A source level alone is unity gain; the gain needs it; an SNR's reference and weighting need the SNR.)
    p["--gain"] = {with(pair_typed, {"--source", "1V"}), with(pair_typed, {"--source", "1V", "--gain", "-6dB"})};
    p["--snr-reference"] = {with(pair_typed, {"--snr", "100dB"}), with(pair_typed, {"--snr", "100dB", "--snr-reference", "0.1V"})};
    p["--noise-weighting"] = {with(pair_typed, {"--noise", "5uV"}), with(pair_typed, {"--noise", "5uV", "--noise-weighting", "A-weighted"})};
    p["--impedance"] = {pair_typed, {"pair", "--impedance", "300", "--sensitivity", "100dB/V", "--vmax", "1", "--target", "90", "--crest", "12", "--json"}};
    p["--sensitivity"] = {pair_typed, {"pair", "--impedance", "32", "--sensitivity", "97dB/mW", "--vmax", "1", "--target", "90", "--crest", "12", "--json"}};
    p["--headphone"] = {pair_typed, {"pair", "--headphone", "HiFiMan Sundara", "--vmax", "1", "--target", "90", "--crest", "12", "--json"}};
    p["--amp"] = {pair_typed, {"pair", "--impedance", "32", "--sensitivity", "100dB/V", "--amp", "FiiO K19", "--target", "90", "--json"}};
    p["--output"] = {pair_catalog, with(pair_catalog, {"--output", "balanced"})};
    p["--bridge"] = {pair_typed, with(pair_typed, {"--bridge"})};
    p["--balanced"] = {pair_typed, with(pair_typed, {"--balanced"})};
    p["--target"] = {strip(pair_typed, 5), with(strip(pair_typed, 5), {"--target", "90", "--json"})};
    p["--crest"] = {pair_typed, with(strip(pair_typed, 3), {"--crest", "18", "--json"})};
    p["--catalog-dir"] = {pair_catalog, with(pair_catalog, {"--catalog-dir", "/nonexistent"})};
    // (catalog import's test pairs an own catalog's entries; here a missing file is refused, not ignored.)
    p["--own-catalog"] = {pair_catalog, with(pair_catalog, {"--own-catalog", "/nonexistent.json"})};
    p["--impedance-curve"] = {pair_typed, with(pair_typed, {"--impedance-curve", curve_csv})};
    p["--driver"] = {pair_typed, with(pair_typed, {"--driver", "Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5"})};
    p["--eq"] = {pair_catalog, with(pair_catalog, {"--eq", eq_file})};
    p["--json"] = {strip(pair_typed, 1), pair_typed};
    // An attenuator between the output and the headphone; a shunt or a rating alone is refused (it needs --series).
    const std::string adapter = "Etymotic ER4PT P-to-S adapter";
    p["--series"] = {pair_typed, with(pair_typed, {"--series", "10ohm"})};
    p["--shunt"] = {pair_typed, with(pair_typed, {"--shunt", "1ohm"})};
    p["--resistor-rating"] = {with(pair_typed, {"--series", "10ohm"}), with(pair_typed, {"--series", "10ohm", "--resistor-rating", "1mW"})};
    p["--attenuator"] = {pair_typed, with(pair_typed, {"--attenuator", adapter})};
    p["--volume"] = {pair_typed, with(pair_typed, {"--volume", "analog"})};

    auto& n = probes["need"];
    n["--impedance"] = {need, {"need", "--impedance", "300", "--sensitivity", "100dB/V", "--target", "90", "--json"}};
    n["--sensitivity"] = {need, {"need", "--impedance", "32", "--sensitivity", "90dB/mW", "--target", "90", "--json"}};
    n["--headphone"] = {need, {"need", "--headphone", "HiFiMan Sundara", "--target", "90", "--json"}};
    n["--sensitivity-frequency"] = {need, with(need, {"--sensitivity-frequency", "500Hz"})};
    n["--rated-power"] = {need, with(need, {"--rated-power", "1mW"})};
    n["--zout"] = {need, with(need, {"--zout", "10ohm"})};
    n["--target"] = {need, {"need", "--impedance", "32", "--sensitivity", "100dB/V", "--target", "100", "--json"}};
    n["--crest"] = {need, with(need, {"--crest", "18"})};
    n["--catalog-dir"] = {{"need", "--headphone", "HiFiMan Sundara", "--target", "90"},
                          {"need", "--headphone", "HiFiMan Sundara", "--target", "90", "--catalog-dir", "/nonexistent"}};
    n["--own-catalog"] = {{"need", "--headphone", "HiFiMan Sundara", "--target", "90"},
                          {"need", "--headphone", "HiFiMan Sundara", "--target", "90", "--own-catalog", "/nonexistent.json"}};
    // (The curve's minimum, below the stated impedance, is where the figures are taken.)
    n["--impedance-curve"] = {{"need", "--impedance", "600", "--sensitivity", "100dB/V", "--target", "90", "--json"},
                              {"need", "--impedance", "600", "--sensitivity", "100dB/V", "--target", "90", "--json", "--impedance-curve", curve_csv}};
    n["--driver"] = {need, with(need, {"--driver", "Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5"})};
    n["--eq"] = {need, with(need, {"--eq", eq_file})};
    n["--source"] = {need, with(need, {"--source", "1V"})};
    n["--json"] = {strip(need, 1), need};
    n["--series"] = {need, with(need, {"--series", "10ohm"})};
    n["--shunt"] = {need, with(need, {"--shunt", "1ohm"})};
    n["--attenuator"] = {need, with(need, {"--attenuator", adapter})};

    if (have_gnuplot()) {
        auto& l = probes["plot load"];
        for (const auto& flag : {"--vmax", "--imax", "--pmax", "--thermal-power", "--power", "--zout"})
            l[flag] = {load, with(strip(load, 4), {"--vmax", "1", flag, table_values.at(flag), "--out", "-"})};
        l["--vmax"] = {load, {"plot", "load", "--vmax", "2", "--out", "-"}};
        l["--source-resistance"] = {load, with(strip(load, 2), {"--source-resistance", "30ohm", "--out", "-"})};
        l["--source"] = {load, with(strip(load, 2), {"--source", "0.1V", "--out", "-"})};
        l["--gain"] = {with(strip(load, 2), {"--source", "0.1V", "--out", "-"}), with(strip(load, 2), {"--source", "0.1V", "--gain", "6dB", "--out", "-"})};
        l["--balanced"] = {load, with(strip(load, 2), {"--balanced", "--out", "-"})};
        l["--headphone"] = {load, with(strip(load, 2), {"--headphone", "Sennheiser HD600", "--out", "-"})};
        l["--impedance"] = {load, with(strip(load, 2), {"--impedance", "300", "--out", "-"})};
        l["--amp"] = {load, {"plot", "load", "--amp", "FiiO K19", "--out", "-"}};
        l["--output"] = {{"plot", "load", "--amp", "FiiO K19", "--out", "-"}, {"plot", "load", "--amp", "FiiO K19", "--output", "balanced", "--out", "-"}};
        l["--catalog-dir"] = {{"plot", "load", "--amp", "FiiO K19", "--out", "-"}, {"plot", "load", "--amp", "FiiO K19", "--catalog-dir", "/nonexistent", "--out", "-"}};
        l["--own-catalog"] = {{"plot", "load", "--amp", "FiiO K19", "--out", "-"}, {"plot", "load", "--amp", "FiiO K19", "--own-catalog", "/nonexistent.json", "--out", "-"}};
        l["--out"] = {load, {"plot", "load", "--vmax", "1", "--out", "x.bmp"}};
        l["--series"] = {load, with(strip(load, 2), {"--series", "10ohm", "--out", "-"})};
        l["--shunt"] = {load, with(strip(load, 2), {"--shunt", "1ohm", "--out", "-"})};
        l["--attenuator"] = {load, with(strip(load, 2), {"--attenuator", adapter, "--out", "-"})};
        auto& rp = probes["plot response"];
        rp["--zout"] = {response, with(strip(response, 4), {"--zout", "30", "--out", "-"})};
        rp["--impedance-curve"] = {response, {"plot", "response", "--driver", "Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5", "--zout", "1", "--out", "-"}};
        rp["--driver"] = rp["--impedance-curve"];
        rp["--headphone"] = {response, with(strip(response, 2), {"--headphone", "Sennheiser HD600", "--out", "-"})};
        rp["--impedance"] = {response, with(strip(response, 2), {"--impedance", "300", "--out", "-"})};
        rp["--amp"] = {response, {"plot", "response", "--impedance-curve", curve_csv, "--amp", "FiiO K19", "--out", "-"}};
        rp["--output"] = {rp["--amp"].with, {"plot", "response", "--impedance-curve", curve_csv, "--amp", "FiiO K19", "--output", "balanced", "--out", "-"}};
        rp["--gain"] = {{"plot", "response", "--impedance-curve", curve_csv, "--amp", "T+A HA 200 (measured)", "--out", "-"},
                        {"plot", "response", "--impedance-curve", curve_csv, "--amp", "T+A HA 200 (measured)", "--gain", "80R", "--out", "-"}};
        rp["--catalog-dir"] = {rp["--amp"].with, with(strip(rp["--amp"].with, 2), {"--catalog-dir", "/nonexistent", "--out", "-"})};
        rp["--own-catalog"] = {rp["--amp"].with, with(strip(rp["--amp"].with, 2), {"--own-catalog", "/nonexistent.json", "--out", "-"})};
        rp["--out"] = {response, with(strip(response, 2), {"--out", "x.bmp"})};
        rp["--series"] = {response, with(strip(response, 2), {"--series", "10ohm", "--out", "-"})};
        rp["--shunt"] = {response, with(strip(response, 2), {"--shunt", "1ohm", "--out", "-"})};
        rp["--attenuator"] = {response, with(strip(response, 2), {"--attenuator", adapter, "--out", "-"})};
    } else {
        MESSAGE("gnuplot not found on PATH: the plot subcommands' options are not probed");
    }

    auto& ft = probes["fit"];
    ft["--power"] = {fit, with(fit, {"--power", "50mW@600ohm"})};
    ft["--zout"] = {fit, with(fit, {"--zout", "2ohm"})};
    ft["--json"] = {fit, with(fit, {"--json"})};
    auto& cat = probes["catalog"];
    cat["--catalog-dir"] = {catalog, with(catalog, {"--catalog-dir", "/nonexistent"})};
    cat["--json"] = {catalog, with(catalog, {"--json"})};
    cat["--own-catalog"] = {catalog, with(catalog, {"--own-catalog", own_catalog})};
    auto& imp = probes["catalog import"];
    const args magni{"catalog", "import", spec_text("schiit_magni_2.txt"), "--kind", "desktop", "--name", "Probe"};
    imp["--kind"] = {{"catalog", "import", spec_text("moondrop_blessing_3.txt"), "--name", "Probe"},
                     {"catalog", "import", spec_text("moondrop_blessing_3.txt"), "--name", "Probe", "--kind", "earbud"}};
    imp["--name"] = {{"catalog", "import", spec_text("fiio_k13_r2r.txt"), "--kind", "desktop"},
                     {"catalog", "import", spec_text("fiio_k13_r2r.txt"), "--kind", "desktop", "--name", "Probe"}};
    imp["--source"] = {magni, with(magni, {"--source", "https://www.schiit.com/"})};
    imp["--source-level"] = {magni, with(magni, {"--source-level", "2V"})};
    const std::string added = headroom::test::temp_path("option_coverage_add.json").string();
    std::filesystem::remove(added);
    imp["--add"] = {magni, with(magni, {"--add", added})};

    auto& s = probes["sweep"];
    s["--synthetic"] = {sweep, {"sweep", "--synthetic", "3x5", "--target", "90"}};
    s["--amps"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--amps", "/nonexistent.json"}};
    s["--headphones"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--headphones", "/nonexistent.json"}};
    s["--own-catalog"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--own-catalog", own_catalog}};
    s["--seed"] = {{"sweep", "--synthetic", "5x20", "--top", "1"}, {"sweep", "--synthetic", "5x20", "--top", "1", "--seed", "9"}};
    // (Two threads take a sweep of 2^21 pairs; one thread is said in the JSON.)
    s["--threads"] = {{"sweep", "--synthetic", "2000x1100", "--json"}, {"sweep", "--synthetic", "2000x1100", "--threads", "1", "--json"}};
    s["--target"] = {{"sweep", "--synthetic", "5x20"}, {"sweep", "--synthetic", "5x20", "--target", "100"}};
    s["--crest"] = {{"sweep", "--synthetic", "5x20"}, {"sweep", "--synthetic", "5x20", "--crest", "18"}};
    s["--min-headroom"] = {{"sweep", "--synthetic", "5x20"}, {"sweep", "--synthetic", "5x20", "--min-headroom", "30"}};
    s["--top"] = {{"sweep", "--synthetic", "5x20"}, {"sweep", "--synthetic", "5x20", "--top", "2"}};
    s["--precision"] = {{"sweep", "--synthetic", "5x20", "--precision", "double"}, {"sweep", "--synthetic", "5x20", "--precision", "half"}};
    s["--out"] = {{"sweep", "--synthetic", "5x20"}, {"sweep", "--synthetic", "5x20", "--out", "-"}};
    s["--json"] = {{"sweep", "--synthetic", "5x20", "--top", "1"}, {"sweep", "--synthetic", "5x20", "--top", "1", "--json"}};
    s["--across-frequency"] = {{"sweep", "--synthetic", "5x20", "--top", "1"}, {"sweep", "--synthetic", "5x20", "--top", "1", "--across-frequency"}};
    s["--eq"] = {{"sweep", "--synthetic", "5x20", "--top", "1", "--across-frequency"},
                 {"sweep", "--synthetic", "5x20", "--top", "1", "--across-frequency", "--eq", eq_file}};
    s["--headphone"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--headphone", "HiFiMan Sundara"}};
    s["--amp"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--amp", "FiiO K19"}};
    s["--kind"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--kind", "iem"}};
    s["--connector"] = {{"sweep", "--target", "90", "--kind", "iem"}, {"sweep", "--target", "90", "--kind", "iem", "--connector", "4.4mm"}};
    s["--attenuator"] = {{"sweep", "--target", "90"}, {"sweep", "--target", "90", "--attenuator", adapter}};
    s["--max-hiss"] = {{"sweep", "--target", "90", "--kind", "iem"}, {"sweep", "--target", "90", "--kind", "iem", "--max-hiss", "9"}};

    for (const args& sub : {args{"pair"}, args{"need"}, args{"plot", "load"}, args{"plot", "response"}, args{"fit"}, args{"catalog", "amps"},
                            args{"catalog", "import"}, args{"sweep"}}) {
        std::string name = sub == args{"catalog", "amps"} ? "catalog" : sub.front() + (sub.size() > 1 ? " " + sub[1] : "");
        if (sub.front() == "plot" && !have_gnuplot()) continue;
        for (const std::string& flag : options_of(sub == args{"catalog", "amps"} ? args{"catalog"} : sub)) {
            CAPTURE(name);
            const auto found = probes[name].find(flag);
            INFO("an option without a probe in tests/option_coverage_test.cpp: ", flag);
            REQUIRE(found != probes[name].end());
            check_probe(flag, found->second);
        }
    }
    std::filesystem::remove(added);
}
