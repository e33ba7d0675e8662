// headroom sweep as a recommender: --headphone/--amp/--kind/--connector select gear, --min-headroom filters the
// listing, rows are ranked by fitness and agree with `pair`, and a sweep without a selection is a short summary.

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using headroom::test::result;
using headroom::test::run;
using json = nlohmann::json;

json run_json(const std::vector<std::string>& args) {
    const result r = run(args);
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    return json::parse(r.out);
}

// A catalog where fitness and raw headroom disagree: for a sensitive IEM the quiet output must rank first.
struct iem_catalog {
    std::filesystem::path dir = headroom::test::temp_path("cli_recommend");
    iem_catalog() {
        std::filesystem::create_directories(dir);
        std::ofstream{dir / "headphones.json"} << R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "Quiet IEM", "type": "iem", "impedance": "16ohm", "sensitivity": "125dB/V", "basis": "own"},
  {"name": "Big Planar", "type": "over-ear planar", "impedance": "50ohm", "sensitivity": "95dB/V", "basis": "own"}]})";
        std::ofstream{dir / "amplifiers.json"} << R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "Loud Hissy", "kind": "desktop", "basis": "own", "outputs": [
    {"name": "6.35mm", "topology": "single_ended", "connector": "6.35mm", "vmax": "8V", "zout": "0.5ohm",
     "noise": "20uV", "noise_weighting": "A-weighted"}]},
  {"name": "Quiet Dongle", "kind": "dongle", "basis": "own", "outputs": [
    {"name": "3.5mm", "topology": "single_ended", "connector": "3.5mm", "vmax": "1V", "zout": "0.5ohm",
     "noise": "1uV", "noise_weighting": "A-weighted"},
    {"name": "4.4mm balanced", "topology": "balanced", "connector": "4.4mm", "vmax": "2V", "zout": "1ohm",
     "noise": "2uV", "noise_weighting": "A-weighted"}]}]})";
    }
    ~iem_catalog() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    iem_catalog(const iem_catalog&) = delete;
    iem_catalog& operator=(const iem_catalog&) = delete;
    [[nodiscard]] std::vector<std::string> files() const {
        return {"--amps", (dir / "amplifiers.json").string(), "--headphones", (dir / "headphones.json").string()};
    }
};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

TEST_CASE("sweep --headphone lists exactly the outputs that qualify, best first, with the figures pair gives") {
    const json j = run_json({"sweep", "--headphone", "Sennheiser HD600 (measured)", "--min-headroom", "10", "--target", "85", "--crest",
                             "18", "--json"});
    REQUIRE(j["recommendations"].size() == 1);
    const json& table = j["recommendations"][0];
    CHECK(table["headphone"] == "Sennheiser HD600 (measured)");
    const json& rows = table["outputs"];
    CHECK(rows.size() == table["qualifying"].get<std::size_t>());
    REQUIRE(rows.size() > 5);

    // Every row qualifies; the HD600 is not a sensitive load, so fitness is headroom, most first.
    for (std::size_t k = 0; k < rows.size(); ++k) {
        CHECK(rows[k]["rank"] == k + 1);
        CHECK(rows[k]["headroom_db"].get<double>() >= 10.0);
        if (k > 0) CHECK(rows[k - 1]["headroom_db"].get<double>() >= rows[k]["headroom_db"].get<double>());
    }

    // The same set from pair, amplifier by amplifier: an output qualifies when any of its settings has +10 dB.
    std::set<std::pair<std::string, std::string>> expected;
    const json amps = run_json({"catalog", "amps", "--json"})["amplifiers"];
    for (const json& a : amps) {
        const json p = run_json({"pair", "--headphone", "Sennheiser HD600 (measured)", "--amp", a["name"].get<std::string>(), "--target",
                                 "85", "--crest", "18", "--json"});
        const json list = p.contains("outputs") ? p["outputs"] : json::array({p});
        for (const json& o : list) {
            const std::string output = o.contains("output") && o["output"].is_string() ? o["output"].get<std::string>()
                                                                                       : a["outputs"][0]["name"].get<std::string>();
            if (o["headroom_db"].get<double>() >= 10.0) expected.insert({a["name"].get<std::string>(), output});
        }
    }
    std::set<std::pair<std::string, std::string>> listed;
    for (const json& r : rows) listed.insert({r["amplifier"].get<std::string>(), r["output"].get<std::string>()});
    CHECK(listed == expected);

    // Each row's figures are pair's for that output and gain setting.
    for (std::size_t k = 0; k < rows.size(); k += 7) {
        std::vector<std::string> args{"pair", "--headphone", "Sennheiser HD600 (measured)", "--amp", rows[k]["amplifier"].get<std::string>(),
                                      "--output", rows[k]["output"].get<std::string>(), "--target", "85", "--crest", "18", "--json"};
        if (rows[k]["gain_setting"].is_string()) args = with(args, {"--gain", rows[k]["gain_setting"].get<std::string>()});
        const json p = run_json(args);
        CAPTURE(rows[k]);
        CHECK(p["headroom_db"].get<double>() == doctest::Approx(rows[k]["headroom_db"].get<double>()).epsilon(1e-12));
        CHECK(p["headroom_limit"] == rows[k]["headroom_limit"]);
        CHECK(p["max_spl_db"].get<double>() == doctest::Approx(rows[k]["max_spl_db"].get<double>()).epsilon(1e-12));
    }

    // The text is an aligned table with names.
    const result text = run({"sweep", "--headphone", "sennheiser hd600 (measured)", "--min-headroom", "10", "--target", "85", "--crest", "18"});
    REQUIRE(text.code == 0);
    CHECK(text.out.find("Sennheiser HD600 (measured): 300 ohm") != std::string::npos);
    CHECK(text.out.find(rows[0]["amplifier"].get<std::string>() + " / " + rows[0]["output"].get<std::string>()) != std::string::npos);
    CHECK(text.out.find("pairs/s") == std::string::npos);
}

