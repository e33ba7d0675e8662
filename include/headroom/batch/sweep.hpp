#pragma once

// The sweep driver: every output stage against every headphone, on several threads. Threads take tiles of the
// output-stage axis from a shared counter (so a thread slowed by a busy machine simply takes fewer tiles). Each
// thread folds its tiles into its own tally and the tallies merge at the end: memory stays O(threads x N k),
// never M x N. Full grids are made only by sweep_grids(), for callers that ask for them.

#include "headroom/batch/columns.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/batch/tally.hpp"
#include "headroom/decibel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace headroom::batch {

struct sweep_settings {
    unsigned threads = 0;  // 0: all hardware threads
    index tile = 0;        // output stages per unit of work; 0: about 4 tiles per thread, 64 to 1024 outputs each
    index top_k = 0;       // best outputs to keep per headphone
    gain min_headroom = gain::of_db(0.0);
};

[[nodiscard]] inline unsigned resolve_threads(unsigned requested) noexcept {
    if (requested > 0) return requested;
    return std::max(1U, std::thread::hardware_concurrency());
}

// Tiles of 64 to 1024 output stages: a tally pays about 0.1 ms per tile (per chunk of headphones: one logarithm,
// the counters' epilogue), so tiles must be large; about four per thread still lets a thread slowed by other load
// leave little for the others to wait for at the end. One thread takes everything as one tile.
[[nodiscard]] inline index tile_size(const sweep_settings& s, index m, unsigned threads) noexcept {
    if (s.tile > 0) return s.tile;
    if (threads == 1) return std::max<index>(m, 1);
    return std::clamp<index>(m / (static_cast<index>(threads) * 4), 64, 1024);
}

namespace detail {

// Runs work(first, count, worker) over tiles of [0, m) on `threads` workers; worker 0 is the calling thread.
template <class Work>
void for_each_tile(index m, index tile, unsigned threads, Work&& work) {
    std::atomic<index> next{0};
    const auto worker = [&](unsigned w) {
        for (index first = next.fetch_add(tile); first < m; first = next.fetch_add(tile))
            work(first, std::min(tile, m - first), w);
    };
    std::vector<std::jthread> pool;
    pool.reserve(threads - 1);
    for (unsigned w = 1; w < threads; ++w) pool.emplace_back(worker, w);
    worker(0);
}

}  // namespace detail

// Reductions per headphone over all output stages (see tally.hpp).
template <class T>
[[nodiscard]] tally<T> sweep_tally(const output_view<T>& amps, const headphone_view<T>& hps, spl target, gain crest,
                                   const sweep_settings& s) {
    const unsigned threads = resolve_threads(s.threads);
    const tally_plan<T> plan{hps, target, crest, s.min_headroom};
    // Each worker builds its own tally when it takes its first tile: in parallel, and in memory near its core.
    std::vector<std::optional<tally<T>>> parts(threads);
    detail::for_each_tile(amps.size(), tile_size(s, amps.size(), threads), threads, [&](index first, index count, unsigned w) {
        if (!parts[w]) parts[w].emplace(hps.size(), s.top_k);
        tally_outputs(amps.slice(first, count), first, hps, plan, *parts[w]);
    });
    if (!parts[0]) parts[0].emplace(hps.size(), s.top_k);
    for (unsigned w = 1; w < threads; ++w)
        if (parts[w]) parts[0]->merge(*parts[w]);
    return std::move(*parts[0]);
}

// Full grids (rows: headphones, columns: output stages), for callers that want every pair.
template <class T>
struct sweep_grids {
    grid<T> max_spl_db;
    limit_grid max_binding;
    grid<T> headroom_db;
    limit_grid headroom_binding;
};

template <class T>
[[nodiscard]] sweep_grids<T> sweep_full(const output_view<T>& amps, const headphone_view<T>& hps, spl target, gain crest,
                                        const sweep_settings& s) {
    const index n = hps.size();
    const index m = amps.size();
    sweep_grids<T> g{grid<T>(n, m), limit_grid(n, m), grid<T>(n, m), limit_grid(n, m)};
    const unsigned threads = resolve_threads(s.threads);
    detail::for_each_tile(m, tile_size(s, m, threads), threads, [&](index first, index count, unsigned) {
        const output_view<T> tile = amps.slice(first, count);
        max_spl<T>(tile, hps, g.max_spl_db.middleCols(first, count), g.max_binding.middleCols(first, count));
        headroom<T>(tile, hps, target, crest, g.headroom_db.middleCols(first, count),
                    g.headroom_binding.middleCols(first, count));
    });
    return g;
}

// One headphone's summary, in dB, from a tally.
struct headphone_summary {
    double min_headroom_db;
    double mean_headroom_db;
    double max_headroom_db;
};

template <class T>
[[nodiscard]] headphone_summary summarise(const tally<T>& t, const headphone_view<T>& hps, index i, spl target) noexcept {
    // The scalar model's expression (S_V + 20 lg v) - T, on the tally's extreme voltages.
    const double s = static_cast<double>(hps.s_v[i]);
    const auto db = [&](T v) { return (s + headroom::detail::db20_per_neper * std::log(static_cast<double>(v))) - target.db(); };
    const double mean = s + headroom::detail::db20_per_neper * t.log_sum[i] / static_cast<double>(t.outputs) - target.db();
    return {db(t.min_v[i]), mean, db(t.max_v[i])};
}

// The headroom (dB) of the q-th best output for headphone i (q < top_k, top_output(q, i) >= 0).
template <class T>
[[nodiscard]] double top_headroom_db(const tally<T>& t, const headphone_view<T>& hps, index q, index i, spl target) noexcept {
    return (static_cast<double>(hps.s_v[i]) + headroom::detail::db20_per_neper * std::log(static_cast<double>(t.top_v(q, i)))) -
           target.db();
}

}  // namespace headroom::batch
