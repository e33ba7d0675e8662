// headroom sweep, run in-process: its statistics against the scalar model pair by pair, its CSV file, and its
// refusals (exit 2, one line naming the flag, nothing on stdout).

#include "headroom/batch/synthetic.hpp"
#include "headroom/analysis.hpp"
#include "headroom/batch/sweep.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using headroom::test::result;

// `headroom sweep <args>`, in-process.
result run(std::vector<std::string> args) {
    args.insert(args.begin(), "sweep");
    return headroom::test::run(args);
}

// The statistics by brute force with the scalar model.
struct expected {
    double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity(), sum = 0.0;
    std::int64_t above = 0;
    std::array<std::int64_t, headroom::limit_count> by_limit{};
    std::vector<std::vector<std::pair<double, std::size_t>>> per_headphone;  // (headroom, output)
};

expected brute_force(std::size_t m, std::size_t n, std::uint64_t seed, const headroom::programme& p, double threshold) {
    const auto c = headroom::batch::make_synthetic(m, n, seed);
    expected e;
    e.per_headphone.resize(n);
    for (std::size_t j = 0; j < m; ++j)
        for (std::size_t i = 0; i < n; ++i) {
            const auto r = headroom::headroom_for(c.outputs[j], c.headphones[i], p);
            const double h = r.margin.db();
            e.min = std::min(e.min, h);
            e.max = std::max(e.max, h);
            e.sum += h;
            e.above += h >= threshold ? 1 : 0;
            ++e.by_limit[static_cast<std::size_t>(r.binding)];
            e.per_headphone[i].emplace_back(h, j);
        }
    for (auto& v : e.per_headphone)
        std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    return e;
}

void check_against(const nlohmann::json& j, const expected& e, std::size_t pairs, double tolerance) {
    CHECK(j["pairs"] == pairs);
    CHECK(std::abs(j["headroom_db"]["min"].get<double>() - e.min) < tolerance);
    CHECK(std::abs(j["headroom_db"]["max"].get<double>() - e.max) < tolerance);
    CHECK(std::abs(j["headroom_db"]["mean"].get<double>() - e.sum / static_cast<double>(pairs)) < tolerance);
    CHECK(j["above_threshold"] == e.above);
    for (std::size_t k = 0; k < headroom::limit_count; ++k) CHECK(j["binding"][std::string{headroom::limit_names[k]}] == e.by_limit[k]);
    CHECK(headroom::batch::simd_path_named(j["simd"].get<std::string>()).has_value());
    CHECK(j["seconds"].get<double>() > 0.0);
    CHECK(j["pairs_per_second"].get<double>() > 0.0);
}

}  // namespace

TEST_CASE("sweep --json: --threads is the most threads, used from 2^20 pairs per thread") {
    for (const auto& [size, threads] : {std::pair{"1024x2048", 2}, std::pair{"1024x1023", 1}}) {
        CAPTURE(size);
        const result r = run({"--synthetic", size, "--threads", "2", "--json"});
        REQUIRE(r.code == 0);
        CHECK(nlohmann::json::parse(r.out)["threads"] == threads);
    }
}

TEST_CASE("sweep --json: statistics equal the scalar model pair by pair") {
    const headroom::programme p{headroom::spl::of_db(100.0), headroom::gain::of_db(15.0)};
    const expected e = brute_force(23, 41, 9, p, 3.0);
    for (const char* precision : {"double", "float"}) {
        CAPTURE(precision);
        const result r = run({"--synthetic", "23x41", "--seed", "9", "--target", "100", "--crest", "15", "--min-headroom",
                              "3", "--top", "2", "--threads", "2", "--precision", precision, "--json"});
        REQUIRE(r.code == 0);
        CHECK(r.err.empty());
        const auto j = nlohmann::json::parse(r.out);
        check_against(j, e, 23 * 41, std::string{precision} == "double" ? 1e-9 : 1e-3);
        CHECK(j["threads"] == 1);  // 943 pairs: too few to be worth a second thread
        REQUIRE(j["top"].size() == 41);
        for (std::size_t i = 0; i < 41; ++i)
            for (std::size_t q = 0; q < 2; ++q) {
                CHECK(j["top"][i]["best"][q]["output"] == e.per_headphone[i][q].second);
                CHECK(std::abs(j["top"][i]["best"][q]["headroom_db"].get<double>() - e.per_headphone[i][q].first) < 1e-3);
            }
    }
}

