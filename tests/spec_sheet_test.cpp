// `headroom catalog import`: the spec-sheet reader (include/headroom/spec_sheet.hpp) on ten real spec texts and on
// each form makers print, its refusals, the entry it makes analysing as a hand-written one, and bad input.

#include "headroom/spec_sheet.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace headroom;
using headroom::test::run;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out{p, std::ios::binary};
    out << text;
}

const std::filesystem::path sheets = headroom::test::source_dir / "tests" / "data" / "spec_sheets";

// A spec text as stored: its first line names its source ("# source: URL ..."), the rest is the text as published.
std::string sheet_text(const std::string& name) {
    const std::string all = slurp(sheets / name);
    REQUIRE(all.rfind("# source: http", 0) == 0);
    return all.substr(all.find('\n') + 1);
}

// A line's fields as "field=value[output/setting]", in the order read.
std::vector<std::string> fields_of(const spec_line& l) {
    std::vector<std::string> out;
    for (const auto& f : l.fields) {
        std::string t = f.field;  // appended piece by piece: GCC 12 misreads a chain of + (-Wrestrict)
        t += '=';
        t += f.value;
        t += '[';
        t += f.output;
        t += '/';
        t += f.setting;
        t += ']';
        out.push_back(std::move(t));
    }
    return out;
}

// The first line of a one-line text, read as `kind`.
spec_line one(const std::string& text, gear_kind kind) {
    spec_sheet_options o;
    o.kind = kind;
    o.name = "X";
    const spec_import r = read_spec_sheet(text, "test", o);
    REQUIRE(r.lines.size() == 1);
    return r.lines.front();
}

bool has(const spec_line& l, const std::string& field, const std::string& value, const std::string& output = "*") {
    return std::any_of(l.fields.begin(), l.fields.end(), [&](const spec_field& f) {
        return f.field == field && f.value == value && (output == "*" || f.output == output);
    });
}

struct expected_field {
    std::size_t line;  // in the text after its source line
    std::string field, value;
};

struct sheet_case {
    std::string file;
    gear_kind kind;
    std::vector<expected_field> fields;  // every figure the catalog holds, as it should be read
};

}  // namespace

TEST_CASE("spec sheets: ten real texts, each figure-bearing line into its field and value, at least 90 % read") {
    // Expected readings checked against each text by hand: every line that states a figure the catalog holds.
    const std::vector<sheet_case> cases{
        {"cambridge_cxa80.txt", gear_kind::amplifier, {{4, "snr", "95dB"}}},
        {"fiio_a3.txt", gear_kind::amplifier,
         {{1, "kind", "portable"}, {3, "power", "270mW@32ohm"}, {4, "power", "450mW@16ohm"}, {6, "snr", "108dB"}}},
        {"fiio_k11_r2r.txt", gear_kind::amplifier,
         {{14, "power", "460mW@32ohm"}, {15, "power", "50mW@300ohm"}, {16, "power", "1300mW@32ohm"}, {17, "power", "220mW@300ohm"},
          {19, "snr", "115dB"}, {20, "noise", "7.2uV"}, {20, "noise", "14.1uV"}, {21, "zout", "1ohm"}, {21, "zout", "1.5ohm"}}},
        {"fiio_k13_r2r.txt", gear_kind::amplifier, {{2, "name", "K13 R2R"}, {16, "power", "1200mW@16ohm"}, {16, "zout", "0.4ohm"}}},
        // Its only figure line states no load for its powers: refused, not guessed.
        {"hiby_r3_ii.txt", gear_kind::amplifier, {}},
        {"moondrop_blessing_3.txt", gear_kind::headphone,
         {{4, "type", "iem"}, {4, "drivers", "2DD+4BA"}, {6, "impedance", "14.8ohm"}, {7, "sensitivity", "101.7dB/mW"}}},
        {"schiit_magni_2.txt", gear_kind::amplifier,
         {{3, "power", "1.8W@16ohm"}, {4, "power", "1.2W@32ohm"}, {6, "power", "1.0W@50ohm"}, {8, "power", "260mW@300ohm"},
          {10, "power", "130mW@600ohm"}, {16, "snr", "102dB"}, {16, "snr_reference", "1Vrms"}, {20, "zout", "0.2ohm"}, {22, "gain", "3dB"},
          {22, "gain", "14dB"}}},
        {"sennheiser_hda_280.txt", gear_kind::headphone,
         {{2, "type", "on-ear"}, {4, "sensitivity", "117dB/mW"}, {9, "rated_power", "500mW"}, {10, "impedance", "37ohm"}}},
        {"shanling_up4.txt", gear_kind::amplifier, {{3, "power", "71mW@32ohm"}, {4, "power", "100mW@32ohm"}, {5, "power", "165mW@32ohm"}}},
        // Its powers name neither of the two jacks it lists: refused, not put on one of them.
        {"topping_g5.txt", gear_kind::amplifier, {{5, "zout", "0.1ohm"}}},
    };
    std::size_t read = 0, bearing = 0, stored = 0;
    for (const auto& c : cases) {
        CAPTURE(c.file);
        ++stored;
        spec_sheet_options o;
        o.kind = c.kind;
        o.name = "X";
        const spec_import r = read_spec_sheet(sheet_text(c.file), c.file, o);
        for (const auto& e : c.fields) {
            CAPTURE(e.line);
            CAPTURE(e.field);
            const auto l = std::find_if(r.lines.begin(), r.lines.end(), [&](const spec_line& x) { return x.number == e.line; });
            REQUIRE(l != r.lines.end());
            INFO("read: ", doctest::toString(fields_of(*l)));
            CHECK(l->status == line_status::read);
            CHECK(has(*l, e.field, e.value));
        }
        // No other line is read into a field (nothing guessed from a line that states no such figure).
        for (const auto& l : r.lines) {
            if (l.status != line_status::read) continue;
            CAPTURE(l.text);
            CHECK(std::any_of(c.fields.begin(), c.fields.end(), [&](const expected_field& e) { return e.line == l.number; }));
        }
        read += r.count(line_status::read);
        bearing += r.count(line_status::read) + r.count(line_status::refused);
    }
    CHECK(stored == 10);
    REQUIRE(bearing > 0);
    const double share = static_cast<double>(read) / static_cast<double>(bearing);
    MESSAGE("figure-bearing lines read: ", read, " of ", bearing);
    CHECK(share >= 0.9);
}

