#pragma once

// Batch kernels: every output stage in a view against every headphone, into caller storage. They mirror the
// scalar model (analysis.hpp) expression for expression and in the same order, so that in double they agree with
// it to the last few bits and pick the same binding limit on exact ties.
//
// Each column (one output stage) is done in chunks of headphones that stay in L1, in three passes:
//   1. sqrt(P_max R) with Eigen, which vectorises sqrt (GCC and Clang do not vectorise std::sqrt while it may
//      set errno); float uses the SSE instruction directly (see power_limit_voltage);
//   2. the limits and the first-smallest choice in a plain loop: Eigen 3.4 does not vectorise comparisons or
//      select(), while the compilers vectorise this loop into min/compare/blend instructions;
//   3. the level with Eigen, writing 20 lg x as (20 / ln 10) ln x because Eigen vectorises log() and not log10().
// Kernels are noexcept and never allocate; shapes are checked by debug assertions only.

#include "headroom/batch/columns.hpp"
#include "headroom/decibel.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <type_traits>

#if defined(__SSE__) || defined(_M_X64)
#include <xmmintrin.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define HEADROOM_RESTRICT __restrict
#else
#define HEADROOM_RESTRICT
#endif

namespace headroom::batch {

namespace detail {

// Headphones per chunk: a few columns of this many values stay in L1 between the passes.
inline constexpr index chunk = 256;
// Floats in the widest vector the kernels use (AVX-512): ranges of headphones that start at multiples of it keep
// the vector loops aligned to the same lanes.
inline constexpr index lanes = 16;

template <class T>
inline constexpr T db20_per_neper = static_cast<T>(headroom::detail::db20_per_neper);

// One output stage's figures, hoisted out of the loop over headphones.
template <class T>
struct output_scalars {
    T v_oc, i_max, p_max, z_out, v_gain;
};

template <class T>
[[nodiscard]] output_scalars<T> output_at(const output_view<T>& a, index j) noexcept {
    return {a.v_oc[j], a.i_max[j], a.p_max[j], a.z_out[j], a.v_gain[j]};
}

// sqrt(P_max r[i]) into w[i], correctly rounded. Eigen's float sqrt under EIGEN_FAST_MATH (its default) is an
// rsqrt estimate: not correctly rounded (so exact ties would break) and NaN for +inf (an absent P_max). Its
// double sqrt is the exact instruction, but Eigen 3.4 does not vectorise the float <-> double casts around it.
// So float uses the SSE square-root instruction (baseline on x86-64) directly, and double uses Eigen.
template <class T>
inline void power_limit_voltage(const T* r, T p_max, T* w, index n) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        index i = 0;
#if defined(__SSE__) || defined(_M_X64)
        const __m128 p = _mm_set1_ps(p_max);
        for (; i + 4 <= n; i += 4) _mm_storeu_ps(w + i, _mm_sqrt_ps(_mm_mul_ps(_mm_loadu_ps(r + i), p)));
#endif
        for (; i < n; ++i) w[i] = std::sqrt(r[i] * p_max);
    } else {
        Eigen::Map<column<T>>(w, n) = (Eigen::Map<const column<T>>(r, n) * p_max).sqrt();
    }
}

// The smallest limit of one output stage against n headphones and which limit it is (detail::load_voltage_limits
// and detail::binding_of in analysis.hpp, in the same order). On entry w[i] = sqrt(P_max r[i]); on exit w[i] is
// the smallest limit voltage (peak-type limits scaled when Scaled) and code[i] the binding limit.
template <class T, bool Scaled>
inline void bind_chunk(const output_scalars<T>& a, T scale, const T* HEADROOM_RESTRICT r, T* HEADROOM_RESTRICT w,
                       std::uint8_t* HEADROOM_RESTRICT code, index n) noexcept {
    for (index i = 0; i < n; ++i) {
        const T rr = r[i];
        const T divider = rr / (rr + a.z_out);
        T v0 = a.v_oc * divider;
        T v1 = a.i_max * rr;
        const T v2 = w[i];
        T v3 = a.v_gain * divider;
        if constexpr (Scaled) {
            v0 *= scale;
            v1 *= scale;
            v3 *= scale;
        }
        T best = v0;
        std::uint8_t k = limit_code::voltage;
        if (v1 < best) {
            best = v1;
            k = limit_code::current;
        }
        if (v2 < best) {
            best = v2;
            k = limit_code::power;
        }
        if (v3 < best) {
            best = v3;
            k = limit_code::gain;
        }
        w[i] = best;
        code[i] = k;
    }
}