TEST_CASE("sweep: the same seed gives the same catalog, another seed another") {
    const auto a = run({"--synthetic", "5x7", "--seed", "4", "--json"});
    const auto b = run({"--synthetic", "5x7", "--seed", "4", "--json"});
    const auto c = run({"--synthetic", "5x7", "--seed", "5", "--json"});
    REQUIRE(a.code == 0);
    const auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out), jc = nlohmann::json::parse(c.out);
    CHECK(ja["headroom_db"] == jb["headroom_db"]);
    CHECK(ja["headroom_db"] != jc["headroom_db"]);
}

TEST_CASE("sweep --out: every pair as CSV, written whole or not at all") {
    const auto dir = headroom::test::temp_path("sweep_out");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto file = dir / "pairs.csv";
    const result r = run({"--synthetic", "3x4", "--seed", "2", "--target", "90", "--precision", "double", "--out", file.string()});
    REQUIRE(r.code == 0);
    std::ifstream in{file};
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() == 1 + 3 * 4);
    CHECK(lines[0] == "headphone,amplifier,output,gain,headroom_db,limit,max_spl_db,max_limit");
    // The row of output 2 and headphone 1, against the scalar model (rows come in tiles, in no fixed order).
    const auto c = headroom::batch::make_synthetic(3, 4, 2);
    const auto op = headroom::max_output(c.outputs[2], c.headphones[1]);
    const auto h = headroom::headroom_for(c.outputs[2], c.headphones[1], headroom::programme{headroom::spl::of_db(90.0)});
    const std::string row = fmt::format("synthetic headphone 1,synthetic output 2,,,{:.4f},{},{:.4f},{}", h.margin.db(), to_string(h.binding),
                                        op.max_level.db(), to_string(op.binding));
    CHECK(std::count(lines.begin(), lines.end(), row) == 1);
    // Every pair once.
    std::sort(lines.begin() + 1, lines.end());
    CHECK(std::adjacent_find(lines.begin() + 1, lines.end()) == lines.end());
    // Only the file itself is left in the directory: the temporary was renamed.
    CHECK(std::distance(std::filesystem::directory_iterator{dir}, std::filesystem::directory_iterator{}) == 1);

    // A file that cannot be written: exit 2, nothing on stdout, no file and no temporary left behind.
    const auto missing = dir / "no such directory" / "pairs.csv";
    const result bad = run({"--synthetic", "3x4", "--out", missing.string()});
    CHECK(bad.code == 2);
    CHECK(bad.out.empty());
    CHECK(bad.err.find("--out") != std::string::npos);
    CHECK(std::distance(std::filesystem::directory_iterator{dir}, std::filesystem::directory_iterator{}) == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("sweep --out: catalog names are CSV fields, quoted where needed, never formulas") {
    const auto dir = headroom::test::temp_path("sweep_out_names");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream{dir / "headphones.json"} << R"j({"format": "headroom-catalog-1", "headphones": [
  {"name": "=HYPERLINK(\"http://x\")", "type": "iem", "impedance": "16ohm", "sensitivity": "110dB/mW", "basis": "own"}]})j";
    std::ofstream{dir / "amplifiers.json"} << R"({"format": "headroom-catalog-1", "amplifiers": [
  {"name": "Amp, the \"best\"", "kind": "desktop", "basis": "own", "outputs": [
    {"name": "@se", "topology": "single_ended", "vmax": "2V", "gains": [{"name": "+high", "vmax": "8V"}]}]}]})";
    const auto file = dir / "pairs.csv";
    const result r = run({"--amps", (dir / "amplifiers.json").string(), "--headphones", (dir / "headphones.json").string(), "--out",
                          file.string()});
    REQUIRE(r.code == 0);
    const std::string csv = headroom::test::slurp(file);
    CAPTURE(csv);
    const auto second_line = csv.substr(csv.find('\n') + 1);
    CHECK(second_line.rfind(R"j("'=HYPERLINK(""http://x"")","Amp, the ""best""",'@se,'+high,)j", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);
    std::filesystem::remove_all(dir);
}

TEST_CASE("sweep --out: the bundled catalog's rows agree with pair for the same gear") {
    const auto dir = headroom::test::temp_path("sweep_out_pair");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto file = dir / "pairs.csv";
    const result r = run({"--precision", "double", "--target", "90", "--crest", "18", "--out", file.string()});
    REQUIRE(r.code == 0);
    std::ifstream in{file};
    std::string line;
    std::getline(in, line);
    // A headphone with an impedance curve (its minimum is the load), and one without; each against every output.
    int checked = 0;
    const auto split = [](const std::string& row) {
        std::vector<std::string> fields{""};
        bool quoted = false;
        for (const char c : row) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) fields.emplace_back();
            else fields.back() += c;
        }
        return fields;
    };
    while (std::getline(in, line)) {
        const auto f = split(line);
        REQUIRE(f.size() == 8);
        if (f[0] != "Sennheiser HD650 (measured)" && f[0] != "HiFiMan Sundara") continue;
        if (f[1] != "Chord Mojo (measured)" && f[1] != "FiiO K19" && f[1] != "Schiit Magni 2") continue;
        std::vector<std::string> args{"pair", "--headphone", f[0], "--amp", f[1], "--target", "90", "--crest", "18", "--json"};
        if (!f[2].empty()) args.insert(args.end(), {"--output", f[2]});
        if (!f[3].empty()) args.insert(args.end(), {"--gain", f[3]});
        const result p = headroom::test::run(args);
        CAPTURE(line);
        REQUIRE(p.code == 0);
        const auto j = nlohmann::json::parse(p.out);
        CHECK(std::abs(std::stod(f[4]) - j["headroom_db"].get<double>()) <= 5e-5);
        CHECK(f[5] == j["headroom_limit"].get<std::string>());
        CHECK(std::abs(std::stod(f[6]) - j["max_spl_db"].get<double>()) <= 5e-5);
        CHECK(f[7] == j["limit"].get<std::string>());
        ++checked;
    }
    CHECK(checked >= 6);
    std::filesystem::remove_all(dir);
}