TEST_CASE("spec sheets: a limit that names neither of two listed jacks is refused, not put on one of them") {
    spec_sheet_options o;
    o.kind = gear_kind::amplifier;
    o.name = "X";
    const spec_import r = read_spec_sheet("Output ports: 3.5mm and 4.4mm\nOutput power: 1200mW@32ohm\nOutput impedance: 0.5ohm\n", "test", o);
    REQUIRE(r.lines.size() == 3);
    CHECK(r.lines[1].status == line_status::refused);
    CHECK(r.lines[1].note.find("3.5mm and 4.4mm") != std::string::npos);
    CHECK(r.lines[1].fields.empty());
    // Tied to a jack, the same figure is read; an untied one beside a tied balanced figure is the single-ended jack's.
    const spec_import tied = read_spec_sheet("Output ports: 3.5mm and 4.4mm\n3.5mm: 1200mW@32ohm\n", "test", o);
    CHECK(tied.lines[1].status == line_status::read);
    CHECK(has(tied.lines[1], "power", "1200mW@32ohm", "3.5mm"));
    const spec_import both = read_spec_sheet("Output power: 300mW@32ohm\nOutput power (balanced): 600mW@32ohm\n", "test", o);
    CHECK(both.lines[0].status == line_status::read);
    CHECK(both.lines[1].status == line_status::read);
}

TEST_CASE("spec sheets: a sign before a point that starts no number is punctuation, not a number") {
    spec_sheet_options o;
    o.kind = gear_kind::amplifier;
    o.name = "X";
    // A fuzzed input once reached the number reader with "+." and no digit after it.
    for (const char* text : {"+./ 4.4 kind 0mW@32\u03a9\n", "Output power: -. 5mW@32ohm\n", "Gain: +.\n", "Noise: -.\n", "Output power: 125kW@32ohm\n"}) {
        CAPTURE(text);
        CHECK_NOTHROW((void)read_spec_sheet(text, "test", o));
    }
}

