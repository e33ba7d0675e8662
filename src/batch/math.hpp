#pragma once

// The few functions of the batch engine that a library would otherwise provide: a natural logarithm, the
// neighbours of a float, and the conversion of a limiting voltage to headroom in dB. They are written out because
// every instruction-set path must produce the same bits: a vectorised libm log differs between SSE2, AVX2 and
// AVX-512 builds (and from the scalar one), while the operations below are IEEE operations in a fixed order,
// which every path performs identically (the engine is compiled with -ffp-contract=off).

#include "headroom/decibel.hpp"

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace headroom::batch::detail {

template <class T>
using bits_of = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
template <class T>
using whole_of = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;

template <class T>
inline constexpr int mantissa_bits = std::numeric_limits<T>::digits - 1;
template <class T>
inline constexpr whole_of<T> exponent_bias = std::numeric_limits<T>::max_exponent - 1;
template <class T>
inline constexpr bits_of<T> mantissa_mask = (bits_of<T>{1} << mantissa_bits<T>) - 1;
template <class T>
inline constexpr bits_of<T> one_bits = static_cast<bits_of<T>>(exponent_bias<T>) << mantissa_bits<T>;

// 2 / (2n + 1), n = 0 .. degree: ln m = 2 atanh s = sum of 2 s^(2n+1) / (2n + 1) for s = (m - 1) / (m + 1).
template <class T, int Degree>
inline constexpr auto atanh_series = [] {
    struct coefficients {
        T c[Degree + 1];
    } a{};
    for (int n = 0; n <= Degree; ++n) a.c[n] = static_cast<T>(2.0 / (2.0 * n + 1.0));
    return a;
}();

// ln x for x > 0 (0 gives -inf, +inf gives +inf), within about 2 ulp. x = m 2^e with m in [sqrt 1/2, sqrt 2);
// |s| <= 0.1716, so the series needs terms up to s^9 (float) or s^21 (double) for less than half an ulp.
template <class T>
[[nodiscard]] inline T ln(T x) noexcept {
    constexpr bool is_double = sizeof(T) == 8;
    constexpr int degree = is_double ? 10 : 4;
    constexpr T ln2_hi = is_double ? T(6.93147180369123816490e-01) : T(0.693359375);
    constexpr T ln2_lo = is_double ? T(1.90821492927058770002e-10) : T(-2.12194440e-4);
    constexpr T sqrt2 = T(1.41421356237309504880);
    using bits = bits_of<T>;
    using whole = whole_of<T>;
    // Subnormal numbers are scaled into the normal range first (exactly: by a power of two).
    constexpr T scale_up = T(1) / std::numeric_limits<T>::epsilon();  // 2^mantissa_bits
    const bool tiny = x < std::numeric_limits<T>::min();
    const T xs = tiny ? x * scale_up : x;
    const bits b = std::bit_cast<bits>(xs);
    whole e = static_cast<whole>(b >> mantissa_bits<T>) - exponent_bias<T> - (tiny ? whole{mantissa_bits<T>} : whole{0});
    T m = std::bit_cast<T>(static_cast<bits>((b & mantissa_mask<T>) | one_bits<T>));
    const bool high = m > sqrt2;
    m = high ? m * T(0.5) : m;
    e = high ? e + 1 : e;
    const T s = (m - T(1)) / (m + T(1));
    const T s2 = s * s;
    T p = atanh_series<T, degree>.c[degree];
    for (int n = degree - 1; n >= 0; --n) p = p * s2 + atanh_series<T, degree>.c[n];
    const T et = static_cast<T>(e);
    const T y = et * ln2_hi + (s * p + et * ln2_lo);
    const T inf = std::numeric_limits<T>::infinity();
    const T low_end = x == T(0) ? -inf : y;
    return x == inf ? inf : low_end;
}

// The next representable number above / below a positive x (0 and +inf stay where they are below / above).
template <class T>
[[nodiscard]] inline T next_up(T x) noexcept {
    return x == std::numeric_limits<T>::infinity() ? x : std::bit_cast<T>(static_cast<bits_of<T>>(std::bit_cast<bits_of<T>>(x) + 1));
}
template <class T>
[[nodiscard]] inline T next_down(T x) noexcept {
    return x == T(0) ? x : std::bit_cast<T>(static_cast<bits_of<T>>(std::bit_cast<bits_of<T>>(x) - 1));
}

// The headroom (dB) of a limiting load voltage v for a headphone of sensitivity s_v (dB SPL for 1 V) at a target
// level: the scalar model's (S_V + 20 lg v) - T, with 20 lg written as (20 / ln 10) ln. Every dB figure of a
// sweep (statistics, best outputs, rows, the threshold) goes through this one expression, in double.
[[nodiscard]] inline double headroom_db(double s_v, double v, double target_db) noexcept {
    return (s_v + headroom::detail::db20_per_neper * ln(v)) - target_db;
}

// The sum of ln v over a headphone's outputs is kept as whole numbers, so that adding partial sums in any order
// (threads, tiles) gives the same result to the last bit: an exponent count (log2 of a power of two, exact) and
// a fixed-point sum of the logarithms of mantissas in [1, 2), each block of outputs rounding once: in units of
// 2^-40 in double (within 5e-13 per block; 2^63 units hold 1.2e7 blocks of 128 outputs) and 2^-30 in float (the
// float logarithm is not finer), in integers as wide as T so that the loops vectorise.
template <class T>
inline constexpr double fixed_point_unit = sizeof(T) == 8 ? 0x1p-40 : 0x1p-30;

template <class T>
[[nodiscard]] inline whole_of<T> to_fixed_point(T ln_mantissa) noexcept {
    constexpr T scale = static_cast<T>(1.0 / fixed_point_unit<T>);
    return static_cast<whole_of<T>>(ln_mantissa * scale + T(0.5));  // 0 <= ln_mantissa < ln 2
}

}  // namespace headroom::batch::detail