template <class T>
inline void bind_chunk(const output_scalars<T>& a, T scale, const T* r, T* w, std::uint8_t* code, index n) noexcept {
    // Multiplying by exactly 1 changes nothing, so a sine skips the three multiplications.
    if (scale == T(1))
        bind_chunk<T, false>(a, scale, r, w, code, n);
    else
        bind_chunk<T, true>(a, scale, r, w, code, n);
}

template <class T>
void assert_shape([[maybe_unused]] const output_view<T>& amps, [[maybe_unused]] const headphone_view<T>& hps,
                  [[maybe_unused]] index rows, [[maybe_unused]] index cols) noexcept {
    assert(rows == hps.size() && cols == amps.size());
    assert(hps.s_v.size() == hps.r.size());
}

}  // namespace detail

namespace detail {

// (S_V + 20 lg V) - offset_db for every pair, V being the smallest limit with its peak-type limits scaled by
// peak_scale, and which limit that is: the max sine level (scale 1, offset 0) and the headroom share it.
template <class T>
void level_grid(const output_view<T>& amps, const headphone_view<T>& hps, T peak_scale, T offset_db,
                Eigen::Ref<grid<T>> level_db, Eigen::Ref<limit_grid> binding) noexcept {
    assert_shape(amps, hps, level_db.rows(), level_db.cols());
    assert_shape(amps, hps, binding.rows(), binding.cols());
    const index n_hp = hps.size();
    for (index j = 0; j < amps.size(); ++j) {
        const output_scalars<T> a = output_at(amps, j);
        T* out = level_db.col(j).data();
        std::uint8_t* code = binding.col(j).data();
        for (index i0 = 0; i0 < n_hp; i0 += chunk) {
            const index n = std::min(chunk, n_hp - i0);
            Eigen::Map<column<T>> w(out + i0, n);
            power_limit_voltage(hps.r.data() + i0, a.p_max, out + i0, n);
            bind_chunk(a, peak_scale, hps.r.data() + i0, out + i0, code + i0, n);
            w = (hps.s_v.segment(i0, n) + db20_per_neper<T> * w.log()) - offset_db;
        }
    }
}

}  // namespace detail

// Maximum continuous sine SPL (dB SPL) and its binding limit, for every headphone (row) and output (column):
// max_output() in analysis.hpp.
template <class T>
void max_spl(const output_view<T>& amps, const headphone_view<T>& hps, Eigen::Ref<grid<T>> spl_db,
             Eigen::Ref<limit_grid> binding) noexcept {
    detail::level_grid<T>(amps, hps, T(1), T(0), spl_db, binding);
}

// The binding limit alone (limit_code values).
template <class T>
void binding_limit(const output_view<T>& amps, const headphone_view<T>& hps, Eigen::Ref<limit_grid> binding) noexcept {
    detail::assert_shape(amps, hps, binding.rows(), binding.cols());
    const index n_hp = hps.size();
    Eigen::Array<T, detail::chunk, 1> scratch;  // on the stack: no allocation
    for (index j = 0; j < amps.size(); ++j) {
        const detail::output_scalars<T> a = detail::output_at(amps, j);
        std::uint8_t* code = binding.col(j).data();
        for (index i0 = 0; i0 < n_hp; i0 += detail::chunk) {
            const index n = std::min(detail::chunk, n_hp - i0);
            detail::power_limit_voltage(hps.r.data() + i0, a.p_max, scratch.data(), n);
            detail::bind_chunk(a, T(1), hps.r.data() + i0, scratch.data(), code + i0, n);
        }
    }
}

// Headroom (dB) for a programme at `target` average level with crest factor `crest`, and the limit that sets it:
// headroom_for() in analysis.hpp (peak-type limits act on the peaks, P_max on the average power).
template <class T>
void headroom(const output_view<T>& amps, const headphone_view<T>& hps, spl target, gain crest,
              Eigen::Ref<grid<T>> headroom_db, Eigen::Ref<limit_grid> binding) noexcept {
    detail::level_grid<T>(amps, hps, static_cast<T>(headroom::peak_scale(crest)), static_cast<T>(target.db()),
                          headroom_db, binding);
}

}  // namespace headroom::batch