TEST_CASE("sweep --json names the instruction set that ran, and HEADROOM_SIMD forces one or is refused") {
    const char* old = std::getenv("HEADROOM_SIMD");
    const std::optional<std::string> saved = old != nullptr ? std::optional<std::string>{old} : std::nullopt;
    ::unsetenv("HEADROOM_SIMD");
    const result detected = run({"--synthetic", "20x30", "--json"});
    REQUIRE(detected.code == 0);
    CHECK(nlohmann::json::parse(detected.out)["simd"] == std::string{to_string(headroom::batch::detected_simd_path())});
    ::setenv("HEADROOM_SIMD", "baseline", 1);
    const result forced = run({"--synthetic", "20x30", "--json"});
    REQUIRE(forced.code == 0);
    CHECK(nlohmann::json::parse(forced.out)["simd"] == "baseline");
    // The same statistics, to the last digit printed.
    CHECK(nlohmann::json::parse(forced.out)["headroom_db"] == nlohmann::json::parse(detected.out)["headroom_db"]);
    ::setenv("HEADROOM_SIMD", "fastest", 1);
    const result refused = run({"--synthetic", "20x30", "--json"});
    CHECK(refused.code == 2);
    CHECK(refused.out.empty());
    CHECK(refused.err.find("HEADROOM_SIMD=fastest") != std::string::npos);
    if (saved)
        ::setenv("HEADROOM_SIMD", saved->c_str(), 1);
    else
        ::unsetenv("HEADROOM_SIMD");
}

TEST_CASE("sweep: bad input is refused with the flag's name") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--synthetic", "0x5"}, "--synthetic"},      {{"--synthetic", "5"}, "--synthetic"},
        {{"--synthetic", "5x"}, "--synthetic"},       {{"--synthetic", "axb"}, "--synthetic"},
        {{"--synthetic", "3x-2"}, "--synthetic"},
        {{"--synthetic", "2x2", "--threads", "0"}, "--threads"},
        {{"--synthetic", "2x2", "--threads", "two"}, "--threads"},
        {{"--synthetic", "2x2", "--top", "-1"}, "--top"},
        {{"--synthetic", "2x2", "--seed", "1.5"}, "--seed"},
        {{"--synthetic", "2x2", "--target", "loud"}, "--target"},
        {{"--synthetic", "2x2", "--crest", "-3"}, "--crest"},
        {{"--synthetic", "2x2", "--precision", "half"}, "--precision"},
    };
    for (const auto& [args, flag] : cases) {
        CAPTURE(flag);
        const result r = run(args);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(flag) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}

