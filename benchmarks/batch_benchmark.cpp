// Throughput of the batch engine, in pairs (one output stage against one headphone) per second, on the synthetic
// catalog of `headroom sweep --synthetic MxN` (seed 1), a sine at 85 dB SPL:
//   stats<T>/PATH    the statistics a sweep returns (headroom min / mean / max, binding counts, pairs above 0 dB),
//                    on one instruction-set path of the engine (HEADROOM_SIMD's names), one thread;
//   bound<T>/PATH    the same loop, compiled the same way, without the mean: counts, minimum and maximum only. The
//                    ratio stats / bound is what the mean costs;
//   top5<T>/PATH     the statistics and the five best outputs per headphone;
//   threads<T>       the statistics on at most 1 and 2 threads, on the path the processor selects (real time);
//   naive_scalar     the scalar model per pair: max_output + headroom_for on the typed objects, reduced the same way.
// The sweep across frequency (items = pair-frequencies, outputs x headphones x 480 grid frequencies, whether evaluated
// or pruned; the counter `evaluated` is the share evaluated), each pair's worst case over 20 Hz-20 kHz:
//   across<T>/CATALOG/EQ/ENGINE/PATH/threads:K
//                    CATALOG: synthetic 1000x20000 with the realistic curves of `sweep --synthetic --across-frequency`,
//                    or the bundled catalog (data/); EQ: eq (tests/data/autoeq's HD 600 preset on every headphone, as
//                    `--eq FILE`) or none; ENGINE: pruned (the sweep's default) or every (every frequency of every
//                    pair: across_settings::prune = false). The time is the whole of sweep_across: the curves put on
//                    the grid, the candidate lists and the pairs.
// The engine's loops are compiled for each instruction set whatever the flags of this executable; the context line
// names the paths this processor runs and whether the benchmark itself was built with -march=native.

#include "headroom/batch/synthetic.hpp"
#include "headroom/analysis.hpp"
#include "headroom/batch/across.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/pack_across.hpp"
#include "headroom/batch/sweep.hpp"

#include "cli/catalog_select.hpp"
#include "cli/sweep_run.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>

