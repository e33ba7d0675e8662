// Which kinds of headphone are hard to drive? Every output stage of the bundled catalog (each amplifier, output
// and gain setting) against every headphone, for loud music: 90 dB SPL average with 20 dB peaks. For each kind
// of headphone: how many of the outputs can play it with headroom to spare, and which model is the hardest.
//
// Usage: example_catalog_study [catalog folder]   (default: the source tree's data/)
#include <headroom/batch/pack.hpp>
#include <headroom/batch/sweep.hpp>
#include <headroom/catalog.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <span>
#include <vector>

#ifndef HEADROOM_EXAMPLE_DATA_DIR
#define HEADROOM_EXAMPLE_DATA_DIR "data"
#endif

int main(int argc, char** argv) try {
    using namespace headroom;
    const std::filesystem::path dir = argc > 1 ? argv[1] : HEADROOM_EXAMPLE_DATA_DIR;
    const auto amplifiers = load_amplifier_catalog(dir / "amplifiers.json");
    const auto headphones = load_headphone_catalog(dir / "headphones.json");

    std::vector<output_stage> outputs;
    for (const auto& amp : amplifiers)
        for (const auto& out : amp.outputs)
            for (const auto& setting : out.settings) outputs.push_back(setting.stage);
    std::vector<headphone> models;
    for (const auto& h : headphones) models.push_back(h.model);

    // The batch engine works on packed columns of SI values and keeps per-headphone results only.
    const programme loud{spl::of_db(90.0), gain::of_db(20.0)};
    const auto amps = batch::pack<float>(std::span<const output_stage>{outputs});
    const auto phones = batch::pack<float>(std::span<const headphone>{models});
    const batch::sweep_settings settings{.min_headroom = gain::of_db(0.0)};
    const batch::sweep_result r = batch::sweep(amps, phones, loud.average_level(), loud.crest_factor(), settings);

    struct group {
        std::vector<double> share;  // per headphone: the fraction of outputs with headroom >= 0 dB
        batch::index hardest = -1;
        double hardest_best_db = 0;  // the hardest headphone's best headroom over all outputs
    };
    std::map<headphone_type, group> groups;
    for (batch::index i = 0; i < phones.size(); ++i) {
        group& g = groups[headphones[static_cast<std::size_t>(i)].type];
        g.share.push_back(static_cast<double>(r.above_threshold(i)) / static_cast<double>(r.outputs()));
        const double best = r.max_headroom(i).db();
        if (g.hardest < 0 || best < g.hardest_best_db) {
            g.hardest = i;
            g.hardest_best_db = best;
        }
    }

    std::printf("%zu output stages x %zu headphones, music at 90 dB SPL with 20 dB peaks\n\n", outputs.size(), models.size());
    std::printf("%-18s %6s %28s   %s\n", "type", "models", "outputs with headroom, median", "hardest to drive (best headroom)");
    for (auto& [type, g] : groups) {
        std::sort(g.share.begin(), g.share.end());
        const std::size_t n = g.share.size();
        const double median = n % 2 == 1 ? g.share[n / 2] : (g.share[n / 2 - 1] + g.share[n / 2]) / 2;
        std::printf("%-18s %6zu %27.0f%%   %s (%+.1f dB)\n", std::string{to_string(type)}.c_str(), n, 100.0 * median,
                    headphones[static_cast<std::size_t>(g.hardest)].name().c_str(), g.hardest_best_db);
    }
} catch (const std::exception& e) {
    std::fprintf(stderr, "example_catalog_study: %s\n", e.what());
    return 2;
}
