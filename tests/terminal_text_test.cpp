// Text from files is data: terminal_text() on its own, then catalog names carrying escape sequences, carriage
// returns and line feeds through every command that prints names (catalog tables, sweep rankings, pair reports,
// error lines with near names). Nothing a terminal acts on may reach stdout or stderr raw, and every line stays a
// line.

#include "cli/terminal_text.hpp"
#include "cli/utf8.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using headroom::cli::terminal_text;
using headroom::test::result;
using headroom::test::run;
using headroom::test::terminal_safe;

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// Names that would drive a terminal: clear screen, a window title (OSC 0), a hyperlink (OSC 8), a carriage
// return that overwrites the line, a line feed that forges the next, CSI as the C1 byte U+009B, a right-to-left
// override, DEL, a backspace.
const std::vector<std::string> hostile{
    "Clear\x1b[2J\x1b[HScreen",
    "Title\x1b]0;owned\x07",
    "Link\x1b]8;;https://example.invalid/\x1b\\click\x1b]8;;\x1b\\",
    "Over\rwritten",
    "Two\nLines: Forged Amp (+99.00 dB)",
    "C1\xc2\x9b" "31mRed",
    "Bidi\xe2\x80\xae" "desrever",
    "Del\x7f and back\x08space",
};

// A catalog of headphones and amplifiers named after `hostile`, in JSON (which escapes the controls).
struct hostile_catalog {
    std::filesystem::path dir = headroom::test::temp_path("hostile_catalog");
    hostile_catalog() {
        std::filesystem::create_directories(dir);
        nlohmann::json hps = nlohmann::json::array(), amps = nlohmann::json::array();
        for (const auto& name : hostile) {
            hps.push_back({{"name", name}, {"type", "over-ear dynamic"}, {"impedance", "300ohm"}, {"sensitivity", "97dB/mW"},
                           {"basis", "spec"}, {"source", name}});
            amps.push_back({{"name", name},
                            {"kind", "desktop"},
                            {"basis", "spec"},
                            {"source", "test"},
                            {"outputs", {{{"name", name}, {"topology", "single_ended"}, {"vmax", "2V"}}}}});
        }
        std::ofstream{dir / "headphones.json"} << nlohmann::json{{"format", "headroom-catalog-1"}, {"headphones", hps}}.dump();
        std::ofstream{dir / "amplifiers.json"} << nlohmann::json{{"format", "headroom-catalog-1"}, {"amplifiers", amps}}.dump();
    }
    ~hostile_catalog() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    hostile_catalog(const hostile_catalog&) = delete;
    hostile_catalog& operator=(const hostile_catalog&) = delete;
};

}  // namespace

TEST_CASE("terminal_text: controls, C1, bidirectional overrides and bad UTF-8 are shown as escapes") {
    CHECK(terminal_text("Sennheiser HD600") == "Sennheiser HD600");
    CHECK(terminal_text("Beyerdynamic DT 770 PRO \xc3\x98 \xe2\x82\xac \xf0\x9f\x8e\xa7") ==
          "Beyerdynamic DT 770 PRO \xc3\x98 \xe2\x82\xac \xf0\x9f\x8e\xa7");  // O-slash, euro sign, a headphone emoji
    CHECK(terminal_text("a\x1b[2Jb") == "a\\x1b[2Jb");
    CHECK(terminal_text("a\nb\rc\td") == "a\\nb\\rc\\td");
    CHECK(terminal_text(std::string{"nul\0end", 7}) == "nul\\x00end");
    CHECK(terminal_text("del\x7f") == "del\\x7f");
    CHECK(terminal_text("csi\xc2\x9b" "1m") == "csi\\u009b1m");
    CHECK(terminal_text("nel\xc2\x85") == "nel\\u0085");
    CHECK(terminal_text("rlo\xe2\x80\xae") == "rlo\\u202e");
    CHECK(terminal_text("ls\xe2\x80\xa8") == "ls\\u2028");
    CHECK(terminal_text("latin1 caf\xe9") == "latin1 caf\\xe9");
    CHECK(terminal_text("\xff\xfe") == "\\xff\\xfe");
    CHECK(terminal_text("overlong \xc0\xaf") == "overlong \\xc0\\xaf");
    CHECK(terminal_text("surrogate \xed\xa0\x80") == "surrogate \\xed\\xa0\\x80");
    CHECK(terminal_text("truncated \xe2\x82") == "truncated \\xe2\\x82");
    CHECK(terminal_text("too high \xf4\x90\x80\x80") == "too high \\xf4\\x90\\x80\\x80");
    CHECK(terminal_text("") == "");
}

