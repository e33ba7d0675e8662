#pragma once

// Streaming reductions over output stages, per headphone: the k best outputs by headroom, how many outputs clear
// a headroom threshold, how often each limit binds, and the smallest / mean / largest headroom. A tally holds
// O(N k) numbers for N headphones however many outputs pass through it, so a sweep never needs the M x N grid.
//
// Everything is decided on the limiting load voltage v instead of on headroom in dB. For one headphone the
// headroom (S_V + 20 lg v) - T grows with v, so ordering, minimum and maximum need no logarithm per pair, the
// threshold becomes one precomputed voltage per headphone, and the k winners are converted to dB at the end with
// the scalar model's own expression. The mean needs the sum of ln v: a running product of v shares one logarithm
// among many outputs (the float path moves its binary exponent aside whenever it could leave the normal range).
// Counting against the voltage threshold can differ from comparing headroom in dB only for pairs within a
// rounding error of the threshold (about 1e-15 dB in double, 1e-6 dB in float).
//
// Two paths: double evaluates the scalar model's expressions in its order (exact ties bind the same limit);
// float hoists factors out of the limits and, on x86-64, runs an AVX-512 or AVX2 copy of its loop chosen at run
// time; it agrees with the model within 1e-3 dB (about 1e-6 dB in practice).

#include "headroom/batch/columns.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/decibel.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <type_traits>

#ifndef HEADROOM_X86_DISPATCH
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__)) && !defined(__AVX2__)
#define HEADROOM_X86_DISPATCH 1
#else
#define HEADROOM_X86_DISPATCH 0
#endif
#endif
#if HEADROOM_X86_DISPATCH
#include <immintrin.h>
#endif
#if defined(__GNUC__) || defined(__clang__)
#define HEADROOM_ALWAYS_INLINE [[gnu::always_inline]]
#else
#define HEADROOM_ALWAYS_INLINE
#endif

namespace headroom::batch {

// Asks a tally or plan for its storage only: its values are filled later, range by range, by fill(). A sweep
// lets each thread fill the headphones it will work on, so that the first touch of the memory (page faults
// included) is shared among the threads instead of coming before them.
struct deferred_fill_t {
    explicit deferred_fill_t() = default;
};
inline constexpr deferred_fill_t deferred_fill{};

// What a tally needs to know about the programme, per headphone: computed once per sweep (this allocates; the
// tally kernel does not).
template <class T>
struct tally_plan {
    T peak_scale = T(1);         // 10^((3.0103 - CF) / 20), exactly 1 for a sine
    column<T> v_threshold;       // V: the limiting load voltage at which headroom reaches the threshold
    column<T> sqrt_r;            // sqrt(ohm): hoisted out of sqrt(P_max R) by the float path
    T r_min = T(0), r_max = T(0);  // ohm: the extreme impedances, which bound every limit voltage
    double target_db = 0.0;      // dB SPL
    double min_headroom_db = 0;  // the threshold, dB

    tally_plan(const headphone_view<T>& hps, spl target, gain crest, gain min_headroom)
        : tally_plan(hps, target, crest, min_headroom, deferred_fill) {
        fill(hps, 0, hps.size());
    }
    tally_plan(const headphone_view<T>& hps, spl target, gain crest, gain min_headroom, deferred_fill_t)
        : peak_scale{static_cast<T>(headroom::peak_scale(crest))},
          v_threshold(hps.size()),
          sqrt_r(hps.size()),
          target_db{target.db()},
          min_headroom_db{min_headroom.db()} {
        if (hps.size() > 0) {
            r_min = hps.r.minCoeff();
            r_max = hps.r.maxCoeff();
        }
    }

    // The per-headphone columns for headphones [first, first + count). Allocates nothing.
    void fill(const headphone_view<T>& hps, index first, index count) noexcept {
        sqrt_r.segment(first, count) = hps.r.segment(first, count).template cast<double>().sqrt().template cast<T>();
        // (S_V + 20 lg v) - T >= H  <=>  v >= e^((H + T - S_V) / (20 / ln 10))
        v_threshold.segment(first, count) =
            ((min_headroom_db + target_db - hps.s_v.segment(first, count).template cast<double>()) / headroom::detail::db20_per_neper)
                .exp()
                .template cast<T>();
    }
};

namespace detail {

// Zero, read through a volatile so that the compiler cannot see its value. A fill with a known zero may be
// compiled as calloc(), whose fresh pages stay unmapped; a tally's first touch of a page is then a read (of an
// accumulator), which maps the shared zero page, and the write that follows faults again, and that second fault
// must flush the TLB of every processor running the process: an inter-processor interrupt per page. On a
// two-processor virtual machine those interrupts made a two-thread sweep slower than one thread. Filling the
// accumulators with this zero maps each page once, by a write, with no flush.
template <class T>
[[nodiscard]] inline T opaque_zero() noexcept {
    static volatile T zero = T(0);
    return zero;
}

}  // namespace detail

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

