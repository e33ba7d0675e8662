#pragma once

// Streaming reductions over output stages, per headphone: the k best outputs by headroom, how many outputs clear
// a headroom threshold, how often each limit binds, and the smallest / mean / largest headroom. A tally holds
// O(N k) numbers for N headphones however many outputs pass through it, so a sweep never needs the M x N grid.
//
// Everything is decided on the limiting load voltage v instead of on headroom in dB. For one headphone the
// headroom (S_V + 20 lg v) - T grows with v, so ordering, minimum and maximum need no logarithm per pair, the
// threshold becomes one precomputed voltage per headphone, and the k winners are converted to dB at the end with
// the scalar model's own expression. The mean needs the sum of ln v: products of a few v share one logarithm.
// Counting against the voltage threshold can differ from comparing headroom in dB only for pairs within a
// rounding error (about 1e-15 dB in double) of the threshold.

#include "headroom/batch/columns.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/decibel.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace headroom::batch {

// What a tally needs to know about the programme, per headphone: computed once per sweep (this allocates; the
// tally kernel does not).
template <class T>
struct tally_plan {
    T peak_scale = T(1);         // 10^((3.0103 - CF) / 20), exactly 1 for a sine
    column<T> v_threshold;       // V: the limiting load voltage at which headroom reaches the threshold
    double target_db = 0.0;      // dB SPL
    double min_headroom_db = 0;  // the threshold, dB

    tally_plan(const headphone_view<T>& hps, spl target, gain crest, gain min_headroom)
        : peak_scale{static_cast<T>(detail::peak_scale(crest))},
          v_threshold(hps.size()),
          target_db{target.db()},
          min_headroom_db{min_headroom.db()} {
        // (S_V + 20 lg v) - T >= H  <=>  v >= e^((H + T - S_V) / (20 / ln 10))
        for (index i = 0; i < hps.size(); ++i)
            v_threshold[i] = static_cast<T>(
                std::exp((min_headroom_db + target_db - static_cast<double>(hps.s_v[i])) / headroom::detail::db20_per_neper));
    }
};

// Per-headphone accumulators. Rows of the k x N top-k arrays run best first: larger v, then lower output index.
template <class T>
struct tally {
    index outputs = 0;  // how many output stages each headphone has met
    index top_k = 0;
    column<T> min_v, max_v;                                 // V
    Eigen::ArrayXd log_sum;                                  // sum of ln(v / 1 V)
    Eigen::Array<std::int64_t, Eigen::Dynamic, 1> above;     // outputs with headroom >= the threshold
    Eigen::Array<std::int64_t, Eigen::Dynamic, 4> by_limit;  // outputs per binding limit (columns: limit codes)
    grid<T> top_v;                                           // k x N: limiting voltage of the best outputs
    Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> top_output;  // k x N: their indices, -1 if none
    column<T> kth;  // V: the k-th best so far (-inf until k outputs have been seen): the bar for entry

    tally(index headphones, index k)
        : top_k{k},
          min_v{column<T>::Constant(headphones, std::numeric_limits<T>::infinity())},
          max_v{column<T>::Constant(headphones, -std::numeric_limits<T>::infinity())},
          log_sum{Eigen::ArrayXd::Zero(headphones)},
          above{Eigen::Array<std::int64_t, Eigen::Dynamic, 1>::Zero(headphones)},
          by_limit{Eigen::Array<std::int64_t, Eigen::Dynamic, 4>::Zero(headphones, 4)},
          top_v{grid<T>::Constant(k, headphones, -std::numeric_limits<T>::infinity())},
          top_output{Eigen::Array<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>::Constant(k, headphones, -1)},
          kth{column<T>::Constant(headphones, k > 0 ? -std::numeric_limits<T>::infinity()
                                                      : std::numeric_limits<T>::infinity())} {}

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
        kth[i] = vs[top_k - 1];
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

// Output stages whose voltages share one logarithm: their product must stay a normal number. Limit voltages
// between 2^-lg_range and 2^lg_range volts guarantee that; outside it (never for real gear) a pair takes its own
// logarithm.
template <class T>
struct log_batching;
template <>
struct log_batching<float> {
    static constexpr index outputs = 4;
    static constexpr int lg_range = 30;
};
template <>
struct log_batching<double> {
    static constexpr index outputs = 16;
    static constexpr int lg_range = 60;
};

// The per-pair part of a tally for one output against a chunk of headphones, in one loop the compilers
// vectorise. Returns whether every v lies in the range where products of them stay normal numbers.
template <class T>
[[nodiscard]] inline bool tally_step(const T* HEADROOM_RESTRICT v, const std::uint8_t* HEADROOM_RESTRICT k,
                                     const T* HEADROOM_RESTRICT thr, const T* HEADROOM_RESTRICT kth,
                                     T* HEADROOM_RESTRICT min_v, T* HEADROOM_RESTRICT max_v,
                                     std::int32_t* HEADROOM_RESTRICT n_above, std::int32_t* HEADROOM_RESTRICT n_current,
                                     std::int32_t* HEADROOM_RESTRICT n_power, std::int32_t* HEADROOM_RESTRICT n_gain,
                                     std::uint8_t* HEADROOM_RESTRICT hit, T lo, T hi, index n) noexcept {
    std::int32_t out_of_range = 0;
    for (index i = 0; i < n; ++i) {
        const T vi = v[i];
        min_v[i] = vi < min_v[i] ? vi : min_v[i];
        max_v[i] = vi > max_v[i] ? vi : max_v[i];
        n_above[i] += vi >= thr[i] ? 1 : 0;
        n_current[i] += k[i] == limit_code::current ? 1 : 0;
        n_power[i] += k[i] == limit_code::power ? 1 : 0;
        n_gain[i] += k[i] == limit_code::gain ? 1 : 0;
        hit[i] = vi >= kth[i] ? 1 : 0;
        out_of_range |= (vi < lo || vi > hi) ? 1 : 0;
    }
    return out_of_range == 0;
}

}  // namespace detail