TEST_CASE("spec sheets: the forms makers print") {
    const auto amp = gear_kind::amplifier;
    CHECK(fields_of(one("Output Power: 1200mW @ 32Ω (THD+N<1%)", amp)) == std::vector<std::string>{"power=1200mW@32ohm[single-ended/]"});
    // Per channel, written twice: one channel's figure.
    CHECK(fields_of(one("≥ 245mW+245mW(32Ω, THD+N<1%)", amp)) == std::vector<std::string>{"power=245mW@32ohm[single-ended/]"});
    CHECK(fields_of(one("Output power (balanced): 1.2 W x2 @ 32 ohms", amp)) == std::vector<std::string>{"power=1.2W@32ohm[balanced/]"});
    // Two outputs on one line: two outputs.
    CHECK(fields_of(one("3.5mm: 125mW@32Ω / 4.4mm: 240mW@32Ω", amp)) ==
          std::vector<std::string>{"power=125mW@32ohm[3.5mm/]", "power=240mW@32ohm[4.4mm balanced/]"});
    CHECK(has(one("Max output voltage: 6.5 Vrms (600Ω)", amp), "vmax", "6.5Vrms"));
    CHECK(has(one("Max output voltage: 18 Vpp", amp), "vmax", "18Vpp"));
    CHECK(has(one("Output impedance: <1Ω", amp), "zout", "1ohm"));
    CHECK(has(one("Output impedance: 0.5 ohm", amp), "zout", "0.5ohm"));
    CHECK(has(one("Output impedance: 2 ohms", amp), "zout", "2ohm"));
    const spec_line snr = one("SNR: ≥120dB (A-weighted)", amp);
    CHECK(has(snr, "snr", "120dB"));
    CHECK(has(snr, "noise_weighting", "A-weighted"));
    CHECK(has(one("Noise floor: <1.6μV", amp), "noise", "1.6uV"));
    CHECK(has(one("Dynamic range 118 dB", amp), "snr", "118dB"));
    // A gain switch: one setting per position.
    const spec_line gain = one("Gain: Low 0 dB / High 12 dB", amp);
    REQUIRE(gain.fields.size() == 2);
    CHECK(gain.fields[0].setting == "low");
    CHECK(gain.fields[0].value == "0dB");
    CHECK(gain.fields[1].setting == "high");
    CHECK(gain.fields[1].value == "12dB");
    // Units spelled every way, W and mW alike.
    CHECK(has(one("Output power: 0.25W @ 32Ω", amp), "power", "0.25W@32ohm"));
    CHECK(has(one("Output power: 250 mW @ 32 ohms", amp), "power", "250mW@32ohm"));
    // Full-width digits (U+FF10-FF19), the ideographic space (U+3000), a bullet and tabs; a no-break space (U+00A0).
    CHECK(fields_of(one("•\tOutput power:\t２５０mW\u3000@\u3000３２Ω", amp)) == std::vector<std::string>{"power=250mW@32ohm[single-ended/]"});
    CHECK(fields_of(one("Output power:\u00a0250\u00a0mW @ 32\u00a0Ω", amp)) == std::vector<std::string>{"power=250mW@32ohm[single-ended/]"});

    const auto hp = gear_kind::headphone;
    CHECK(fields_of(one("Impedance: 300 Ω", hp)) == std::vector<std::string>{"impedance=300ohm[/]"});
    CHECK(fields_of(one("Sensitivity: 97 dB SPL/mW", hp)) == std::vector<std::string>{"sensitivity=97dB/mW[/]"});
    CHECK(has(one("Sensitivity: 110dB/Vrms @1kHz", hp), "sensitivity", "110dB/V"));
}

TEST_CASE("spec sheets: an ambiguous line is refused with a one-line reason, never guessed") {
    for (const auto& [text, kind] : {std::pair{std::string{"1200"}, gear_kind::amplifier}, std::pair{std::string{"Output power: 300"}, gear_kind::amplifier},
                                     std::pair{std::string{"Sensitivity: 105 dB"}, gear_kind::headphone},
                                     std::pair{std::string{"Nominal output power: 280mW ( Balanced), 70mW (unbalanced)"}, gear_kind::amplifier}}) {
        CAPTURE(text);
        const spec_line l = one(text, kind);
        CHECK(l.status == line_status::refused);
        CHECK(l.fields.empty());
        CHECK(!l.note.empty());
        CHECK(l.note.find('\n') == std::string::npos);
    }
    CHECK(one("Sensitivity: 105 dB", gear_kind::headphone).note.find("reference") != std::string::npos);
    CHECK(one("1200", gear_kind::amplifier).note.find("without a label") != std::string::npos);
}