TEST_CASE("for a sensitive IEM, less hiss outranks more headroom, and the advised gain and Z_out are shown") {
    const iem_catalog c;
    const json j = run_json(with({"sweep", "--headphone", "Quiet IEM", "--target", "85", "--crest", "18", "--json"}, c.files()));
    const json& rows = j["recommendations"][0]["outputs"];
    REQUIRE(rows.size() == 3);
    // 1 uV and 2 uV into 125 dB SPL/V are 5 and 11 dB SPL of hiss (less the divider Z_out makes with the 16 ohm
    // load: 0.27 and 0.53 dB); 20 uV is 31 dB SPL: the loud desktop amplifier, with the most headroom, comes last.
    CHECK(rows[0]["amplifier"] == "Quiet Dongle");
    CHECK(rows[0]["output"] == "3.5mm");
    CHECK(rows[0]["hiss_spl_db_max"].get<double>() == doctest::Approx(125.0 + 20.0 * std::log10(1e-6 * 16.0 / 16.5)).epsilon(1e-9));
    CHECK(rows[1]["output"] == "4.4mm balanced");
    CHECK(rows[2]["amplifier"] == "Loud Hissy");
    CHECK(rows[2]["headroom_db"].get<double>() > rows[0]["headroom_db"].get<double>());
    CHECK(rows[0]["zout_ohm"].get<double>() == 0.5);

    // The planar is not sensitive: headroom decides, and with --min-headroom the short outputs leave the list.
    const json p = run_json(with({"sweep", "--headphone", "Big Planar", "--target", "85", "--crest", "18", "--min-headroom", "5", "--json"}, c.files()));
    const json& prow = p["recommendations"][0]["outputs"];
    for (const json& r : prow) CHECK(r["headroom_db"].get<double>() >= 5.0);
    REQUIRE(!prow.empty());
    CHECK(prow[0]["amplifier"] == "Loud Hissy");
}

