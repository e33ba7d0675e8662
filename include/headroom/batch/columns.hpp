#pragma once

// The batch core's data: a catalog as structure-of-arrays columns of plain numbers in SI base units, so that
// one output stage against thousands of headphones is a loop over contiguous memory. Only Eigen and limit.hpp
// here; typed model objects become these columns in one place, batch/pack.hpp.
//
// Grids are column-major with one row per headphone and one column per output stage: the headphone axis (the
// larger catalog) is contiguous, and an output stage's scalars are hoisted out of each column.

#include "headroom/limit.hpp"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace headroom::batch {

using index = Eigen::Index;

template <class T>
using column = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using column_view = Eigen::Ref<const column<T>>;
// rows: headphones, columns: output stages
template <class T>
using grid = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
using limit_grid = Eigen::Array<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;  // headroom::limit values

// Output stages: limits::stage_terms as columns (an absent limit is +inf, which never binds), and the rating
// tables of those that state one, packed end to end: output j's points are [table_first[j], table_first[j + 1]).
template <class T>
struct output_columns {
    column<T> v_clip;          // V: open-circuit RMS voltage at clipping
    column<T> r_clip;          // ohm: source resistance behind it (R_s, or Z_out)
    column<T> i_max;           // A: RMS current limit
    column<T> sqrt_p_clip;     // sqrt(W): load-independent sine power rating
    column<T> sqrt_p_thermal;  // sqrt(W): continuous power
    column<T> v_gain;          // V: open-circuit voltage at digital full scale
    column<T> z_out;           // ohm: output impedance (0 allowed)
    Eigen::Array<index, Eigen::Dynamic, 1> table_first;  // M + 1 offsets
    column<T> table_ln_r;      // ln(ohm), ascending within each table
    column<T> table_ln_v;      // ln(V): sqrt(P R) at each stated load
    // Load-sensed modes (docs/physics.md section 8), optional (empty, or one per stage): stage j is the mode its
    // device selects for loads from load_min[j] (inclusive) to load_max[j] (exclusive), in ohm, and a sweep pairs it
    // only with the headphones whose load lies there. A stage that is no such mode has 0 and +inf.
    column<T> load_min, load_max;

    [[nodiscard]] index size() const noexcept { return v_clip.size(); }
};

template <class T>
struct headphone_columns {
    column<T> r;    // ohm: the load (|Z| at 1 kHz, or the impedance minimum of a known curve: pack.hpp)
    column<T> s_v;  // dB SPL for 1 Vrms

    [[nodiscard]] index size() const noexcept { return r.size(); }
};

// Non-owning views, so that a sweep can hand a tile (a contiguous range of output stages) to a kernel.
template <class T>
struct output_view {
    column_view<T> v_clip, r_clip, i_max, sqrt_p_clip, sqrt_p_thermal, v_gain, z_out;
    const index* table_first;  // size() + 1 offsets into the whole catalog's table arrays
    const T* table_ln_r;
    const T* table_ln_v;
    const T* load_min;  // size() each, or both null: no load-sensed modes (output_columns)
    const T* load_max;

    output_view(const output_columns<T>& c)  // NOLINT(google-explicit-constructor): a view of the whole catalog
        : v_clip{c.v_clip}, r_clip{c.r_clip}, i_max{c.i_max}, sqrt_p_clip{c.sqrt_p_clip}, sqrt_p_thermal{c.sqrt_p_thermal},
          v_gain{c.v_gain}, z_out{c.z_out}, table_first{c.table_first.data()}, table_ln_r{c.table_ln_r.data()},
          table_ln_v{c.table_ln_v.data()}, load_min{c.load_min.size() > 0 ? c.load_min.data() : nullptr},
          load_max{c.load_max.size() > 0 ? c.load_max.data() : nullptr} {
        if (c.load_min.size() != c.load_max.size() || (c.load_min.size() != 0 && c.load_min.size() != c.size()))
            throw std::invalid_argument{"output_columns: load_min and load_max hold one value per output stage, or none"};
    }

    output_view(column_view<T> v, column_view<T> r, column_view<T> i, column_view<T> p_clip, column_view<T> p_thermal,
                column_view<T> g, column_view<T> z, const index* first, const T* ln_r, const T* ln_v,
                const T* band_min = nullptr, const T* band_max = nullptr)
        : v_clip{v}, r_clip{r}, i_max{i}, sqrt_p_clip{p_clip}, sqrt_p_thermal{p_thermal}, v_gain{g}, z_out{z},
          table_first{first}, table_ln_r{ln_r}, table_ln_v{ln_v}, load_min{band_min}, load_max{band_max} {
        if ((band_min == nullptr) != (band_max == nullptr))
            throw std::invalid_argument{"output_view: load_min and load_max come together"};
    }

    [[nodiscard]] index size() const noexcept { return v_clip.size(); }
    [[nodiscard]] bool has_load_modes() const noexcept { return load_min != nullptr; }
    [[nodiscard]] output_view slice(index first, index count) const {
        return {v_clip.segment(first, count),      r_clip.segment(first, count), i_max.segment(first, count),
                sqrt_p_clip.segment(first, count), sqrt_p_thermal.segment(first, count), v_gain.segment(first, count),
                z_out.segment(first, count),       table_first + first,            table_ln_r,
                table_ln_v,                        load_min ? load_min + first : nullptr,
                load_max ? load_max + first : nullptr};
    }
    // Whether stage j is a load-sensed mode (a stage with a band of loads).
    [[nodiscard]] bool is_load_mode(index j) const noexcept {
        return load_min != nullptr && (load_min[j] > T(0) || load_max[j] < std::numeric_limits<T>::infinity());
    }

    // Output j's limits and rating table, for limit.hpp.
    [[nodiscard]] limits::stage_terms<T> terms(index j) const noexcept {
        return {v_clip[j], r_clip[j], i_max[j], sqrt_p_clip[j], sqrt_p_thermal[j], v_gain[j], z_out[j]};
    }
    [[nodiscard]] limits::rating_table_view<T> table(index j) const noexcept {
        const index first = table_first[j];
        return {table_ln_r + first, table_ln_v + first, static_cast<std::size_t>(table_first[j + 1] - first)};
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