TEST_CASE("catalog import: the entry analyses exactly as the hand-written one") {
    const headroom::test::scratch_dir dir{"import_pair"};
    const std::string own = (dir.dir / "own.json").string();
    const std::string hand = (dir.dir / "hand.json").string();
    auto r = run({"catalog", "import", (sheets / "schiit_magni_2.txt").string(), "--kind", "desktop", "--name", "Import Test Magni", "--add", own});
    INFO(r.err);
    REQUIRE(r.code == 0);
    r = run({"catalog", "import", (sheets / "moondrop_blessing_3.txt").string(), "--name", "Import Test B3", "--add", own});
    INFO(r.err);
    REQUIRE(r.code == 0);
    // What a person would write from the same texts (docs/catalog-format.md).
    spit(hand, R"({"format": "headroom-catalog-1",
 "headphones": [{"name": "Import Test B3", "type": "iem", "impedance": "14.8ohm", "sensitivity": "101.7dB/mW", "drivers": "2DD+4BA", "basis": "own"}],
 "amplifiers": [{"name": "Import Test Magni", "kind": "desktop", "basis": "own", "outputs": [
   {"name": "single-ended", "topology": "single_ended", "power": ["1.8W@16ohm", "1.2W@32ohm", "1.0W@50ohm", "260mW@300ohm", "130mW@600ohm"],
    "zout": "0.2ohm", "noise_weighting": "unweighted", "snr": "102dB", "snr_reference": "1Vrms"}]}]})");
    const std::vector<std::string> pair{"pair", "--headphone", "Import Test B3", "--amp", "Import Test Magni", "--target", "85", "--crest", "18", "--json"};
    auto with = [&](const std::string& file) {
        auto a = pair;
        a.insert(a.end(), {"--own-catalog", file});
        return run(a);
    };
    const auto imported = with(own), written = with(hand);
    INFO(imported.err, written.err);
    REQUIRE(imported.code == 0);
    REQUIRE(written.code == 0);
    CHECK(imported.out == written.out);
    CHECK(imported.out.find("headroom") != std::string::npos);
    // The user's entries are listed with the catalog, marked as their own.
    const auto list = run({"catalog", "amps", "--own-catalog", own});
    CHECK(list.out.find("Import Test Magni (desktop, own)") != std::string::npos);
}

TEST_CASE("catalog import: every line is accounted for on stderr, the entry alone on stdout, text shown safely") {
    // A right-to-left override in the text (a terminal would reorder the line) is shown as an escape; a raw control
    // byte (ESC) is refused with the whole text, below.
    std::istringstream in{"Model: Probe \u202eAmp\nOutput power: 100mW @ 32 ohm\nWeight: 90 g\n"};
    const auto r = run({"catalog", "import", "-", "--kind", "desktop"}, {.input = &in});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.find("line 2: read power = 100mW@32ohm") != std::string::npos);
    CHECK(r.err.find("line 3: ignored") != std::string::npos);
    CHECK(r.err.find("\u202e") == std::string::npos);  // shown as an escape, not sent
    CHECK(r.err.find("\\u202e") != std::string::npos);
    CHECK(r.out.find("\"power\"") != std::string::npos);
    CHECK(r.out.find("line ") == std::string::npos);
}

TEST_CASE("catalog import --add: the file is whole or untouched, a name already there is refused") {
    const headroom::test::scratch_dir dir{"import_add"};
    const std::string own = (dir.dir / "own.json").string();
    const std::vector<std::string> add{"catalog", "import", (sheets / "schiit_magni_2.txt").string(), "--kind", "desktop", "--name", "My Magni", "--add", own};
    REQUIRE(run(add).code == 0);
    const std::string before = slurp(own);
    const auto again = run(add);
    CHECK(again.code == 2);
    CHECK(again.err.find("My Magni") != std::string::npos);
    CHECK(slurp(own) == before);
    CHECK(dir.entries() == std::vector<std::string>{"own.json"});  // no temporary file left
    // A broken file is not overwritten.
    spit(own, "{not json");
    CHECK(run(add).code == 2);
    CHECK(slurp(own) == "{not json");
}

TEST_CASE("catalog import: bad input gets one clear error and nothing else") {
    const headroom::test::scratch_dir dir{"import_bad"};
    const auto refused = [](const headroom::test::result& r, const std::string& says) {
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        INFO(r.err);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.find(says) != std::string::npos);
    };
    std::string junk;
    for (int k = 0; k < 4096; ++k) junk += static_cast<char>((k * 131 + 7) % 256);
    spit(dir.dir / "junk.bin", junk);
    refused(run({"catalog", "import", (dir.dir / "junk.bin").string()}), "binary data");
    {
        // 100 MB: refused by its size (only the first megabyte and a byte are read).
        std::ofstream big{dir.dir / "big.txt", std::ios::binary};
        const std::string line = "Output power: 100mW @ 32 ohm\n";
        for (std::size_t n = 0; n < 100'000'000 / line.size() + 1; ++n) big << line;
    }
    refused(run({"catalog", "import", (dir.dir / "big.txt").string()}), "more than 1048576 bytes");
    std::string numbers = "Output power:";
    for (int k = 0; k < 10000; ++k) {
        numbers += ' ';
        numbers += std::to_string(k);
    }
    numbers += '\n';
    spit(dir.dir / "numbers.txt", numbers);
    refused(run({"catalog", "import", (dir.dir / "numbers.txt").string()}), "10000 numbers");
    std::istringstream escape{"Output power: 100mW @ 32 ohm \x1b]0;title\x07\n"};
    refused(run({"catalog", "import", "-", "--kind", "desktop", "--name", "X"}, {.input = &escape}), "control byte 0x1B");
    std::istringstream nothing{""};
    refused(run({"catalog", "import", "-"}, {.input = &nothing}), "no text");
}