TEST_CASE("sweep selections: kinds, connectors, per-amplifier tables, and errors that name the flag") {
    const iem_catalog c;
    // --kind of headphone: a table per headphone of that kind.
    json j = run_json(with({"sweep", "--kind", "iem", "--json"}, c.files()));
    REQUIRE(j["recommendations"].size() == 1);
    CHECK(j["recommendations"][0]["headphone"] == "Quiet IEM");
    // Each pair once, by the scalar model whose advice the tables give: no batch statistics beside them.
    CHECK_FALSE(j.contains("pairs"));
    CHECK(j["target_spl_db"] == 85.0);
    // Flags of the batch sweep are refused with a selection, never ignored; --seed without --synthetic too.
    for (const auto& flag : {std::vector<std::string>{"--precision", "double"}, {"--threads", "2"}, {"--out", "x.csv"}}) {
        const result r = run(with(with({"sweep", "--kind", "iem"}, flag), c.files()));
        CHECK(r.code == 2);
        CHECK(r.err.find("headroom sweep: " + flag[0] + ": applies to a whole-catalog sweep") == 0);
    }
    CHECK(run({"sweep", "--seed", "3"}).err.find("--seed: seeds the random catalog of --synthetic") != std::string::npos);

    // --connector keeps only those outputs; --kind of amplifier only those amplifiers.
    j = run_json(with({"sweep", "--headphone", "Quiet IEM", "--connector", "4.4", "--json"}, c.files()));
    REQUIRE(j["recommendations"][0]["outputs"].size() == 1);
    CHECK(j["recommendations"][0]["outputs"][0]["output"] == "4.4mm balanced");
    j = run_json(with({"sweep", "--headphone", "Quiet IEM", "--kind", "desktop", "--json"}, c.files()));
    REQUIRE(j["recommendations"][0]["outputs"].size() == 1);
    CHECK(j["recommendations"][0]["outputs"][0]["amplifier"] == "Loud Hissy");

    // --amp alone: which headphones it drives; with a headphone kind, only those.
    j = run_json(with({"sweep", "--amp", "loud hissy", "--json"}, c.files()));
    REQUIRE(j["recommendations"].size() == 1);
    CHECK(j["recommendations"][0]["amplifier"] == "Loud Hissy");
    CHECK(j["recommendations"][0]["headphones"].size() == 2);
    j = run_json(with({"sweep", "--amp", "Loud Hissy", "--kind", "planar", "--json"}, c.files()));
    REQUIRE(j["recommendations"][0]["headphones"].size() == 1);
    CHECK(j["recommendations"][0]["headphones"][0]["headphone"] == "Big Planar");

    const auto usage = [&](const std::vector<std::string>& args, const std::string& fragment) {
        const result r = run(with(args, c.files()));
        CAPTURE(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(fragment) != std::string::npos);
    };
    usage({"sweep", "--headphone", "Quiet"}, "--headphone: no headphone 'Quiet'; did you mean 'Quiet IEM'");
    usage({"sweep", "--amp", "Loud"}, "--amp: no amplifier 'Loud'; did you mean 'Loud Hissy'");
    usage({"sweep", "--kind", "speaker"}, "--kind: 'speaker' is not one of iem, over-ear");
    usage({"sweep", "--connector", "XLR4"}, "--connector: no output in the catalog has connector 'XLR4' (connectors: 3.5mm, 4.4mm, 6.35mm)");
    usage({"sweep", "--kind", "earbud"}, "--kind: the catalog has no headphone of the kinds asked for");
    const result synthetic = run({"sweep", "--synthetic", "4x4", "--headphone", "x"});
    CHECK(synthetic.code == 2);
}

