// The gnuplot scripts as text: gnuplot_quote() on its own, and whole scripts built from hostile names, whose code
// must be the same as with a harmless name (no byte of user text ends a string or starts a command).

#include "cli/plot_script.hpp"
#include "cli/utf8.hpp"
#include "gnuplot_skeleton.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using headroom::cli::gnuplot_quote;
using headroom::test::shape_of;

const std::string fffd = "\xef\xbf\xbd";

// Names that would run commands, end strings or lines, or break the image's encoding if they reached gnuplot
// as code.
const std::vector<std::string> hostile_names{
    "x`touch PWNED`.csv",
    "x'`touch PWNED`'.csv",
    "x\"`touch PWNED`\".csv",
    "$(touch PWNED).csv",
    "x'; system('touch PWNED'); print '.csv",
    "x\"; system(\"touch PWNED\"); print \".csv",
    "a\nsystem(\"touch PWNED\")\nb.csv",
    "a\rsystem('touch PWNED')\r.csv",
    "x;touch PWNED;.csv",
    "trailing backslash\\",
    "back\\slash\\'quote",
    "'",
    "''",
    "\"",
    "@macro @@ {/*9 big} _sub ^sup &{x} ~a",
    "latin1 caf\xe9 and \xff\xfe",
    std::string{"nul\0byte", 8},
    "esc\x1b[2J del\x7f c1\xc2\x9b",
    "# not a comment",
    "EOD\nplot 1",
    "",
};

headroom::cli::load_plot load_with(const std::string& name) {
    headroom::cli::load_plot p;
    headroom::cli::load_series s{"single-ended", headroom::cli::se_colour, {8, 16, 32}, {100, 80, 40}, {0.9, 1.1, 1.1}, {}};
    s.binding = {headroom::limit::current, headroom::limit::voltage, headroom::limit::voltage};
    p.series = {s};
    p.subtitle = "single-ended: V_{oc} 2 Vrms";
    p.headphone = headroom::cli::marked_headphone{name, 32.0};
    return p;
}

headroom::cli::response_plot response_with(const std::string& name) {
    headroom::cli::response_plot p;
    p.hz = {20, 1000, 20000};
    p.ohm = {300, 320, 350};
    p.phase_deg = {0, 1, 2};
    p.deviations = {{name, headroom::cli::balanced_colour, {0.1, 0, -0.1}, 10.0, true, 0.2},
                     {"second", headroom::cli::se_colour, {0.0, 0, 0.0}, 0.0, false, 0.0}};
    p.curve_name = name;
    p.headphone = headroom::cli::marked_headphone{name, 300.0};
    return p;
}

}  // namespace

TEST_CASE("gnuplot_quote: single quotes, '' inside, controls and bytes that are not UTF-8 replaced") {
    CHECK(gnuplot_quote("HD600") == "'HD600'");
    CHECK(gnuplot_quote("") == "''");
    CHECK(gnuplot_quote("it's") == "'it''s'");
    CHECK(gnuplot_quote("'") == "''''");
    CHECK(gnuplot_quote("`cmd` $(cmd) \"q\" \\ @m") == "'`cmd` $(cmd) \"q\" \\ @m'");  // nothing is special but '
    CHECK(gnuplot_quote("a\nb") == "'a" + fffd + "b'");
    CHECK(gnuplot_quote("a\r\tb\x1b") == "'a" + fffd + fffd + "b" + fffd + "'");
    CHECK(gnuplot_quote("caf\xe9") == "'caf" + fffd + "'");
    CHECK(gnuplot_quote("c1 \xc2\x85 del \x7f") == "'c1 " + fffd + " del " + fffd + "'");
    CHECK(gnuplot_quote("\xc3\x98 \xe2\x82\xac") == "'\xc3\x98 \xe2\x82\xac'");  // UTF-8 stays
    CHECK(headroom::cli::enhanced_literal("a_b^c{d}@e&f~g\\h") == "a\\_b\\^c\\{d\\}\\@e\\&f\\~g\\\\h");
    CHECK(headroom::cli::gnuplot_lines({"a", "b'c"}) == "'a' . \"\\n\" . 'b''c'");
}

TEST_CASE("gnuplot_quote: every literal is one line, valid UTF-8, and reads back as the text") {
    for (int a = 0; a < 256; ++a)
        for (int b = 0; b < 256; b += 5) {
            const std::string text{static_cast<char>(a), '\'', static_cast<char>(b)};
            const auto shape = shape_of("set title " + gnuplot_quote(text) + "\n");
            REQUIRE(shape.well_formed);
            REQUIRE(shape.literals.size() == 1);
            CHECK(headroom::cli::is_utf8(shape.literals[0]));
            for (const char c : shape.literals[0]) CHECK((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f));
            if (a >= 0x20 && a < 0x7f && b >= 0x20 && b < 0x7f) CHECK(shape.literals[0] == text);
        }
}

TEST_CASE("plot scripts: hostile names change no code, only string contents") {
    for (const auto format : {headroom::cli::image_format::svg, headroom::cli::image_format::png}) {
        const auto benign_load = shape_of(load_plot_script(load_with("Sennheiser HD600"), format));
        const auto benign_response = shape_of(response_plot_script(response_with("hd600.csv"), format));
        REQUIRE(benign_load.well_formed);
        REQUIRE(benign_response.well_formed);
        for (const auto& name : hostile_names) {
            CAPTURE(name);
            for (const auto& [script, benign] :
                 {std::pair{load_plot_script(load_with(name), format), benign_load},
                  std::pair{response_plot_script(response_with(name), format), benign_response}}) {
                const auto shape = shape_of(script);
                CAPTURE(shape.problem);
                CHECK(shape.well_formed);
                CHECK(shape.skeleton == benign.skeleton);
                CHECK(headroom::cli::is_utf8(script));
            }
        }
    }
}
