#pragma once

// The sweep driver: every output stage against every headphone, on several threads (threads.hpp). A tally
// needs memory O(N k), never M x N; full grids are made only by sweep_full(), for callers that ask for them.
//
// A tally sweep splits the headphone axis when there are enough headphones: each thread folds every output
// stage into its own ranges of headphones of one shared tally, so there is one tally however many threads, no
// merge, and results identical bit for bit whatever the number of threads. With few headphones it splits the
// output-stage axis instead: each thread folds its tiles into a tally of its own, merged at the end.

#include "headroom/batch/columns.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/batch/tally.hpp"
#include "headroom/batch/threads.hpp"
#include "headroom/decibel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace headroom::batch {

// Which axis the threads of a tally sweep share.
enum class split_axis : std::uint8_t {
    automatic,   // headphones when every thread gets at least four chunks of them, else output stages
    headphones,  // one tally, threads take ranges of headphones
    outputs,     // a tally per thread, threads take ranges of output stages
};

struct sweep_settings {
    unsigned threads = 0;  // at most this many threads; 0: all hardware threads
    index tile = 0;        // output stages or headphones (the split axis) per unit of work; 0: automatic
    index top_k = 0;       // best outputs to keep per headphone
    gain min_headroom = gain::of_db(0.0);
    split_axis split = split_axis::automatic;
    // No more threads than one per this many pairs: starting and placing a thread costs about 0.1 ms, and
    // 2^20 pairs are about 0.3 ms of the float tally's work.
    index min_pairs_per_thread = index{1} << 20;
    // When set, the pairs of each finished tile are added here (relaxed), for a caller that shows progress.
    std::atomic<index>* pairs_done = nullptr;
};

namespace detail {
inline void count_done(const sweep_settings& s, index pairs) noexcept {
    if (s.pairs_done != nullptr) s.pairs_done->fetch_add(pairs, std::memory_order_relaxed);
}
}  // namespace detail

// The threads a sweep of m x n pairs runs on.
[[nodiscard]] inline unsigned sweep_threads(const sweep_settings& s, index m, index n) noexcept {
    const unsigned most = resolve_threads(s.threads);
    const index pairs = m * n;
    const index worth = s.min_pairs_per_thread > 0 ? pairs / s.min_pairs_per_thread : pairs;
    return static_cast<unsigned>(std::clamp<index>(worth, 1, most));
}

// Tiles of about a quarter of each thread's share, so that a thread slowed by other load leaves little for the
// others to wait for at the end; one thread takes everything as one tile. Output-stage tiles hold 64 to 1024
// stages: a tally pays a fixed cost per tile and chunk of headphones (one logarithm, the counters' epilogue).
// Headphone tiles are whole multiples of 16, even when asked for otherwise, so that vector loops see the same lanes
// whatever the number of threads.
[[nodiscard]] inline index output_tile(const sweep_settings& s, index m, unsigned threads) noexcept {
    if (s.tile > 0) return s.tile;
    if (threads == 1) return std::max<index>(m, 1);
    return std::clamp<index>(m / (static_cast<index>(threads) * 4), 64, 1024);
}

[[nodiscard]] inline index headphone_tile(const sweep_settings& s, index n, unsigned threads) noexcept {
    const auto whole_vectors = [](index count) {
        constexpr index lanes = 16;
        return std::max<index>(lanes, (count + lanes - 1) / lanes * lanes);
    };
    if (s.tile > 0) return whole_vectors(s.tile);
    if (threads == 1) return std::max<index>(n, 1);
    const auto tiles = static_cast<index>(threads) * 4;
    return whole_vectors((n + tiles - 1) / tiles);
}

[[nodiscard]] inline bool splits_headphones(const sweep_settings& s, index n, unsigned threads) noexcept {
    if (s.split != split_axis::automatic) return s.split == split_axis::headphones;
    constexpr index chunk = 256;
    return threads == 1 || n >= static_cast<index>(threads) * 4 * chunk;
}

// Reductions per headphone over all output stages (see tally.hpp).
template <class T>
[[nodiscard]] tally<T> sweep_tally(const output_view<T>& amps, const headphone_view<T>& hps, spl target, gain crest,
                                   const sweep_settings& s) {
    const unsigned threads = sweep_threads(s, amps.size(), hps.size());
    if (splits_headphones(s, hps.size(), threads)) {
        // Each thread fills the plan and the tally for the headphones it takes before working on them.
        tally_plan<T> plan{hps, target, crest, s.min_headroom, deferred_fill};
        tally<T> t(hps.size(), s.top_k, deferred_fill);
        detail::for_each_tile(hps.size(), headphone_tile(s, hps.size(), threads), threads,
                              [&](index first, index count, unsigned) {
                                  plan.fill(hps, first, count);
                                  t.fill(first, count);
                                  detail::tally_headphones(amps, 0, hps, plan, t, first, count);
                                  detail::count_done(s, count * amps.size());
                              });
        t.outputs = amps.size();
        return t;
    }
    const tally_plan<T> plan{hps, target, crest, s.min_headroom};
    // Each worker builds its own tally when it takes its first tile: in parallel, and in memory near its core.
    std::vector<std::optional<tally<T>>> parts(threads);
    detail::for_each_tile(amps.size(), output_tile(s, amps.size(), threads), threads, [&](index first, index count, unsigned w) {
        if (!parts[w]) parts[w].emplace(hps.size(), s.top_k);
        tally_outputs(amps.slice(first, count), first, hps, plan, *parts[w]);
        detail::count_done(s, count * hps.size());
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
    const unsigned threads = sweep_threads(s, m, n);
    detail::for_each_tile(m, output_tile(s, m, threads), threads, [&](index first, index count, unsigned) {
        const output_view<T> tile = amps.slice(first, count);
        max_spl<T>(tile, hps, g.max_spl_db.middleCols(first, count), g.max_binding.middleCols(first, count));
        headroom<T>(tile, hps, target, crest, g.headroom_db.middleCols(first, count),
                    g.headroom_binding.middleCols(first, count));
        detail::count_done(s, count * n);
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