    tally(index headphones, index k) : tally(headphones, k, deferred_fill) { fill(0, headphones); }
    tally(index headphones, index k, deferred_fill_t)
        : top_k{k},
          min_v(headphones),
          max_v(headphones),
          log_sum(headphones),
          above(headphones),
          by_limit(headphones, 4),
          top_v(k, headphones),
          top_output(k, headphones),
          kth(headphones) {}

    // The starting values for headphones [first, first + count): no output stage met yet.
    void fill(index first, index count) noexcept {
        constexpr T inf = std::numeric_limits<T>::infinity();
        min_v.segment(first, count).setConstant(inf);
        max_v.segment(first, count).setConstant(-inf);
        log_sum.segment(first, count).setConstant(detail::opaque_zero<double>());
        above.segment(first, count).setConstant(detail::opaque_zero<std::int64_t>());
        by_limit.middleRows(first, count).setConstant(detail::opaque_zero<std::int64_t>());
        top_v.middleCols(first, count).setConstant(-inf);
        top_output.middleCols(first, count).setConstant(-1);
        kth.segment(first, count).setConstant(top_k > 0 ? -inf : inf);
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

// Output stages whose voltages share one logarithm: their product must stay a normal number. Exact path: limit
// voltages between 2^-lg_range and 2^lg_range volts guarantee that for `outputs` factors. Float path: each
// output's bound on |log2 v| is added up and the product renormalised before it could pass max_bits. Outside
// those ranges (never for real gear) an output takes its own logarithm.
template <class T>
struct log_batching;
template <>
struct log_batching<float> {
    static constexpr index outputs = 4;
    static constexpr int lg_range = 30;
    static constexpr int max_bits = 120;  // float path: product within 2^+-120, normal in float
};
template <>
struct log_batching<double> {
    static constexpr index outputs = 16;
    static constexpr int lg_range = 60;
    static constexpr int max_bits = 1000;
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
        // Written without branches or short-circuits, so that the loop vectorises.
        const T vi = v[i];
        const std::int32_t ki = k[i];
        min_v[i] = vi < min_v[i] ? vi : min_v[i];
        max_v[i] = vi > max_v[i] ? vi : max_v[i];
        n_above[i] += static_cast<std::int32_t>(vi >= thr[i]);
        n_current[i] += static_cast<std::int32_t>(ki == limit_code::current);
        n_power[i] += static_cast<std::int32_t>(ki == limit_code::power);
        n_gain[i] += static_cast<std::int32_t>(ki == limit_code::gain);
        hit[i] = static_cast<std::uint8_t>(vi >= kth[i]);
        out_of_range |= static_cast<std::int32_t>(vi < lo) | static_cast<std::int32_t>(vi > hi);
    }
    return out_of_range == 0;
}

// Float: the same limits with the per-output and per-headphone factors hoisted, which is what makes a float sweep
// several times faster than the exact path: sqrt(P_max R) is sqrt(P_max) sqrt(R) (no square root per pair), and
// V_oc and the gain-limited voltage, which share the divider R / (R + Z_out), are folded into the smaller of the
// two (`a`) before the loop. Results differ from the exact expressions by a few float roundings (about 1e-6 dB),
// so a binding limit may differ from the model's only where two limits are within that of each other.
//
// Amps output stages are done per pass, so the per-headphone accumulators are loaded and stored once per Amps
// pairs. VoltageFirst: `a` is V_oc (ties: voltage, current, power); otherwise the gain limit (current, power, gain).
// The smallest value is taken with min() and the binding limit from two comparisons, with no blends.
inline constexpr index amps_per_pass = 4;

template <class T>
struct fast_output {
    T a, i_max, sqrt_p, z_out;
};

template <class T, bool VoltageFirst, int Amps, bool TopK>
HEADROOM_ALWAYS_INLINE inline void fast_tally_body(const fast_output<T>* HEADROOM_RESTRICT outs, const T* HEADROOM_RESTRICT r,
                            const T* HEADROOM_RESTRICT sqrt_r, const T* HEADROOM_RESTRICT thr,
                            const T* HEADROOM_RESTRICT kth, T* HEADROOM_RESTRICT min_v, T* HEADROOM_RESTRICT max_v,
                            T* HEADROOM_RESTRICT prod, T* HEADROOM_RESTRICT v, std::int32_t* HEADROOM_RESTRICT n_above,
                            std::int32_t* HEADROOM_RESTRICT n_current, std::int32_t* HEADROOM_RESTRICT n_power,
                            std::int32_t* HEADROOM_RESTRICT n_gain, std::uint8_t* HEADROOM_RESTRICT hit, index stride,
                            index n) noexcept {
    for (index i = 0; i < n; ++i) {
        const T rr = r[i];
        const T sr = sqrt_r[i];
        const T t = thr[i];
        T lo = min_v[i], hi = max_v[i], p = prod[i];
        std::int32_t above = 0, current = 0, power = 0, gain = 0;
        for (int q = 0; q < Amps; ++q) {
            const fast_output<T>& o = outs[q];
            const T va = o.a * (rr / (rr + o.z_out));
            const T vc = o.i_max * rr;
            const T vp = o.sqrt_p * sr;
            if constexpr (VoltageFirst) {
                const T m = vc < va ? vc : va;
                const std::int32_t is_power = static_cast<std::int32_t>(vp < m);
                current += static_cast<std::int32_t>(vc < va) & (1 - is_power);
                power += is_power;
            } else {
                const std::int32_t is_gain = static_cast<std::int32_t>(va < (vp < vc ? vp : vc));
                const std::int32_t p_before_c = static_cast<std::int32_t>(vp < vc);
                power += p_before_c & (1 - is_gain);
                current += (1 - p_before_c) & (1 - is_gain);
                gain += is_gain;
            }
            const T m2 = vc < va ? vc : va;
            const T best = vp < m2 ? vp : m2;
            lo = best < lo ? best : lo;
            hi = best > hi ? best : hi;
            above += static_cast<std::int32_t>(best >= t);
            p *= best;
            if constexpr (TopK) {
                v[q * stride + i] = best;
                hit[q * stride + i] = static_cast<std::uint8_t>(best >= kth[i]);
            }
        }
        min_v[i] = lo;
        max_v[i] = hi;
        prod[i] = p;
        n_above[i] += above;
        n_current[i] += current;
        n_power[i] += power;
        if constexpr (!VoltageFirst) n_gain[i] += gain;
    }
}

#define HEADROOM_FAST_TALLY_PARAMS                                                                                   \
    const fast_output<T>*outs, const T *r, const T *sqrt_r, const T *thr, const T *kth, T *min_v, T *max_v, T *prod,   \
        T *v, std::int32_t *n_above, std::int32_t *n_current, std::int32_t *n_power, std::int32_t *n_gain,            \
        std::uint8_t *hit, index stride, index n
#define HEADROOM_FAST_TALLY_ARGS \
    outs, r, sqrt_r, thr, kth, min_v, max_v, prod, v, n_above, n_current, n_power, n_gain, hit, stride, n

template <class T, bool VoltageFirst, int Amps, bool TopK>
inline void fast_tally_step(HEADROOM_FAST_TALLY_PARAMS) noexcept {
    fast_tally_body<T, VoltageFirst, Amps, TopK>(HEADROOM_FAST_TALLY_ARGS);
}

#if HEADROOM_X86_DISPATCH
// The same step written for AVX2 (eight floats per instruction), chosen at run time when the processor has it:
// the library itself is built for the baseline instruction set and runs anywhere. The one difference from the
// portable loop: 1 / (R + Z_out) is the reciprocal estimate refined by one Newton step (relative error about
// 1e-7, 2e-6 dB at most, instead of a correctly rounded division) because the divider would otherwise be the
// bottleneck. No FMA.
template <class T, bool VoltageFirst, int Amps, bool TopK>
__attribute__((target("avx2"))) inline void fast_tally_step_avx2(HEADROOM_FAST_TALLY_PARAMS) noexcept {
    static_assert(std::is_same_v<T, float>);
    const __m256 two = _mm256_set1_ps(2.0F);
    const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    index i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 rr = _mm256_loadu_ps(r + i);
        const __m256 sr = _mm256_loadu_ps(sqrt_r + i);
        const __m256 t = _mm256_loadu_ps(thr + i);
        __m256 lo = _mm256_loadu_ps(min_v + i);
        __m256 hi = _mm256_loadu_ps(max_v + i);
        __m256 p = _mm256_loadu_ps(prod + i);
        __m256i above = _mm256_setzero_si256(), current = above, power = above, gain = above;
        [[maybe_unused]] const __m256 bar = TopK ? _mm256_loadu_ps(kth + i) : _mm256_setzero_ps();  // top-k entry
        for (int q = 0; q < Amps; ++q) {
            const fast_output<T>& o = outs[q];
            const __m256 den = _mm256_add_ps(rr, _mm256_set1_ps(o.z_out));
            __m256 inv = _mm256_rcp_ps(den);
            inv = _mm256_mul_ps(inv, _mm256_sub_ps(two, _mm256_mul_ps(den, inv)));
            const __m256 va = _mm256_mul_ps(_mm256_set1_ps(o.a), _mm256_mul_ps(rr, inv));
            const __m256 vc = _mm256_mul_ps(_mm256_set1_ps(o.i_max), rr);
            const __m256 vp = _mm256_mul_ps(_mm256_set1_ps(o.sqrt_p), sr);
            __m256 best;
            if constexpr (VoltageFirst) {  // voltage, current, power; min_ps(x, y) is x < y ? x : y
                const __m256 c = _mm256_cmp_ps(vc, va, _CMP_LT_OQ);
                const __m256 m = _mm256_min_ps(vc, va);
                const __m256 pw = _mm256_cmp_ps(vp, m, _CMP_LT_OQ);
                best = _mm256_min_ps(vp, m);
                power = _mm256_sub_epi32(power, _mm256_castps_si256(pw));
                current = _mm256_sub_epi32(current, _mm256_castps_si256(_mm256_andnot_ps(pw, c)));
            } else {  // current, power, gain
                const __m256 pw = _mm256_cmp_ps(vp, vc, _CMP_LT_OQ);
                const __m256 m = _mm256_min_ps(vp, vc);
                const __m256 g = _mm256_cmp_ps(va, m, _CMP_LT_OQ);
                best = _mm256_min_ps(va, m);
                gain = _mm256_sub_epi32(gain, _mm256_castps_si256(g));
                power = _mm256_sub_epi32(power, _mm256_castps_si256(_mm256_andnot_ps(g, pw)));
                current = _mm256_sub_epi32(current, _mm256_castps_si256(_mm256_andnot_ps(_mm256_or_ps(g, pw), all)));
            }
            lo = _mm256_min_ps(best, lo);
            hi = _mm256_max_ps(best, hi);
            above = _mm256_sub_epi32(above, _mm256_castps_si256(_mm256_cmp_ps(best, t, _CMP_GE_OQ)));
            p = _mm256_mul_ps(p, best);
            if constexpr (TopK) {
                _mm256_storeu_ps(v + q * stride + i, best);
                // One byte per lane, written as one 64-bit store: candidates are rare after the first outputs.
                const int bits = _mm256_movemask_ps(_mm256_cmp_ps(best, bar, _CMP_GE_OQ));
                std::uint64_t lanes = 0;
                if (bits != 0)
                    for (int b = 0; b < 8; ++b) lanes |= static_cast<std::uint64_t>((bits >> b) & 1) << (8 * b);
                std::memcpy(hit + q * stride + i, &lanes, sizeof lanes);
            }
        }
        _mm256_storeu_ps(min_v + i, lo);
        _mm256_storeu_ps(max_v + i, hi);
        _mm256_storeu_ps(prod + i, p);
        // (No lambda: it would not inherit the target attribute.)
        std::int32_t* const to[4] = {n_above + i, n_current + i, n_power + i, n_gain + i};  // NOLINT: intrinsic types
        const __m256i add[4] = {above, current, power, gain};                                // NOLINT
        for (int k = 0; k < (VoltageFirst ? 3 : 4); ++k)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(to[k]),
                                _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(to[k])), add[k]));
    }
    if (i < n)
        fast_tally_body<T, VoltageFirst, Amps, TopK>(outs, r + i, sqrt_r + i, thr + i, kth + i, min_v + i, max_v + i,
                                                     prod + i, v + i, n_above + i, n_current + i, n_power + i,
                                                     n_gain + i, hit + i, stride, n - i);
}
// The same step for AVX-512 (sixteen floats; reciprocal estimate to 2^-14 before the Newton step), chosen at
// run time before AVX2; the last lanes of a chunk go through the AVX2 step.
template <class T, bool VoltageFirst, int Amps, bool TopK>
__attribute__((target("avx512f"))) inline void fast_tally_step_avx512(HEADROOM_FAST_TALLY_PARAMS) noexcept {
    static_assert(std::is_same_v<T, float>);
    const __m512 two = _mm512_set1_ps(2.0F);
    const __m512i one = _mm512_set1_epi32(1);
    // Masked forms with every lane set: GCC 12's unmasked ones pass an undefined vector through, which
    // -Wmaybe-uninitialized reports.
    constexpr __mmask16 all = 0xFFFF;
    index i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 rr = _mm512_loadu_ps(r + i);
        const __m512 sr = _mm512_loadu_ps(sqrt_r + i);
        const __m512 t = _mm512_loadu_ps(thr + i);
        __m512 lo = _mm512_loadu_ps(min_v + i);
        __m512 hi = _mm512_loadu_ps(max_v + i);
        __m512 p = _mm512_loadu_ps(prod + i);
        __m512i above = _mm512_setzero_si512(), current = above, power = above, gain = above;
        [[maybe_unused]] const __m512 bar = TopK ? _mm512_loadu_ps(kth + i) : _mm512_setzero_ps();
        for (int q = 0; q < Amps; ++q) {
            const fast_output<T>& o = outs[q];
            const __m512 den = _mm512_add_ps(rr, _mm512_set1_ps(o.z_out));
            __m512 inv = _mm512_maskz_rcp14_ps(all, den);
            inv = _mm512_mul_ps(inv, _mm512_sub_ps(two, _mm512_mul_ps(den, inv)));
            const __m512 va = _mm512_mul_ps(_mm512_set1_ps(o.a), _mm512_mul_ps(rr, inv));
            const __m512 vc = _mm512_mul_ps(_mm512_set1_ps(o.i_max), rr);
            const __m512 vp = _mm512_mul_ps(_mm512_set1_ps(o.sqrt_p), sr);
            __m512 best;
            if constexpr (VoltageFirst) {
                const __mmask16 c = _mm512_cmp_ps_mask(vc, va, _CMP_LT_OQ);
                const __m512 m = _mm512_mask_min_ps(vc, all, vc, va);
                const __mmask16 pw = _mm512_cmp_ps_mask(vp, m, _CMP_LT_OQ);
                best = _mm512_mask_min_ps(vp, all, vp, m);
                power = _mm512_mask_add_epi32(power, pw, power, one);
                current = _mm512_mask_add_epi32(current, static_cast<__mmask16>(c & ~pw), current, one);
            } else {
                const __mmask16 pw = _mm512_cmp_ps_mask(vp, vc, _CMP_LT_OQ);
                const __m512 m = _mm512_mask_min_ps(vp, all, vp, vc);
                const __mmask16 g = _mm512_cmp_ps_mask(va, m, _CMP_LT_OQ);
                best = _mm512_mask_min_ps(va, all, va, m);
                gain = _mm512_mask_add_epi32(gain, g, gain, one);
                power = _mm512_mask_add_epi32(power, static_cast<__mmask16>(pw & ~g), power, one);
                current = _mm512_mask_add_epi32(current, static_cast<__mmask16>(~(pw | g)), current, one);
            }
            lo = _mm512_mask_min_ps(best, all, best, lo);
            hi = _mm512_mask_max_ps(best, all, best, hi);
            above = _mm512_mask_add_epi32(above, _mm512_cmp_ps_mask(best, t, _CMP_GE_OQ), above, one);
            p = _mm512_mul_ps(p, best);
            if constexpr (TopK) {
                _mm512_storeu_ps(v + q * stride + i, best);
                const unsigned bits = _mm512_cmp_ps_mask(best, bar, _CMP_GE_OQ);
                std::uint64_t lanes[2] = {0, 0};  // NOLINT: two 64-bit stores of one byte per lane
                if (bits != 0)
                    for (unsigned b = 0; b < 16; ++b) lanes[b / 8] |= static_cast<std::uint64_t>((bits >> b) & 1U) << (8 * (b % 8));
                std::memcpy(hit + q * stride + i, lanes, sizeof lanes);
            }
        }
        _mm512_storeu_ps(min_v + i, lo);
        _mm512_storeu_ps(max_v + i, hi);
        _mm512_storeu_ps(prod + i, p);
        std::int32_t* const to[4] = {n_above + i, n_current + i, n_power + i, n_gain + i};  // NOLINT: intrinsic types
        const __m512i add[4] = {above, current, power, gain};                                // NOLINT
        for (int k = 0; k < (VoltageFirst ? 3 : 4); ++k)
            _mm512_storeu_si512(to[k], _mm512_add_epi32(_mm512_loadu_si512(to[k]), add[k]));
    }
    if (i < n)
        fast_tally_step_avx2<T, VoltageFirst, Amps, TopK>(outs, r + i, sqrt_r + i, thr + i, kth + i, min_v + i,
                                                          max_v + i, prod + i, v + i, n_above + i, n_current + i,
                                                          n_power + i, n_gain + i, hit + i, stride, n - i);
}
[[nodiscard]] inline bool has_avx512() noexcept {
    static const bool yes = __builtin_cpu_supports("avx512f") != 0;
    return yes;
}
[[nodiscard]] inline bool has_avx2() noexcept {
    static const bool yes = __builtin_cpu_supports("avx2") != 0;
    return yes;
}
#endif

