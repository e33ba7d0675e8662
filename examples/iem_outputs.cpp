// Which outputs suit a sensitive, low-impedance in-ear monitor? Loudness is rarely the question with IEMs;
// output impedance is (a multi-driver IEM's impedance swings with frequency, so a high Z_out colours its
// response: the 1/8 rule asks for Z_out at most an eighth of the load), and so is hiss, where the catalog states
// an output's noise. Every output of the bundled catalog, ranked by damping factor.
//
// Usage: example_iem_outputs [headphone name] [catalog folder]   (default: Campfire Audio Andromeda 2020)
#include <headroom/analysis.hpp>
#include <headroom/catalog.hpp>
#include <headroom/frontend/lookup.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#ifndef HEADROOM_EXAMPLE_DATA_DIR
#define HEADROOM_EXAMPLE_DATA_DIR "data"
#endif

int main(int argc, char** argv) try {
    using namespace headroom;
    const std::string name = argc > 1 ? argv[1] : "Campfire Audio Andromeda 2020";
    const std::filesystem::path dir = argc > 2 ? argv[2] : HEADROOM_EXAMPLE_DATA_DIR;
    const auto headphones = load_headphone_catalog(dir / "headphones.json");
    const headphone& iem = frontend::find_headphone(headphones, name).model;
    const auto amplifiers = load_amplifier_catalog(dir / "amplifiers.json");

    struct row {
        std::string output;
        pair_analysis a;
        bool zout_stated;  // else the analysis assumed 0 ohm, and damping is unknown
    };
    std::vector<row> rows;
    const programme quiet{spl::of_db(75.0), gain::of_db(15.0)};
    for (const auto& amp : amplifiers)
        for (const auto& out : amp.outputs) {
            // The lowest gain setting: the one to use with sensitive IEMs.
            const output_setting& s = out.settings.front();
            rows.push_back({amp.name + " / " + out.name + (s.gain_name.empty() ? "" : " / " + s.gain_name),
                            analyse(s.stage, iem, quiet), s.stage.output_impedance_stated()});
        }
    // Outputs with no stated output impedance go last; a stated 0 ohm is an ideal source and goes first.
    const auto damping = [](const row& r) {
        return r.zout_stated ? r.a.damping_factor.value_or(std::numeric_limits<double>::infinity()) : -1.0;
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const row& x, const row& y) { return damping(x) > damping(y); });

    std::printf("%s: %.1f ohm, %.1f dB SPL/V; music at 75 dB SPL with 15 dB peaks\n\n", iem.name().c_str(),
                value_in(iem.nominal_impedance(), ohm), iem.sensitivity_per_volt().db());
    std::printf("%-66s %8s %8s %10s %9s\n", "output (lowest gain)", "damping", "1/8 rule", "headroom", "hiss");
    for (const row& r : rows) {
        char damping_text[16] = "-";
        if (r.zout_stated) {
            if (r.a.damping_factor) std::snprintf(damping_text, sizeof damping_text, "%.1f", *r.a.damping_factor);
            else std::snprintf(damping_text, sizeof damping_text, "ideal");
        }
        char noise_text[16] = "-";
        if (r.a.hiss) std::snprintf(noise_text, sizeof noise_text, "%.1f dB", r.a.hiss->high.db());
        std::printf("%-66s %8s %8s %+7.1f dB %9s\n", r.output.c_str(), damping_text,
                    r.a.meets_one_eighth_rule ? (*r.a.meets_one_eighth_rule ? "yes" : "no") : "-", r.a.headroom->margin.db(), noise_text);
    }
    std::printf("\ndamping -: no output impedance stated. hiss: the amplifier's stated noise as SPL in this IEM, at any volume.\n");
} catch (const std::exception& e) {
    std::fprintf(stderr, "example_iem_outputs: %s\n", e.what());
    return 2;
}
