#pragma once

// Batch kernels: every output stage in a view against every headphone, into caller storage. Each pair is
// limit.hpp's load_voltages and binding_of, the functions the scalar model calls, so in double the kernels agree
// with it to the last few bits and pick the same binding limit on exact ties. Kernels are noexcept and never
// allocate; shapes are checked by debug assertions only.

#include "headroom/batch/columns.hpp"
#include "headroom/decibel.hpp"
#include "headroom/limit.hpp"

#include <cassert>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace headroom::batch {

namespace detail {

template <class T>
inline constexpr T db20_per_neper = static_cast<T>(20.0 / std::numbers::ln10);

template <class T>
void assert_shape([[maybe_unused]] const output_view<T>& amps, [[maybe_unused]] const headphone_view<T>& hps,
                  [[maybe_unused]] index rows, [[maybe_unused]] index cols) noexcept {
    assert(rows == hps.size() && cols == amps.size());
    assert(hps.s_v.size() == hps.r.size());
}

// The limiting load voltage of output j into headphone i for a programme of peak_scale (1 for a sine).
template <class T>
[[nodiscard]] inline limits::binding<T> pair_binding(const limits::stage_terms<T>& terms,
                                                     const limits::rating_table_view<T>& table, T peak_scale, T r) noexcept {
    const auto rated = limits::rating_voltages_at(table, std::log(r)).scaled(peak_scale);
    return limits::binding_of(limits::load_voltages(terms, r, std::sqrt(r), rated));
}

// (S_V + 20 lg V) - offset_db for every pair, V being the smallest limit for a programme of peak_scale, and which
// limit that is: the max sine level (scale 1, offset 0) and the headroom share it.
template <class T>
void level_grid(const output_view<T>& amps, const headphone_view<T>& hps, T peak_scale, T offset_db,
                Eigen::Ref<grid<T>> level_db, Eigen::Ref<limit_grid> binding) noexcept {
    assert_shape(amps, hps, level_db.rows(), level_db.cols());
    assert_shape(amps, hps, binding.rows(), binding.cols());
    for (index j = 0; j < amps.size(); ++j) {
        const auto terms = amps.terms(j).for_programme(peak_scale);
        const auto table = amps.table(j);
        for (index i = 0; i < hps.size(); ++i) {
            const auto b = pair_binding(terms, table, peak_scale, hps.r[i]);
            level_db(i, j) = (hps.s_v[i] + db20_per_neper<T> * std::log(b.voltage)) - offset_db;
            binding(i, j) = static_cast<std::uint8_t>(b.which);
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

// Headroom (dB) for a programme at `target` average level with crest factor `crest`, and the limit that sets it:
// headroom_for() in analysis.hpp (peak-type limits act on the peaks, a thermal limit on the average power).
template <class T>
void headroom(const output_view<T>& amps, const headphone_view<T>& hps, spl target, gain crest,
              Eigen::Ref<grid<T>> headroom_db, Eigen::Ref<limit_grid> binding) noexcept {
    detail::level_grid<T>(amps, hps, static_cast<T>(headroom::peak_scale(crest)), static_cast<T>(target.db()), headroom_db,
                          binding);
}

}  // namespace headroom::batch