template <class T, bool VoltageFirst, int Amps, bool TopK>
inline void fast_tally(HEADROOM_FAST_TALLY_PARAMS) noexcept {
#if HEADROOM_X86_DISPATCH
    if (has_avx512()) return fast_tally_step_avx512<T, VoltageFirst, Amps, TopK>(HEADROOM_FAST_TALLY_ARGS);
    if (has_avx2()) return fast_tally_step_avx2<T, VoltageFirst, Amps, TopK>(HEADROOM_FAST_TALLY_ARGS);
#endif
    fast_tally_step<T, VoltageFirst, Amps, TopK>(HEADROOM_FAST_TALLY_ARGS);
}
#undef HEADROOM_FAST_TALLY_PARAMS
#undef HEADROOM_FAST_TALLY_ARGS

}  // namespace detail

namespace detail {

// The float path's per-output figures for a block of output stages, computed once per block rather than once
// per chunk of headphones.
template <class T>
struct prepared_block {
    static constexpr index size = 256;
    std::array<fast_output<T>, size> f;
    std::array<int, size> bits;            // bound on |log2 v| + 1 for every headphone
    std::array<bool, size> voltage_first;  // V_oc binds before the gain limit

    prepared_block(const output_view<T>& amps, const tally_plan<T>& plan) noexcept {
        using batching = log_batching<T>;
        for (index j = 0; j < amps.size(); ++j) {
            const output_scalars<T> b = output_at(amps, j);
            const auto k = static_cast<std::size_t>(j);
            const bool vf = !(b.v_gain < b.v_oc);
            voltage_first[k] = vf;
            const fast_output<T> o{(vf ? b.v_oc : b.v_gain) * plan.peak_scale, b.i_max * plan.peak_scale, std::sqrt(b.p_max), b.z_out};
            f[k] = o;
            // Every limit grows with R, so the extreme impedances bound this output's voltages.
            const auto v_at = [&](T rr) { return std::min({o.a * (rr / (rr + o.z_out)), o.i_max * rr, o.sqrt_p * std::sqrt(rr)}); };
            const T v_lo = v_at(plan.r_min), v_hi = v_at(plan.r_max);
            bits[k] = (v_lo > T(0) && v_hi < std::numeric_limits<T>::infinity())
                          ? 1 + std::max(std::abs(std::ilogb(v_lo)), std::abs(std::ilogb(v_hi)))
                          : batching::max_bits + 1;
        }
    }
};

template <class T>
struct no_preparation {
    no_preparation(const output_view<T>&, const tally_plan<T>&) noexcept {}
};

template <class T>
using preparation = std::conditional_t<std::is_same_v<T, float>, prepared_block<T>, no_preparation<T>>;

// A block of output stages against the headphones [hp_first, hp_end).
template <class T>
void tally_block(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                 const tally_plan<T>& plan, tally<T>& t, [[maybe_unused]] const preparation<T>& prep, index hp_first,
                 index hp_end) noexcept;

// The output stages of `amps` against headphones [hp_first, hp_first + hp_count) only: this touches no other
// headphone's accumulators, so threads may fold disjoint ranges into one tally at once. It leaves t.outputs alone.
template <class T>
void tally_headphones(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                      const tally_plan<T>& plan, tally<T>& t, index hp_first, index hp_count) noexcept {
    constexpr index block = prepared_block<float>::size;
    for (index jb = 0; jb < amps.size(); jb += block) {
        const output_view<T> part = amps.slice(jb, std::min(block, amps.size() - jb));
        const preparation<T> prep{part, plan};
        tally_block<T>(part, first_output + jb, hps, plan, t, prep, hp_first, hp_first + hp_count);
    }
}

}  // namespace detail