TEST_CASE("terminal_text: the result is always terminal-safe and one line, for every byte") {
    for (int a = 0; a < 256; ++a)
        for (int b = 0; b < 256; b += 3) {
            const std::string s{static_cast<char>(a), static_cast<char>(b), '\xa9'};
            const std::string t = terminal_text(s);
            CHECK(t.find('\n') == std::string::npos);
            CHECK(terminal_safe(t));
            CHECK(headroom::cli::is_utf8(t));
        }
}

TEST_CASE("catalog names with escape sequences, CR and LF are refused at load, in one escaped line, by every command") {
    // A catalog is a file from anywhere: a name that would clear the screen, retitle the terminal or forge a line
    // is refused where the catalog is read (naming the entry and the field), and the error line itself shows the
    // name escaped. Nothing reaches standard output.
    const hostile_catalog c;
    const std::string dir = c.dir.string();
    const std::string amps = (c.dir / "amplifiers.json").string(), hps = (c.dir / "headphones.json").string();
    const std::vector<std::vector<std::string>> commands{
        {"catalog", "headphones", "--catalog-dir", dir},
        {"catalog", "amps", "--catalog-dir", dir},
        {"catalog", "headphones", "--catalog-dir", dir, "--json"},
        {"sweep", "--amps", amps, "--headphones", hps, "--top", "2"},
        {"pair", "--catalog-dir", dir, "--headphone", hostile.front(), "--amp", hostile.front(), "--target", "90"},
    };
    for (const auto& args : commands) {
        const result r = run(args);
        CAPTURE(args.front());
        CAPTURE(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(lines(r.err) == 1);
        CHECK(terminal_safe(r.err));
        CHECK(r.err.find("must not contain control characters") != std::string::npos);
    }
}

TEST_CASE("error lines quote names and flags escaped: one line, nothing a terminal acts on") {
    const hostile_catalog c;
    const std::string dir = c.dir.string();
    // A miss lists the nearest catalog names, hostile ones included.
    for (const auto& name : hostile) {
        const result r = run({"pair", "--catalog-dir", dir, "--headphone", name + "x", "--vmax", "2"});
        CAPTURE(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(lines(r.err) == 1);
        CHECK(terminal_safe(r.err));
    }
    // Flag values are quoted back by the parser and by the commands.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"pair", "--impedance", "3\x1b]0;t\x07", "--sensitivity", "97dB/mW", "--vmax", "2"},
             {"pair", "--frob\nnicate"},
             {"sweep", "--synthetic", "2\rx3"},
             {"catalog", "headphones", "--catalog-dir", "no\x1b[2Jsuch"},
             {"frobnicate\x1b[2J"},
         }) {
        const result r = run(args);
        CAPTURE(r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(lines(r.err) == 1);
        CHECK(terminal_safe(r.err));
    }
}

TEST_CASE("JSON with a path that is not UTF-8 (a catalog folder given on the command line) is still whole") {
    const auto dir = headroom::test::temp_path("cat\xff\xfe");
    std::filesystem::create_directories(dir);
    std::ofstream{dir / "headphones.json"} << R"({"format": "headroom-catalog-1", "headphones": [
  {"name": "Test HD", "type": "over-ear dynamic", "impedance": "300ohm", "sensitivity": "97dB/mW", "basis": "spec",
   "source": "test", "impedance_curve": "hd.csv"}]})";
    std::ofstream{dir / "amplifiers.json"} << R"({"format": "headroom-catalog-1", "amplifiers": []})";
    std::filesystem::copy_file(headroom::test::source_dir / "data/curves/sennheiser_hd650.csv", dir / "hd.csv");
    const result r = run({"catalog", "headphones", "--catalog-dir", dir.string(), "--json"});
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);  // whole: the document parses
    // The curve itself, inline: no path (of this machine's folders, here not even UTF-8) is written out.
    CHECK_FALSE(j["headphones"][0].contains("impedance_curve"));
    CHECK(j["headphones"][0]["impedance_curve_points"].size() > 2);
    CHECK(r.out.find("\xff") == std::string::npos);
    const result table = run({"catalog", "headphones", "--catalog-dir", dir.string()});
    CHECK(table.code == 0);
    std::filesystem::remove_all(dir);
}
