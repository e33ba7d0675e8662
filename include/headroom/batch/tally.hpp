#pragma once

// Streaming reductions over output stages, per headphone: the k best outputs by headroom, how many outputs clear
// a headroom threshold, how often each limit binds, and the smallest / mean / largest headroom. A tally holds
// O(N k) numbers for N headphones however many outputs pass through it, so a sweep never needs the M x N grid.
//
// Everything is decided on the limiting load voltage v instead of on headroom in dB: for one headphone the
// headroom (S_V + 20 lg v) - T grows with v, so ordering, minimum and maximum need no logarithm per pair, the
// threshold becomes one precomputed voltage per headphone, and the k winners are converted to dB at the end with
// the scalar model's own expression. The mean needs the sum of ln v.

#include "headroom/batch/columns.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/decibel.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>

namespace headroom::batch {

// Asks a tally or plan for its storage only: its values are filled later, range by range, by fill(). A sweep
// lets each thread fill the headphones it will work on, so that the first touch of the memory (page faults
// included) is shared among the threads instead of coming before them.
struct deferred_fill_t {
    explicit deferred_fill_t() = default;
};
inline constexpr deferred_fill_t deferred_fill{};

// What a tally needs to know about the programme, per headphone: computed once per sweep.
template <class T>
struct tally_plan {
    T peak_scale = T(1);         // 10^((3.0103 - CF) / 20), exactly 1 for a sine
    column<T> v_threshold;       // V: the limiting load voltage at which headroom reaches the threshold
    double target_db = 0.0;      // dB SPL
    double min_headroom_db = 0;  // the threshold, dB

    tally_plan(const headphone_view<T>& hps, spl target, gain crest, gain min_headroom)
        : tally_plan(hps, target, crest, min_headroom, deferred_fill) {
        fill(hps, 0, hps.size());
    }
    tally_plan(const headphone_view<T>& hps, spl target, gain crest, gain min_headroom, deferred_fill_t)
        : peak_scale{static_cast<T>(headroom::peak_scale(crest))},
          v_threshold(hps.size()),
          target_db{target.db()},
          min_headroom_db{min_headroom.db()} {}

    // The per-headphone columns for headphones [first, first + count). Allocates nothing.
    void fill(const headphone_view<T>& hps, index first, index count) noexcept {
        // (S_V + 20 lg v) - T >= H  <=>  v >= e^((H + T - S_V) / (20 / ln 10))
        for (index i = first; i < first + count; ++i)
            v_threshold[i] = static_cast<T>(
                std::exp((min_headroom_db + target_db - static_cast<double>(hps.s_v[i])) / headroom::detail::db20_per_neper));
    }
};

// Per-headphone accumulators. Rows of the k x N top-k arrays run best first: larger v, then lower output index.
template <class T>
struct tally {
    index outputs = 0;  // how many output stages each headphone has met
    index top_k = 0;
    column<T> min_v, max_v;                                                  // V
    Eigen::ArrayXd log_sum;                                                   // sum of ln(v / 1 V)
    Eigen::Array<std::int64_t, Eigen::Dynamic, 1> above;                      // outputs with headroom >= the threshold
    Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> by_limit;      // N x limit_count
    grid<T> top_v;                                                            // k x N: limiting voltage of the best
    Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> top_output;   // k x N: their indices, -1 if none

    tally(index headphones, index k) : tally(headphones, k, deferred_fill) { fill(0, headphones); }
    tally(index headphones, index k, deferred_fill_t)
        : top_k{k},
          min_v(headphones),
          max_v(headphones),
          log_sum(headphones),
          above(headphones),
          by_limit(headphones, static_cast<index>(limit_count)),
          top_v(k, headphones),
          top_output(k, headphones) {}

    // The starting values for headphones [first, first + count): no output stage met yet.
    void fill(index first, index count) noexcept {
        constexpr T inf = std::numeric_limits<T>::infinity();
        min_v.segment(first, count).setConstant(inf);
        max_v.segment(first, count).setConstant(-inf);
        log_sum.segment(first, count).setZero();
        above.segment(first, count).setZero();
        by_limit.middleRows(first, count).setZero();
        top_v.middleCols(first, count).setConstant(-inf);
        top_output.middleCols(first, count).setConstant(-1);
    }

    [[nodiscard]] index headphones() const noexcept { return min_v.size(); }

    // Offers output `j` with limiting voltage v to headphone i's top k.
    void offer(index i, T v, std::int64_t j) noexcept {
        T* vs = top_v.col(i).data();
        std::int64_t* js = top_output.col(i).data();
        index pos = top_k;
        while (pos > 0 && (v > vs[pos - 1] || (v == vs[pos - 1] && (js[pos - 1] < 0 || j < js[pos - 1])))) --pos;
        if (pos == top_k) return;
        for (index q = top_k - 1; q > pos; --q) {
            vs[q] = vs[q - 1];
            js[q] = js[q - 1];
        }
        vs[pos] = v;
        js[pos] = j;
    }

    // Adds another tally over other output stages (the same headphones): how threads combine their work.
    void merge(const tally& o) noexcept {
        assert(o.headphones() == headphones() && o.top_k == top_k);
        outputs += o.outputs;
        min_v = min_v.min(o.min_v);
        max_v = max_v.max(o.max_v);
        log_sum += o.log_sum;
        above += o.above;
        by_limit += o.by_limit;
        for (index i = 0; i < headphones(); ++i)
            for (index q = 0; q < top_k && o.top_output(q, i) >= 0; ++q) offer(i, o.top_v(q, i), o.top_output(q, i));
    }
};

namespace detail {

// The output stages of `amps` (the first has catalog index first_output) against headphones
// [hp_first, hp_first + hp_count) only: threads may fold disjoint ranges into one tally at once. Leaves t.outputs.
template <class T>
void tally_headphones(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                      const tally_plan<T>& plan, tally<T>& t, index hp_first, index hp_count) noexcept {
    assert(t.headphones() == hps.size() && plan.v_threshold.size() == hps.size());
    for (index j = 0; j < amps.size(); ++j) {
        const auto terms = amps.terms(j).for_programme(plan.peak_scale);
        const auto table = amps.table(j);
        const auto output = static_cast<std::int64_t>(first_output + j);
        for (index i = hp_first; i < hp_first + hp_count; ++i) {
            const auto [v, which] = pair_binding(terms, table, plan.peak_scale, hps.r[i]);
            t.min_v[i] = std::min(t.min_v[i], v);
            t.max_v[i] = std::max(t.max_v[i], v);
            t.log_sum[i] += std::log(static_cast<double>(v));
            t.above[i] += v >= plan.v_threshold[i] ? 1 : 0;
            t.by_limit(i, static_cast<index>(which)) += 1;
            if (t.top_k > 0 && (t.top_output(t.top_k - 1, i) < 0 || v >= t.top_v(t.top_k - 1, i))) t.offer(i, v, output);
        }
    }
}

}  // namespace detail

// Folds the output stages of `amps` (whose first has catalog index `first_output`) into `t`.
template <class T>
void tally_outputs(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                   const tally_plan<T>& plan, tally<T>& t) noexcept {
    detail::tally_headphones(amps, first_output, hps, plan, t, 0, hps.size());
    t.outputs += amps.size();
}

}  // namespace headroom::batch