// Folds the output stages of `amps` (whose first has catalog index `first_output`) into `t`. noexcept and
// allocation-free: scratch lives on the stack, state in the tally.
template <class T>
void tally_outputs(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                   const tally_plan<T>& plan, tally<T>& t) noexcept {
    assert(t.headphones() == hps.size() && plan.v_threshold.size() == hps.size());
    using batching = detail::log_batching<T>;
    constexpr index c = detail::chunk;
    const T lo = std::ldexp(T(1), -batching::lg_range);
    const T hi = std::ldexp(T(1), batching::lg_range);
    const index n_hp = hps.size();

    Eigen::Array<T, c, 1> w;        // limiting voltages of one output
    Eigen::Array<T, c, 1> product;  // running products of v awaiting one logarithm
    Eigen::Array<std::uint8_t, c, 1> code;
    Eigen::Array<std::uint8_t, c, 1> offered;
    std::array<std::int32_t, c> n_current{}, n_power{}, n_gain{}, n_above{};

    for (index i0 = 0; i0 < n_hp; i0 += c) {
        const index n = std::min(c, n_hp - i0);
        const T* r = hps.r.data() + i0;
        const T* thr = plan.v_threshold.data() + i0;
        std::fill_n(n_current.begin(), n, 0);
        std::fill_n(n_power.begin(), n, 0);
        std::fill_n(n_gain.begin(), n, 0);
        std::fill_n(n_above.begin(), n, 0);
        product.head(n).setOnes();
        index pending = 0;  // factors in `product`

        const auto flush = [&] {
            t.log_sum.segment(i0, n) += product.head(n).log().template cast<double>();
            product.head(n).setOnes();
            pending = 0;
        };

        for (index j = 0; j < amps.size(); ++j) {
            const detail::output_scalars<T> a = detail::output_at(amps, j);
            detail::power_limit_voltage(r, a.p_max, w.data(), n);
            detail::bind_chunk(a, plan.peak_scale, r, w.data(), code.data(), n);

            const bool in_range = detail::tally_step(w.data(), code.data(), thr, t.kth.data() + i0, t.min_v.data() + i0,
                                                     t.max_v.data() + i0, n_above.data(), n_current.data(), n_power.data(),
                                                     n_gain.data(), offered.data(), lo, hi, n);
            const std::uint8_t* hit = offered.data();
            const T* v = w.data();
            if (in_range) {
                product.head(n) *= w.head(n);
                if (++pending == batching::outputs) flush();
            } else {
                flush();
                t.log_sum.segment(i0, n) += w.head(n).log().template cast<double>();
            }

            // Candidates for the top k are rare once k outputs have been seen: skip eight lanes at a time.
            const auto output = static_cast<std::int64_t>(first_output + j);
            for (index i = 0; i < n; i += 8) {
                std::uint64_t lanes = 0;
                std::memcpy(&lanes, hit + i, static_cast<std::size_t>(std::min<index>(8, n - i)));
                if (lanes == 0) continue;
                for (index q = i; q < std::min(i + 8, n); ++q)
                    if (hit[q] && v[q] >= t.kth[i0 + q]) t.offer(i0 + q, v[q], output);
            }
        }
        if (pending > 0) flush();
        for (index i = 0; i < n; ++i) {
            const auto s = static_cast<std::size_t>(i);
            const std::int64_t others = n_current[s] + n_power[s] + n_gain[s];
            t.by_limit(i0 + i, limit_code::voltage) += amps.size() - others;
            t.by_limit(i0 + i, limit_code::current) += n_current[s];
            t.by_limit(i0 + i, limit_code::power) += n_power[s];
            t.by_limit(i0 + i, limit_code::gain) += n_gain[s];
            t.above[i0 + i] += n_above[s];
        }
    }
    t.outputs += amps.size();
}

}  // namespace headroom::batch