TEST_CASE("sweep --synthetic: at most 10^7 on a side and 10^10 pairs, as --help says") {
    for (const char* size : {"1000000x1000000", "100000x100001", "10000001x1", "1x10000001", "99999999999999999999x1"}) {
        CAPTURE(size);
        const result r = run({"--synthetic", size});
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("--synthetic") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(run({"--synthetic", "1000000x1000000"}).err.find("more than the 10^10") != std::string::npos);
    CHECK(run({"--help"}).out.find("at most 10^7 on a side and 10^10 pairs") != std::string::npos);
}

TEST_CASE("sweep progress: on the progress stream of a terminal, in place, never with --json") {
    const auto dir = headroom::test::temp_path("sweep_progress");
    std::filesystem::create_directories(dir);
    const headroom::cli::run_options terminal{.progress = true, .progress_delay = std::chrono::milliseconds{0}};
    // With no delay the meter draws as soon as the sweep starts.
    const result r = headroom::test::run({"sweep", "--synthetic", "50x2000", "--out", (dir / "p.csv").string()}, terminal);
    REQUIRE(r.code == 0);
    CHECK(r.err.find("\rheadroom sweep: ") == 0);
    CHECK(r.err.find('%') != std::string::npos);
    CHECK(r.err.find('\n') == std::string::npos);  // redrawn in place, then erased
    CHECK(r.err.back() == '\r');
    CHECK(r.out.find("every pair written to") != std::string::npos);

    const result j = headroom::test::run({"sweep", "--synthetic", "50x2000", "--out", (dir / "p.csv").string(), "--json"}, terminal);
    REQUIRE(j.code == 0);
    CHECK(j.err.empty());
    // Not a terminal (the default), or a short sweep within the delay: nothing.
    CHECK(run({"--synthetic", "20x20"}).err.empty());
    CHECK(headroom::test::run({"sweep", "--synthetic", "20x20"}, {.progress = true}).err.empty());
    std::filesystem::remove_all(dir);
}

TEST_CASE("sweep --across-frequency --eq --out: the bundled catalog's rows agree with pair --eq --json's worst_headroom") {
    const auto dir = headroom::test::temp_path("sweep_across_pair");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto file = dir / "pairs.csv";
    const std::string eq = (headroom::test::source_dir / "tests/data/autoeq/Sennheiser HD 650 ParametricEQ.txt").string();
    const result r = run({"--across-frequency", "--eq", eq, "--precision", "double", "--target", "90", "--crest", "18", "--out", file.string()});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("480 frequencies") != std::string::npos);
    std::ifstream in{file};
    std::string line;
    std::getline(in, line);
    CHECK(line == "headphone,amplifier,output,gain,worst_headroom_db,worst_headroom_hz,worst_headroom_limit");
    const auto split = [](const std::string& row) {
        std::vector<std::string> fields{""};
        bool quoted = false;
        for (const char c : row) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) fields.emplace_back();
            else fields.back() += c;
        }
        return fields;
    };
    int checked = 0;
    while (std::getline(in, line)) {
        const auto f = split(line);
        REQUIRE(f.size() == 7);
        // A measured curve and a headphone without one (the EQ on its nominal impedance), against three outputs.
        if (f[0] != "Sennheiser HD650 (measured)" && f[0] != "HiFiMan Sundara") continue;
        if (f[1] != "Chord Mojo (measured)" && f[1] != "FiiO K19" && f[1] != "Schiit Magni 2") continue;
        std::vector<std::string> args{"pair", "--headphone", f[0], "--amp", f[1], "--target", "90", "--crest", "18", "--eq", eq, "--json"};
        if (!f[2].empty()) args.insert(args.end(), {"--output", f[2]});
        if (!f[3].empty()) args.insert(args.end(), {"--gain", f[3]});
        const result p = headroom::test::run(args);
        CAPTURE(line);
        REQUIRE(p.code == 0);
        const auto j = nlohmann::json::parse(p.out);
        REQUIRE(j.contains("worst_headroom_db"));
        CHECK(std::abs(std::stod(f[4]) - j["worst_headroom_db"].get<double>()) <= 5e-5);
        CHECK(std::abs(std::stod(f[5]) - j["worst_headroom_hz"].get<double>()) <= 5e-3);
        CHECK(f[6] == j["worst_headroom_limit"].get<std::string>());
        ++checked;
    }
    CHECK(checked >= 6);
    std::filesystem::remove_all(dir);
}

TEST_CASE("sweep --across-frequency: --json names the rate and the grid, and --eq alone is refused") {
    const result r = run({"--synthetic", "20x50", "--across-frequency", "--top", "1", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["frequencies"].get<int>() == 480);
    CHECK(j["pair_frequencies"].get<double>() == 20.0 * 50.0 * 480.0);
    CHECK(j["pair_frequencies_per_second"].get<double>() > 0.0);
    CHECK(j["top"][0]["best"][0].contains("worst_headroom_hz"));
    // A selection's tables take it too (cli_recommend_test.cpp); --eq without it is refused.
    CHECK(run({"--synthetic", "5x5", "--eq", "x.txt"}).code == 2);
}