TEST_CASE("sweep without a selection is a short summary, and --top K still lists K outputs per headphone") {
    const result r = run({"sweep"});
    REQUIRE(r.code == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') <= 8);
    CHECK(r.out.find("--headphone NAME") != std::string::npos);
    const iem_catalog c;
    const result top = run(with({"sweep", "--top", "1"}, c.files()));
    REQUIRE(top.code == 0);
    CHECK(top.out.find("Quiet IEM: Loud Hissy / 6.35mm") != std::string::npos);
}

// Regression guards: each of these fails if the sign, the choice or the order it checks is inverted.

TEST_CASE("regression: gain_headroom_db is the stated gain less the gain the programme needs, with its sign") {
    const auto headroom_for = [](const char* gain_text) {
        const json j = run_json({"pair", "--impedance", "32", "--sensitivity", "100dB/V", "--vmax", "10", "--source", "2V", "--gain",
                                 gain_text, "--target", "90", "--crest", "12", "--json"});
        CHECK(j["gain_headroom_db"].get<double>() == doctest::Approx(j["gain_db"].get<double>() - j["gain_needed_db"].get<double>()));
        return j["gain_headroom_db"].get<double>();
    };
    // 90 dB SPL with 12 dB peaks at 100 dB/V wants a peak of 10^(-10/20) x 10^(12/20) V, a sine of 1.26 V RMS: about
    // -4 dB after 2 V. +20 dB has gain to spare; -20 dB is short.
    CHECK(headroom_for("20dB") > 0.0);
    CHECK(headroom_for("-20dB") < 0.0);
}

TEST_CASE("regression: the verdict compares the best-ranked output of each kind, when an amplifier has several of one kind") {
    const auto dir = headroom::test::temp_path("verdict_kinds");
    std::filesystem::create_directories(dir);
    std::ofstream{dir / "headphones.json"} << R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "HP", "type": "over-ear dynamic", "impedance": "300ohm", "sensitivity": "100dB/V", "basis": "own"}]})";
    // Two single-ended jacks, the weaker first in the file, and one balanced jack.
    std::ofstream{dir / "amplifiers.json"} << R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "Two SE", "kind": "desktop", "basis": "own", "outputs": [
    {"name": "weak SE", "topology": "single_ended", "vmax": "0.5V", "zout": "1ohm"},
    {"name": "strong SE", "topology": "single_ended", "vmax": "5V", "zout": "1ohm"},
    {"name": "balanced", "topology": "balanced", "vmax": "4V", "zout": "2ohm"}]}]})";
    const json j = run_json({"pair", "--catalog-dir", dir.string(), "--headphone", "HP", "--amp", "Two SE", "--target", "90", "--json"});
    CHECK(j["verdict"]["balanced_vs_single_ended"]["single_ended"] == "strong SE");
    CHECK(j["verdict"]["output"] == "strong SE");  // 5 V single-ended beats the 4 V balanced jack here
    const std::string line = j["verdict"]["lines"][0].get<std::string>();
    CHECK(line.find("over strong SE") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("regression: sweep --amp lists the headphones with the most headroom first") {
    const iem_catalog c;
    const json j = run_json(with({"sweep", "--amp", "Loud Hissy", "--target", "85", "--crest", "18", "--json"}, c.files()));
    const json& rows = j["recommendations"][0]["headphones"];
    REQUIRE(rows.size() == 2);
    // The 125 dB/V IEM has far more headroom than the 95 dB/V planar on the same 8 V output.
    CHECK(rows[0]["headphone"] == "Quiet IEM");
    CHECK(rows[0]["headroom_db"].get<double>() > rows[1]["headroom_db"].get<double>());
}

namespace {

// pair --json for one row of a headphone's table: that amplifier's output at the advised setting, with the same
// programme (and EQ, attenuator).
json pair_of_row(const std::string& headphone, const json& row, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"pair", "--headphone", headphone, "--amp", row["amplifier"].get<std::string>(), "--output",
                                  row["output"].get<std::string>(), "--json"};
    if (!row["gain_setting"].is_null()) args.insert(args.end(), {"--gain", row["gain_setting"].get<std::string>()});
    return run_json(with(args, extra));
}

// Every row of the headphone's table across frequency against pair --json for that pair.
void check_rows_against_pair(const std::string& headphone, const std::vector<std::string>& job, const std::vector<std::string>& eq) {
    const json j = run_json(with(with({"sweep", "--headphone", headphone, "--across-frequency", "--json"}, job), eq));
    CHECK(j["across_frequency"] == true);
    if (eq.empty())
        CHECK(j["eq"].is_null());
    else
        CHECK(j["eq"] == eq.back());
    const json& rows = j["recommendations"][0]["outputs"];
    REQUIRE(!rows.empty());
    for (const json& row : rows) {
        CAPTURE(row.dump());
        const json p = pair_of_row(headphone, row, with(job, eq));
        REQUIRE(p.contains("worst_headroom_db"));
        CHECK(row["worst_headroom_db"] == p["worst_headroom_db"]);
        CHECK(row["worst_headroom_hz"] == p["worst_headroom_hz"]);
        CHECK(row["worst_headroom_limit"] == p["worst_headroom_limit"]);
        CHECK(row["headroom_db"] == p["headroom_db"]);  // the row is that pair, at that setting
    }
}

}  // namespace

TEST_CASE("sweep --headphone --across-frequency: every row's worst headroom, frequency and limit are pair --json's") {
    const std::vector<std::string> job{"--target", "90", "--crest", "18"};
    // The HD650 carries an impedance curve; with the HD 650 preset its bass boost moves the worst case as well.
    check_rows_against_pair("Sennheiser HD650 (measured)", job, {});
    check_rows_against_pair("Sennheiser HD650 (measured)", job,
                            {"--eq", (headroom::test::source_dir / "tests/data/autoeq/Sennheiser HD 650 ParametricEQ.txt").string()});
    // A headphone with no curve, under an EQ: the preset alone makes its worst case.
    check_rows_against_pair("Sennheiser HD600 (measured)", job,
                            {"--eq", (headroom::test::source_dir / "tests/data/autoeq/Sennheiser HD 600 ParametricEQ.txt").string()});
    // An IEM through an attenuator, as pair takes one across the band (sweep --attenuator: between every output and
    // every IEM).
    check_rows_against_pair("Campfire Audio Andromeda 2020",
                            {"--target", "85", "--crest", "18", "--attenuator", "Etymotic ER4PT P-to-S adapter"},
                            {"--eq", (headroom::test::source_dir / "tests/data/autoeq/Sennheiser HD 650 ParametricEQ.txt").string()});
}