namespace {

namespace hb = headroom::batch;
using headroom::programme;
using headroom::spl;

const programme sine_at_85{spl::of_db(85.0)};

// Catalogs are built once per size and shared by all benchmarks.
const headroom::batch::synthetic_catalog& catalog(std::int64_t m, std::int64_t n) {
    static std::map<std::pair<std::int64_t, std::int64_t>, std::unique_ptr<headroom::batch::synthetic_catalog>> cache;
    auto& slot = cache[{m, n}];
    if (!slot)
        slot = std::make_unique<headroom::batch::synthetic_catalog>(
            headroom::batch::make_synthetic(static_cast<std::size_t>(m), static_cast<std::size_t>(n), 1));
    return *slot;
}

template <class T>
struct packed {
    hb::output_columns<T> amps;
    hb::headphone_columns<T> hps;
};

template <class T>
const packed<T>& pack(std::int64_t m, std::int64_t n) {
    static std::map<std::pair<std::int64_t, std::int64_t>, std::unique_ptr<packed<T>>> cache;
    auto& slot = cache[{m, n}];
    if (!slot) {
        const auto& c = catalog(m, n);
        slot = std::make_unique<packed<T>>(packed<T>{hb::pack<T>(std::span<const headroom::output_stage>{c.outputs}),
                                                     hb::pack<T>(std::span<const headroom::headphone>{c.headphones})});
    }
    return *slot;
}

void pairs_processed(benchmark::State& state, std::int64_t m, std::int64_t n) {
    state.SetItemsProcessed(state.iterations() * m * n);
    state.counters["M"] = static_cast<double>(m);
    state.counters["N"] = static_cast<double>(n);
}

template <class T>
void run_sweep(benchmark::State& state, std::int64_t m, std::int64_t n, hb::sweep_settings settings) {
    const auto& p = pack<T>(m, n);
    for (auto _ : state) {
        const hb::sweep_result r = hb::sweep(p.amps, p.hps, sine_at_85.average_level(), sine_at_85.crest_factor(), settings);
        benchmark::DoNotOptimize(r.above_threshold());
    }
    pairs_processed(state, m, n);
    state.counters["threads"] = static_cast<double>(hb::sweep_threads(settings, m, n));
}

// The scalar model, one pair at a time, reduced like the sweep: what a program without the batch engine would do.
void naive_scalar(benchmark::State& state, std::int64_t m, std::int64_t n) {
    const auto& c = catalog(m, n);
    for (auto _ : state) {
        double sum = 0.0;
        std::int64_t above = 0;
        std::array<std::int64_t, headroom::limit_count> by_limit{};
        for (const auto& o : c.outputs)
            for (const auto& h : c.headphones) {
                const headroom::headroom_result r = headroom::headroom_for(o, h, sine_at_85);
                sum += r.margin.db();
                above += r.margin.db() >= 0.0 ? 1 : 0;
                ++by_limit[static_cast<std::size_t>(r.binding)];
            }
        benchmark::DoNotOptimize(sum);
        benchmark::DoNotOptimize(above);
        benchmark::DoNotOptimize(by_limit);
    }
    pairs_processed(state, m, n);
}

// ---- Across frequency.

// A catalog packed for the sweep across frequency, with and without the EQ preset on every headphone.
struct across_catalog {
    hb::output_columns<float> amps;
    hb::across_columns<float> plain, equalised;
};

const across_catalog& across_pack(const std::string& which) {
    static std::map<std::string, std::unique_ptr<across_catalog>> cache;
    auto& slot = cache[which];
    if (!slot) {
        std::vector<headroom::output_stage> outputs;
        std::vector<hb::load_band> loads;
        std::vector<headroom::headphone> headphones;
        if (which == "synthetic") {
            const hb::synthetic_catalog c = hb::make_synthetic(1000, 20000, 1);
            outputs = c.outputs;
            headphones = hb::with_realistic_curves(c.headphones, 1);
        } else {
            const auto c = headroom::cli::load_sweep_catalog(HEADROOM_DATA_DIR "/amplifiers.json", HEADROOM_DATA_DIR "/headphones.json");
            outputs = c.outputs;
            loads = c.loads;
            headphones = c.headphones;
        }
        const auto eq = headroom::cli::choose_eq(HEADROOM_AUTOEQ_PRESET, headphones);
        slot = std::make_unique<across_catalog>(across_catalog{
            headroom::cli::packed_outputs<float>(outputs, loads),
            hb::pack_across<float>(headphones),
            hb::pack_across<float>(headphones, headroom::audio_band_grid(), eq.presets, eq.preset_of)});
    }
    return *slot;
}

void run_across(benchmark::State& state, const std::string& which, bool with_eq, hb::across_settings settings) {
    const across_catalog& c = across_pack(which);
    const hb::across_columns<float>& hps = with_eq ? c.equalised : c.plain;
    double pair_frequencies = 0.0, evaluated = 0.0;
    unsigned threads = 0;
    for (auto _ : state) {
        const hb::across_result r = hb::sweep_across(c.amps, hps, sine_at_85.average_level(), sine_at_85.crest_factor(), settings);
        benchmark::DoNotOptimize(r.min_headroom());
        pair_frequencies = r.pair_frequencies();
        evaluated = static_cast<double>(r.evaluated());
        threads = r.threads();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(static_cast<double>(state.iterations()) * pair_frequencies));
    state.counters["M"] = static_cast<double>(c.amps.size());
    state.counters["N"] = static_cast<double>(hps.size());
    state.counters["F"] = static_cast<double>(hps.grid_hz.size());
    state.counters["evaluated"] = evaluated / pair_frequencies;
    state.counters["threads"] = static_cast<double>(threads);
}

void register_across() {
    for (const char* which : {"synthetic", "bundled"})
        for (const bool with_eq : {true, false})
            for (const bool prune : {true, false})
                for (const unsigned threads : {1U, 2U}) {
                    if (std::string{which} == "bundled" && threads == 2) continue;  // 2e7 pair-frequencies: one thread
                    hb::across_settings s{.threads = threads, .prune = prune, .min_pairs_per_thread = 1};
                    const std::string name = std::string{"across<float>/"} + which + (with_eq ? "/eq/" : "/no_eq/") +
                                             (prune ? "pruned/" : "every/") + std::string{hb::to_string(hb::selected_simd_path())} +
                                             "/threads:" + std::to_string(threads);
                    benchmark::RegisterBenchmark(name.c_str(), [which = std::string{which}, with_eq, s](benchmark::State& st) {
                        run_across(st, which, with_eq, s);
                    })->Unit(benchmark::kMillisecond)->UseRealTime();
                }
    // Every instruction-set path, pruned, with the EQ, one thread: the same answer (tested) at its own speed.
    for (std::size_t k = 0; k < hb::simd_path_count; ++k) {
        const auto path = static_cast<hb::simd_path>(k);
        if (!hb::simd_path_supported(path) || path == hb::selected_simd_path()) continue;
        hb::across_settings s{.threads = 1, .simd = path};
        benchmark::RegisterBenchmark(("across<float>/synthetic/eq/pruned/" + std::string{hb::to_string(path)} + "/threads:1").c_str(),
                                     [s](benchmark::State& st) { run_across(st, "synthetic", true, s); })
            ->Unit(benchmark::kMillisecond)->UseRealTime();
    }
}

std::string size_name(std::int64_t m, std::int64_t n) { return std::to_string(m) + "x" + std::to_string(n); }

template <class T>
const char* type_name() {
    return sizeof(T) == sizeof(float) ? "float" : "double";
}

template <class T>
void register_path(hb::simd_path path, std::initializer_list<std::pair<std::int64_t, std::int64_t>> sizes) {
    const std::string p{hb::to_string(path)};
    for (const auto& [m, n] : sizes) {
        for (const char* what : {"bound", "stats"}) {
            hb::sweep_settings s{.threads = 1, .mean = std::string{what} == "stats", .simd = path};
            benchmark::RegisterBenchmark((std::string{what} + "<" + type_name<T>() + ">/" + p + "/" + size_name(m, n)).c_str(),
                                         [m = m, n = n, s](benchmark::State& st) { run_sweep<T>(st, m, n, s); })
                ->Unit(benchmark::kMillisecond);
        }
    }
}

void register_all() {
    for (std::size_t k = 0; k < hb::simd_path_count; ++k) {
        const auto path = static_cast<hb::simd_path>(k);
        if (!hb::simd_path_supported(path)) continue;
        register_path<float>(path, {{100, 1000}, {1000, 20000}, {2000, 20000}});
        register_path<double>(path, {{1000, 20000}});
        const std::string p{hb::to_string(path)};
        for (const auto& [m, n] : {std::pair<std::int64_t, std::int64_t>{1000, 20000}, {2000, 200000}}) {
            hb::sweep_settings s{.threads = 1, .top_k = 5, .simd = path};
            benchmark::RegisterBenchmark(("top5<float>/" + p + "/" + size_name(m, n)).c_str(),
                                         [m = m, n = n, s](benchmark::State& st) { run_sweep<float>(st, m, n, s); })
                ->Unit(benchmark::kMillisecond);
        }
    }
    for (const auto& [m, n] : {std::pair<std::int64_t, std::int64_t>{1000, 20000}, {2000, 100000}})
        for (const unsigned threads : {1U, 2U}) {
            hb::sweep_settings s{.threads = threads};
            benchmark::RegisterBenchmark(("threads<float>/" + std::to_string(threads) + "/" + size_name(m, n)).c_str(),
                                         [m = m, n = n, s](benchmark::State& st) { run_sweep<float>(st, m, n, s); })
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
    for (const auto& [m, n] : {std::pair<std::int64_t, std::int64_t>{100, 1000}, {1000, 20000}})
        benchmark::RegisterBenchmark(("naive_scalar/" + size_name(m, n)).c_str(),
                                     [m = m, n = n](benchmark::State& st) { naive_scalar(st, m, n); })
            ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
    std::string paths;
    for (std::size_t k = 0; k < hb::simd_path_count; ++k)
        if (hb::simd_path_supported(static_cast<hb::simd_path>(k)))
            paths += (paths.empty() ? "" : ", ") + std::string{hb::simd_path_names[k]};
    benchmark::AddCustomContext("headroom_paths", paths + " (selected: " + std::string{hb::to_string(hb::detected_simd_path())} + ")");
#ifdef HEADROOM_BENCHMARK_NATIVE
    benchmark::AddCustomContext("headroom_benchmark_flags", "-march=native (this executable only; the engine's loops are compiled per path)");
#else
    benchmark::AddCustomContext("headroom_benchmark_flags", "compiler baseline (the engine's loops are compiled per path)");
#endif
    register_all();
    register_across();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