// Folds the output stages of `amps` (whose first has catalog index `first_output`) into `t`. noexcept and
// allocation-free: scratch lives on the stack, state in the tally.
template <class T>
void tally_outputs(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                   const tally_plan<T>& plan, tally<T>& t) noexcept {
    detail::tally_headphones(amps, first_output, hps, plan, t, 0, hps.size());
    t.outputs += amps.size();
}

namespace detail {

template <class T>
void tally_block(const output_view<T>& amps, index first_output, const headphone_view<T>& hps,
                 const tally_plan<T>& plan, tally<T>& t, [[maybe_unused]] const preparation<T>& prep, index hp_first,
                 index hp_end) noexcept {
    assert(t.headphones() == hps.size() && plan.v_threshold.size() == hps.size());
    using batching = detail::log_batching<T>;
    constexpr index c = detail::chunk;
    const T lo = std::ldexp(T(1), -batching::lg_range);
    const T hi = std::ldexp(T(1), batching::lg_range);
    assert(0 <= hp_first && hp_first <= hp_end && hp_end <= hps.size());

    Eigen::Array<T, c, 1> w;        // limiting voltages of one output
    Eigen::Array<T, c, 1> product;  // running products of v awaiting one logarithm
    Eigen::Array<std::int32_t, c, 1> exponents;  // float path: binary exponents taken out of `product`
    Eigen::Array<T, c, 1> logs;
    Eigen::Array<std::uint8_t, c, 1> code;
    Eigen::Array<std::uint8_t, c, 1> offered;
    Eigen::Array<T, c, 4> top_v;  // float path: voltages and top-k candidates of up to four outputs
    Eigen::Array<std::uint8_t, c, 4> top_hit;
    std::array<std::int32_t, c> n_current{}, n_power{}, n_gain{}, n_above{};

    for (index i0 = hp_first; i0 < hp_end; i0 += c) {
        const index n = std::min(c, hp_end - i0);
        const T* r = hps.r.data() + i0;
        const T* thr = plan.v_threshold.data() + i0;
        std::fill_n(n_current.begin(), n, 0);
        std::fill_n(n_power.begin(), n, 0);
        std::fill_n(n_gain.begin(), n, 0);
        std::fill_n(n_above.begin(), n, 0);
        product.head(n).setOnes();
        exponents.head(n).setZero();
        index pending = 0;    // factors in `product` (exact path)
        int pending_bits = 0;  // bound on |log2| of `product` (float path)

        // ln of the pending products (or of this output's voltages) into the double sums. Eigen vectorises the
        // log in T; the widening add is a plain loop because Eigen 3.4 does not vectorise float -> double casts.
        const auto add_logs = [&](const Eigen::Array<T, c, 1>& x) {
            logs.head(n) = x.head(n).log();
            double* HEADROOM_RESTRICT sum = t.log_sum.data() + i0;
            const T* HEADROOM_RESTRICT l = logs.data();
            for (index i = 0; i < n; ++i) sum[i] += static_cast<double>(l[i]);
        };
        const auto flush = [&] {
            add_logs(product);
            product.head(n).setOnes();
            if constexpr (std::is_same_v<T, float>) {
                double* HEADROOM_RESTRICT sum = t.log_sum.data() + i0;
                const std::int32_t* HEADROOM_RESTRICT e = exponents.data();
                for (index i = 0; i < n; ++i) sum[i] += static_cast<double>(e[i]) * std::numbers::ln2;
                exponents.head(n).setZero();
            }
            pending = 0;
            pending_bits = 0;
        };
        // Float path: moves the binary exponents of the pending products into `exponents`, leaving mantissas in
        // [1, 2), so that many more outputs share one logarithm (ln p = ln m + e ln 2). Bit operations the compilers
        // vectorise; the products are normal numbers here by the bits budget.
        const auto renormalise = [&] {
            if constexpr (std::is_same_v<T, float>) {
                float* HEADROOM_RESTRICT p = product.data();
                std::int32_t* HEADROOM_RESTRICT e = exponents.data();
                for (index i = 0; i < n; ++i) {
                    const auto bits = std::bit_cast<std::uint32_t>(p[i]);
                    e[i] += static_cast<std::int32_t>(bits >> 23) - 127;
                    p[i] = std::bit_cast<float>((bits & 0x007fffffU) | 0x3f800000U);
                }
            }
            pending_bits = 1;
        };
        // Candidates for the top k are rare once k outputs have been seen: skip eight lanes at a time.
        const auto offer_hits = [&](const std::uint8_t* hit, const T* v, index j) {
            const auto output = static_cast<std::int64_t>(first_output + j);
            for (index i = 0; i < n; i += 8) {
                std::uint64_t lanes = 0;
                std::memcpy(&lanes, hit + i, static_cast<std::size_t>(std::min<index>(8, n - i)));
                if (lanes == 0) continue;
                for (index q = i; q < std::min(i + 8, n); ++q)
                    if (hit[q] && v[q] >= t.kth[i0 + q]) t.offer(i0 + q, v[q], output);
            }
        };

        for (index j = 0; j < amps.size(); ++j) {
            if constexpr (std::is_same_v<T, float>) {
                // Up to four output stages per pass: as many following ones as share the ordering and keep the
                // pending product within range.
                const auto k = static_cast<std::size_t>(j);
                const bool vf = prep.voltage_first[k];
                index count = 1;
                int budget = prep.bits[k];
                while (count < amps_per_pass && j + count < amps.size()) {
                    const auto next = k + static_cast<std::size_t>(count);
                    if (prep.voltage_first[next] != vf || budget + prep.bits[next] > batching::max_bits) break;
                    budget += prep.bits[next];
                    ++count;
                }
                const fast_output<T>* f = prep.f.data() + k;
                if (budget > batching::max_bits)
                    flush();  // a voltage outside the range: it takes its own logarithm
                else if (pending_bits + budget > batching::max_bits)
                    renormalise();
                const auto step = [&]<bool VoltageFirst, int Amps>() {
                    if (t.top_k > 0)
                        detail::fast_tally<T, VoltageFirst, Amps, true>(
                            f, r, plan.sqrt_r.data() + i0, thr, t.kth.data() + i0, t.min_v.data() + i0,
                            t.max_v.data() + i0, product.data(), top_v.data(), n_above.data(), n_current.data(),
                            n_power.data(), n_gain.data(), top_hit.data(), c, n);
                    else
                        detail::fast_tally<T, VoltageFirst, Amps, false>(
                            f, r, plan.sqrt_r.data() + i0, thr, t.kth.data() + i0, t.min_v.data() + i0,
                            t.max_v.data() + i0, product.data(), top_v.data(), n_above.data(), n_current.data(),
                            n_power.data(), n_gain.data(), top_hit.data(), c, n);
                };
                if (count == amps_per_pass) {
                    if (vf) step.template operator()<true, amps_per_pass>(); else step.template operator()<false, amps_per_pass>();
                } else {
                    count = 1;
                    budget = prep.bits[k];
                    if (vf) step.template operator()<true, 1>(); else step.template operator()<false, 1>();
                }
                pending_bits += budget;
                if (budget > batching::max_bits) flush();  // a voltage outside the range took its own logarithm
                if (t.top_k > 0)
                    for (index q = 0; q < count; ++q) offer_hits(top_hit.data() + q * c, top_v.data() + q * c, j + q);
                j += count - 1;
                continue;
            } else {
                const output_scalars<T> a = output_at(amps, j);
                detail::power_limit_voltage(r, a.p_max, w.data(), n);
                detail::bind_chunk(a, plan.peak_scale, r, w.data(), code.data(), n);
                const bool in_range = detail::tally_step(w.data(), code.data(), thr, t.kth.data() + i0, t.min_v.data() + i0,
                                                         t.max_v.data() + i0, n_above.data(), n_current.data(),
                                                         n_power.data(), n_gain.data(), offered.data(), lo, hi, n);
                if (in_range) {
                    product.head(n) *= w.head(n);
                    if (++pending == batching::outputs) flush();
                } else {
                    flush();
                    add_logs(w);
                }
            }
            if (t.top_k > 0) offer_hits(offered.data(), w.data(), j);
        }
        if (pending > 0 || pending_bits > 0) flush();
        // Into the tally, a column at a time so that each loop vectorises.
        const auto add = [&](std::int64_t* HEADROOM_RESTRICT to, const std::int32_t* HEADROOM_RESTRICT from) {
            for (index i = 0; i < n; ++i) to[i] += from[i];
        };
        add(t.by_limit.col(limit_code::current).data() + i0, n_current.data());
        add(t.by_limit.col(limit_code::power).data() + i0, n_power.data());
        add(t.by_limit.col(limit_code::gain).data() + i0, n_gain.data());
        add(t.above.data() + i0, n_above.data());
        std::int64_t* HEADROOM_RESTRICT by_voltage = t.by_limit.col(limit_code::voltage).data() + i0;
        for (index i = 0; i < n; ++i) by_voltage[i] += amps.size() - (n_current[static_cast<std::size_t>(i)] + n_power[static_cast<std::size_t>(i)] + n_gain[static_cast<std::size_t>(i)]);
    }
}

}  // namespace detail
}  // namespace headroom::batch