TEST_CASE("sweep --amp --across-frequency ranks the headphones by their worst headroom, each as pair gives it") {
    const json j = run_json({"sweep", "--amp", "Chord Mojo (measured)", "--across-frequency", "--target", "85", "--crest", "18", "--json"});
    const json& rows = j["recommendations"][0]["headphones"];
    REQUIRE(rows.size() > 5);
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const json& row = rows[k];
        CAPTURE(row.dump());
        if (k > 0) CHECK(rows[k - 1]["worst_headroom_db"].get<double>() >= row["worst_headroom_db"].get<double>());
        if (k % 16 != 0) continue;  // a sample of the rows against pair (each pair is a full analysis across the band)
        std::vector<std::string> args{"pair", "--headphone", row["headphone"].get<std::string>(), "--amp", "Chord Mojo (measured)",
                                      "--output", row["output"].get<std::string>(), "--target", "85", "--crest", "18", "--json"};
        if (!row["gain_setting"].is_null()) args.insert(args.end(), {"--gain", row["gain_setting"].get<std::string>()});
        const json p = run_json(args);
        if (p.contains("worst_headroom_db")) {
            CHECK(row["worst_headroom_db"] == p["worst_headroom_db"]);
            CHECK(row["worst_headroom_hz"] == p["worst_headroom_hz"]);
            CHECK(row["worst_headroom_limit"] == p["worst_headroom_limit"]);
        } else {  // no curve: flat across the band, the headroom at the load
            CHECK(row["worst_headroom_db"] == p["headroom_db"]);
            CHECK(row["worst_headroom_hz"].is_null());
            CHECK(row["worst_headroom_limit"] == p["headroom_limit"]);
        }
    }
}

TEST_CASE("a headphone with neither a curve nor an EQ: the tables across frequency are the tables at its load") {
    const iem_catalog c;  // its headphones carry no curve
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{"--headphone", "Quiet IEM"}, std::vector<std::string>{"--headphone", "Big Planar", "--min-headroom", "5"},
          std::vector<std::string>{"--amp", "Quiet Dongle"}, std::vector<std::string>{"--kind", "iem", "--max-hiss", "9", "--top", "1"}}) {
        std::string selection;
        for (const std::string& a : extra) selection += a + " ";
        CAPTURE(selection);
        const std::vector<std::string> base = with(with({"sweep", "--target", "85", "--crest", "18"}, c.files()), extra);
        json at_load = run_json(with(base, {"--json"}));
        json across = run_json(with(base, {"--json", "--across-frequency"}));
        CHECK(at_load["across_frequency"] == false);
        CHECK(across["across_frequency"] == true);
        REQUIRE(across["recommendations"].size() == at_load["recommendations"].size());
        for (std::size_t t = 0; t < across["recommendations"].size(); ++t) {
            json& a = across["recommendations"][t];
            const json& b = at_load["recommendations"][t];
            json& rows = a.contains("outputs") ? a["outputs"] : a["headphones"];
            for (json& row : rows) {
                CHECK(row["worst_headroom_db"] == row["headroom_db"]);
                CHECK(row["worst_headroom_hz"].is_null());
                CHECK(row["worst_headroom_limit"] == row["headroom_limit"]);
                row.erase("worst_headroom_db");
                row.erase("worst_headroom_hz");
                row.erase("worst_headroom_limit");
            }
            CHECK(a == b);  // the same rows, in the same order, with the same figures
        }
        // The text tables: the same rows; the headroom column is titled as the worst over the band.
        const result text = run(with(base, {"--across-frequency"}));
        REQUIRE(text.code == 0);
        CHECK(text.out.find("worst headroom") != std::string::npos);
        CHECK(text.out.find("worst across 20 Hz-20 kHz") != std::string::npos);
    }
}

TEST_CASE("sweep tables across frequency: flags that do not apply are refused in one line naming the flag") {
    const auto refused = [](const std::vector<std::string>& args, const std::string& flag) {
        const result r = run(args);
        CAPTURE(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(flag) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    };
    const std::string eq = (headroom::test::source_dir / "tests/data/autoeq/Sennheiser HD 650 ParametricEQ.txt").string();
    refused({"sweep", "--headphone", "Sennheiser HD650 (measured)", "--eq", eq}, "--eq");
    refused({"sweep", "--headphone", "Sennheiser HD650 (measured)", "--across-frequency", "--out", "x.csv"}, "--out");
    refused({"sweep", "--headphone", "Sennheiser HD650 (measured)", "--across-frequency", "--precision", "double"}, "--precision");
    refused({"sweep", "--amp", "Chord Mojo (measured)", "--across-frequency", "--threads", "2"}, "--threads");
    refused({"sweep", "--headphone", "Sennheiser HD650 (measured)", "--across-frequency", "--eq", "/nonexistent/preset.txt"}, "/nonexistent/preset.txt");
}
