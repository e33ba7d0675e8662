// Throughput of the batch engine, in pairs (one output stage against one headphone) per second, on the synthetic
// catalog of `headroom sweep --synthetic MxN` (seed 1), a sine at 85 dB SPL:
//   stats<T>/PATH    the statistics a sweep returns (headroom min / mean / max, binding counts, pairs above 0 dB),
//                    on one instruction-set path of the engine (HEADROOM_SIMD's names), one thread;
//   bound<T>/PATH    the same loop, compiled the same way, without the mean: counts, minimum and maximum only. The
//                    ratio stats / bound is what the mean costs;
//   top5<T>/PATH     the statistics and the five best outputs per headphone;
//   threads<T>       the statistics on at most 1 and 2 threads, on the path the processor selects (real time);
//   naive_scalar     the scalar model per pair: max_output + headroom_for on the typed objects, reduced the same way.
// The engine's loops are compiled for each instruction set whatever the flags of this executable; the context line
// names the paths this processor runs and whether the benchmark itself was built with -march=native.

#include "headroom/batch/synthetic.hpp"
#include "headroom/analysis.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"

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
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
