// libFuzzer target for the gnuplot scripts of `headroom plot`: names, titles and figures from arbitrary bytes go
// into both scripts, which must keep the code of a script built from harmless text (tests/gnuplot_skeleton.hpp):
// no byte of user text may end a quoted string, start a new command line, or leave the script's UTF-8.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DHEADROOM_FUZZ=ON
//   cmake --build build-fuzz --target plot_script_fuzz
//   ./build-fuzz/tests/fuzz/plot_script_fuzz -max_total_time=20 build-fuzz/tests/fuzz/plot_script_corpus tests/fuzz/plot_script_corpus

#include "cli/plot_script.hpp"
#include "cli/utf8.hpp"
#include "gnuplot_skeleton.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace headroom::cli;

load_plot load_with(const std::string& headphone, const std::string& subtitle_name, double ohm) {
    load_plot p;
    load_series s{"single-ended", se_colour, {8, 16, 32}, {100, 80, 40}, {0.9, 1.1, 1.1}, {}};
    s.binding = {headroom::limit::current, headroom::limit::voltage, headroom::limit::gain};
    p.series = {s, s};
    p.subtitle = "single-ended into " + enhanced_literal(subtitle_name);
    p.headphone = marked_headphone{headphone, ohm};
    return p;
}

response_plot response_with(const std::string& curve, const std::string& headphone, double ohm) {
    response_plot p;
    p.hz = {20, 1000, 20000};
    p.ohm = {300, 320, 350};
    p.phase_deg = {0, 1, 2};
    p.deviations = {{headphone, balanced_colour, {0.1, 0, -0.1}, 10.0, true, 0.2},
                     {curve, se_colour, {0.0, 0.0, 0.0}, 0.0, false, 0.0}};
    p.has_phase = ohm > 100;
    p.curve_name = curve;
    p.headphone = marked_headphone{headphone, ohm};
    return p;
}

void require_same_code(const std::string& script, const std::string& benign) {
    const auto shape = headroom::test::shape_of(script);
    if (!shape.well_formed || shape.skeleton != headroom::test::shape_of(benign).skeleton || !is_utf8(script)) std::abort();
    for (const auto& literal : shape.literals)
        for (const char c : literal)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in{data, size};
    const std::string headphone = in.ConsumeRandomLengthString(256);
    const std::string curve = in.ConsumeRandomLengthString(256);
    const std::string other = in.ConsumeRemainingBytesAsString();
    // The figures are ours (numbers), not the fuzzer's: fixed, so that the code cannot legitimately differ.
    for (const auto format : {image_format::svg, image_format::png}) {
        require_same_code(load_plot_script(load_with(headphone, other, 32.0), format),
                          load_plot_script(load_with("x", "x", 32.0), format));
        require_same_code(response_plot_script(response_with(curve, headphone, 300.0), format),
                          response_plot_script(response_with("x", "x", 300.0), format));
        // Straight through the quoting function too, where any text reads back unchanged but for replacements.
        const auto shape = headroom::test::shape_of("set title " + gnuplot_quote(other) + "\n");
        if (!shape.well_formed || shape.literals.size() != 1) std::abort();
    }
    return 0;
}
