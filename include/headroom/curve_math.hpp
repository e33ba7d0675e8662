#pragma once

// The formulas of impedance curves on plain numbers (ohm, Hz, radians), as limit.hpp keeps the limits: the typed
// curve (impedance_curve.hpp) and the batch engine's sweep across frequency (src/batch) both call these, so that
// both evaluate the same physics. Dependency-free, like limit.hpp.

#include <cstddef>
#include <numbers>

namespace headroom::curves {

// A table's ln|Z| and phase (rad) at u = ln f: linear in ln f between measured points, the end points held outside
// the measured range. `above` is how many points lie at or below u (std::upper_bound's index), found by the caller:
// by a binary search for one frequency, by a walk for an ascending grid.
template <class T>
struct log_polar {
    T ln_mag;
    T phase;
};

template <class T>
[[nodiscard]] constexpr log_polar<T> table_at(const T* ln_hz, const T* ln_ohm, const T* phase_rad, std::size_t n,
                                              std::size_t above, T u) noexcept {
    if (u <= ln_hz[0]) return {ln_ohm[0], phase_rad[0]};
    if (u >= ln_hz[n - 1]) return {ln_ohm[n - 1], phase_rad[n - 1]};
    const std::size_t hi = above, lo = above - 1;
    const T w = (u - ln_hz[lo]) / (ln_hz[hi] - ln_hz[lo]);
    return {ln_ohm[lo] + w * (ln_ohm[hi] - ln_ohm[lo]), phase_rad[lo] + w * (phase_rad[hi] - phase_rad[lo])};
}

template <class T>
struct rectangular {
    T re;  // ohm: resistance
    T im;  // ohm: reactance (positive: inductive)
};

// A dynamic driver's Z(f) = Re + j 2 pi f Le + Res / (1 + j x), x = Qms (f/fs - fs/f), Res = Re Qms / Qes, with the
// motional term's division written out: Res (1 - j x) / (1 + x^2). In real arithmetic so that a loop over many
// frequencies vectorises (a complex division is a library call).
template <class T>
[[nodiscard]] constexpr rectangular<T> driver_at(T re, T le, T fs, T qms, T qes, T hz) noexcept {
    const T res = re * qms / qes;
    const T x = qms * (hz / fs - fs / hz);
    const T motional = res / (T(1) + x * x);
    return {re + motional, T(2) * std::numbers::pi_v<T> * hz * le - motional * x};
}

}  // namespace headroom::curves
