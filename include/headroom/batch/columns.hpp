#pragma once

// The batch core's data: a catalog as structure-of-arrays columns of plain numbers in SI base units, so that
// one output stage against thousands of headphones is a loop over contiguous memory. Only Eigen here; typed
// model objects become these columns in one place, batch/pack.hpp.
//
// Grids are column-major with one row per headphone and one column per output stage: the headphone axis (the
// larger catalog) is contiguous, and an output stage's scalars are hoisted out of each column.

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>

namespace headroom::batch {

using index = Eigen::Index;

template <class T>
using column = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using column_view = Eigen::Ref<const column<T>>;
// rows: headphones, columns: output stages
template <class T>
using grid = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
using limit_grid = Eigen::Array<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;

// The binding-limit codes, equal to headroom::limit (pack.hpp checks this): ties go to the lowest code.
namespace limit_code {
inline constexpr std::uint8_t voltage = 0;
inline constexpr std::uint8_t current = 1;
inline constexpr std::uint8_t power = 2;
inline constexpr std::uint8_t gain = 3;
inline constexpr std::size_t count = 4;
}  // namespace limit_code

// Output stages. An absent limit is +inf, which never binds.
template <class T>
struct output_columns {
    column<T> v_oc;    // V: open-circuit RMS voltage before clipping
    column<T> i_max;   // A: RMS current limit
    column<T> p_max;   // W: continuous power limit
    column<T> z_out;   // ohm: output impedance (0 allowed)
    column<T> v_gain;  // V: V_src 10^(G/20), the open-circuit voltage at digital full scale

    [[nodiscard]] index size() const noexcept { return v_oc.size(); }
};

template <class T>
struct headphone_columns {
    column<T> r;    // ohm: impedance at 1 kHz
    column<T> s_v;  // dB SPL for 1 Vrms

    [[nodiscard]] index size() const noexcept { return r.size(); }
};

// Non-owning views, so that a sweep can hand a tile (a contiguous range of output stages) to a kernel.
template <class T>
struct output_view {
    column_view<T> v_oc, i_max, p_max, z_out, v_gain;

    output_view(const output_columns<T>& c)  // NOLINT(google-explicit-constructor): a view of the whole catalog
        : v_oc{c.v_oc}, i_max{c.i_max}, p_max{c.p_max}, z_out{c.z_out}, v_gain{c.v_gain} {}
    output_view(column_view<T> v, column_view<T> i, column_view<T> p, column_view<T> z, column_view<T> g)
        : v_oc{v}, i_max{i}, p_max{p}, z_out{z}, v_gain{g} {}

    [[nodiscard]] index size() const noexcept { return v_oc.size(); }
    [[nodiscard]] output_view slice(index first, index count) const {
        return {v_oc.segment(first, count), i_max.segment(first, count), p_max.segment(first, count),
                z_out.segment(first, count), v_gain.segment(first, count)};
    }
};

template <class T>
struct headphone_view {
    column_view<T> r, s_v;

    headphone_view(const headphone_columns<T>& c) : r{c.r}, s_v{c.s_v} {}  // NOLINT(google-explicit-constructor)
    headphone_view(column_view<T> r_, column_view<T> s) : r{r_}, s_v{s} {}

    [[nodiscard]] index size() const noexcept { return r.size(); }
};

}  // namespace headroom::batch
