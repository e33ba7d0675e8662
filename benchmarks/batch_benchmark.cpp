// Throughput of the batch core, in pairs (one output stage against one headphone) per second, on the synthetic
// catalog of `headroom sweep --synthetic MxN` (seed 1):
//   kernel_*      the grid kernels (max SPL + binding limit, headroom + binding limit, binding alone), one thread,
//                 full M x N grids in caller storage;
//   tally         the streaming reductions the sweep uses (headroom min/mean/max, count above 0 dB, binding
//                 counts), one thread, no grid;
//   sweep         the threaded driver (sweep_tally) with at most 1 and 2 threads (small sweeps use one);
//   naive_scalar  the scalar model per pair: max_output + headroom_for on the typed objects, reduced the same way.
// The context names the instruction set the executable was built for (-march=native with HEADROOM_NATIVE=ON,
// otherwise the compiler's baseline, SSE2 on x86-64); the float tally also picks an AVX-512 or AVX2 loop at run
// time when the processor has one.

#include "cli/synthetic.hpp"
#include "headroom/analysis.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/batch/tally.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <utility>

namespace {

namespace hb = headroom::batch;
using headroom::programme;
using headroom::spl;

const programme sine_at_85{spl::of_db(85.0)};

// Catalogs are built once per size and shared by all benchmarks.
const headroom::cli::synthetic_catalog& catalog(std::int64_t m, std::int64_t n) {
    static std::map<std::pair<std::int64_t, std::int64_t>, std::unique_ptr<headroom::cli::synthetic_catalog>> cache;
    auto& slot = cache[{m, n}];
    if (!slot)
        slot = std::make_unique<headroom::cli::synthetic_catalog>(
            headroom::cli::make_synthetic(static_cast<std::size_t>(m), static_cast<std::size_t>(n), 1));
    return *slot;
}

template <class T>
struct packed {
    hb::output_columns<T> amps;
    hb::headphone_columns<T> hps;
};

template <class T>
packed<T> pack(std::int64_t m, std::int64_t n) {
    const auto& c = catalog(m, n);
    return {hb::pack<T>(std::span<const headroom::output_stage>{c.outputs}), hb::pack<T>(std::span<const headroom::headphone>{c.headphones})};
}

void pairs_processed(benchmark::State& state) {
    state.SetItemsProcessed(state.iterations() * state.range(0) * state.range(1));
    state.counters["M"] = static_cast<double>(state.range(0));
    state.counters["N"] = static_cast<double>(state.range(1));
}

template <class T>
void kernel_max_spl(benchmark::State& state) {
    const auto p = pack<T>(state.range(0), state.range(1));
    hb::grid<T> level(p.hps.size(), p.amps.size());
    hb::limit_grid binding(p.hps.size(), p.amps.size());
    for (auto _ : state) {
        hb::max_spl<T>(p.amps, p.hps, level, binding);
        benchmark::DoNotOptimize(level.data());
        benchmark::ClobberMemory();
    }
    pairs_processed(state);
}

template <class T>
void kernel_headroom(benchmark::State& state) {
    const auto p = pack<T>(state.range(0), state.range(1));
    hb::grid<T> margin(p.hps.size(), p.amps.size());
    hb::limit_grid binding(p.hps.size(), p.amps.size());
    for (auto _ : state) {
        hb::headroom<T>(p.amps, p.hps, sine_at_85.average_level, sine_at_85.crest_factor, margin, binding);
        benchmark::DoNotOptimize(margin.data());
        benchmark::ClobberMemory();
    }
    pairs_processed(state);
}

void kernel_binding_float(benchmark::State& state) {
    const auto p = pack<float>(state.range(0), state.range(1));
    hb::limit_grid binding(p.hps.size(), p.amps.size());
    for (auto _ : state) {
        hb::binding_limit<float>(p.amps, p.hps, binding);
        benchmark::DoNotOptimize(binding.data());
        benchmark::ClobberMemory();
    }
    pairs_processed(state);
}

template <class T>
void tally(benchmark::State& state) {
    const auto p = pack<T>(state.range(0), state.range(1));
    const hb::tally_plan<T> plan{p.hps, sine_at_85.average_level, sine_at_85.crest_factor, headroom::gain::of_db(0.0)};
    hb::tally<T> t{p.hps.size(), 0};
    for (auto _ : state) {
        t = hb::tally<T>{p.hps.size(), 0};
        hb::tally_outputs<T>(p.amps, 0, p.hps, plan, t);
        benchmark::DoNotOptimize(t.above.data());
    }
    pairs_processed(state);
}

template <class T>
void sweep(benchmark::State& state) {
    const auto p = pack<T>(state.range(0), state.range(1));
    const hb::sweep_settings settings{.threads = static_cast<unsigned>(state.range(2))};
    for (auto _ : state) {
        const hb::tally<T> t = hb::sweep_tally<T>(p.amps, p.hps, sine_at_85.average_level, sine_at_85.crest_factor, settings);
        benchmark::DoNotOptimize(t.above.data());
    }
    pairs_processed(state);
    state.counters["max_threads"] = static_cast<double>(state.range(2));
    state.counters["workers"] = static_cast<double>(hb::sweep_threads(settings, p.amps.size(), p.hps.size()));  // small sweeps use fewer
}

// The scalar model, one pair at a time, reduced like the sweep: what a program without the batch core would do.
void naive_scalar(benchmark::State& state) {
    const auto& c = catalog(state.range(0), state.range(1));
    for (auto _ : state) {
        double sum = 0.0;
        std::int64_t above = 0;
        std::array<std::int64_t, headroom::limit_count> by_limit{};
        for (const auto& o : c.outputs)
            for (const auto& h : c.headphones) {
                const headroom::operating_point op = headroom::max_output(o, h);
                const headroom::headroom_result r = headroom::headroom_for(o, h, sine_at_85);
                sum += r.margin.db() + 0.0 * op.max_level.db();
                above += r.margin.db() >= 0.0 ? 1 : 0;
                ++by_limit[static_cast<std::size_t>(r.binding)];
            }
        benchmark::DoNotOptimize(sum);
        benchmark::DoNotOptimize(above);
        benchmark::DoNotOptimize(by_limit);
    }
    pairs_processed(state);
}

void sizes(benchmark::internal::Benchmark* b) {
    for (const auto& [m, n] : {std::pair{10, 100}, {100, 1000}, {100, 20000}, {1000, 20000}, {2000, 20000}}) b->Args({m, n});
}
void naive_sizes(benchmark::internal::Benchmark* b) {
    for (const auto& [m, n] : {std::pair{10, 100}, {100, 1000}, {1000, 20000}}) b->Args({m, n});
}
void thread_sizes(benchmark::internal::Benchmark* b) {
    for (const auto& [m, n] : {std::pair{10, 100}, {100, 1000}, {1000, 20000}, {2000, 20000}})
        for (int threads : {1, 2}) b->Args({m, n, threads});
}

BENCHMARK(kernel_max_spl<float>)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(kernel_max_spl<double>)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(kernel_headroom<float>)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(kernel_headroom<double>)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(kernel_binding_float)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(tally<float>)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(tally<double>)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(sweep<float>)->Apply(thread_sizes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(naive_scalar)->Apply(naive_sizes)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
#ifdef HEADROOM_BENCHMARK_NATIVE
    benchmark::AddCustomContext("headroom_isa", "-march=native (benchmarks only)");
#else
    benchmark::AddCustomContext("headroom_isa", "compiler baseline (SSE2 on x86-64); float tally: AVX-512 or AVX2 chosen at run time");
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
