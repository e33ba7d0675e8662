#pragma once

// What the sweep across frequency's driver (across.cpp) hands to its loops compiled once per instruction set
// (across_impl.hpp), and the table of those loops each target exports. Plain pointers and numbers only, as in
// kernel_api.hpp, whose output-stage order (prepared_outputs) and groups it shares.

#include "batch/kernel_api.hpp"
#include "batch/math.hpp"
#include "headroom/limit.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace headroom::batch::detail {

// Headphones per chunk: a chunk's curves on the grid and its candidate frequencies are prepared together, and every
// output stage then passes over them (its vectors hold these lanes: one AVX-512 vector of floats). A chunk's slots
// number the most candidates of its headphones, so a small chunk wastes few.
inline constexpr index across_lanes = 16;  // across_chunk_headphones (across.hpp; across.cpp checks they agree)

// The relative margin within which a frequency counts as possibly the worst: the largest relative error of one
// evaluation of a limit (about 7 roundings in T: the complex divider, the limit, the EQ's digital gain, the boost),
// twice (two frequencies compared), with room to spare; the rating tables' exponential of an interpolated logarithm
// errs about 45 roundings. In double it also covers the candidate test's own arithmetic (docs/batch.md).
template <class T>
inline constexpr double candidate_margin = sizeof(T) == 4 ? 32.0 * 0x1p-24 : 1e-12;
template <class T>
inline constexpr double table_candidate_margin = sizeof(T) == 4 ? 256.0 * 0x1p-24 : 1e-12;

// The limits a cell of output stages has and the source resistances they have (for the candidate test). A family
// of frequencies-that-can-be-worst is taken for each limit present.
struct cell_summary {
    bool current = false;
    bool root = false;  // a power rating or a thermal limit: both go as sqrt|Z|
    // The voltage limit (R = R_s) and the gain limit (R = Z_out): whether some stage has R = 0, and the range of
    // the positive ones (lo > hi: none).
    bool voltage_zero = false, gain_zero = false;
    double voltage_lo = 1.0, voltage_hi = 0.0, gain_lo = 1.0, gain_hi = 0.0;
    const std::int32_t* tables = nullptr;  // distinct rating tables of the cell's stages (indices into the job's)
    std::int32_t table_count = 0;
    bool dense = false;  // evaluate every frequency (too many distinct tables for the candidate test)
};

// One chunk's workspace, owned by the thread that works on it and reused for every chunk it takes.
//  grid:       every frequency, [field][frequency][lane] (what a sweep without pruning passes over)
//  candidates: per cell, the candidate frequencies of each lane, ascending, padded to the cell's slot count with
//              the lane's first; slots [cell_slot_first[c], cell_slot_first[c + 1]) of the slot arrays, which hold
//              the grid's fields for them in the same layout.
template <class T>
struct across_workspace {
    // Fields of a slot: re, im (ohm), mag = |Z|, sqrt_mag, ln_mag (only with rating tables), w = 10^(-boost/20),
    // gd = the gain limit's digital factor 10^(min(preamp + boost, 0)/20); and the grid index.
    T* grid[7];
    whole_of<T>* grid_index;
    T* slot[7];
    whole_of<T>* slot_index;
    index* cell_slot_first;  // cells + 1
    // Per lane, double: the curve on the grid as the kernels' numbers (exact values of the T inputs), for the test.
    double* scratch;         // scratch_doubles(F) per lane
    std::uint8_t* keep;      // F per lane
    std::int32_t* list;      // F per lane and cell: candidate indices
    std::int32_t* list_size; // per lane and cell
};

enum : int { f_re, f_im, f_mag, f_sqrt, f_ln, f_w, f_gd };

// Prepare one chunk: headphones [first, first + count), count <= across_lanes.
template <class T>
struct across_prepare_job {
    across_workspace<T> ws;
    index first, count, frequencies;
    // Headphones.
    const T* r;
    const std::int32_t* curve;
    const std::int32_t* eq;
    // Curves (double, as curve_columns).
    const index* table_first;
    const double* ln_hz;
    const double* ln_ohm;
    const double* phase_rad;
    const double* d_re;
    const double* d_le;
    const double* d_fs;
    const double* d_qms;
    const double* d_qes;
    // The grid: hz and ln hz (std::log, as impedance_curve takes it).
    const double* grid_hz;
    const double* grid_ln_hz;
    // EQ presets as the kernels' factors, E x F each: w and gd (T).
    const T* eq_w;
    const T* eq_gd;
    // Output cells and the distinct rating tables.
    const cell_summary* cells;
    index cell_count;
    const limits::rating_table_view<T>* tables;
    bool ln_mag;  // some stage has a rating table: fill f_ln
    bool prune;
};

// Accumulators per headphone (the whole sweep's: a chunk is worked on by one thread, against every output stage).
template <class T>
struct across_accumulators {
    double* min_db;
    double* max_db;
    double* sum_db;
    std::int32_t* counts;  // [limit][headphone]
    std::int32_t* above;
    T* kth;                // the k-th best worst-case voltage so far (-inf until k outputs were offered)
    T* top_u;              // [headphone][k]
    std::int64_t* top_j;   // [headphone][k]: catalog indices (-1: none yet)
    std::int32_t* top_f;   // [headphone][k]: grid index
    limit* top_l;          // [headphone][k]
    index stride;
    index top_k;
};

// Rows of one block of outputs against one chunk: pair (q, i) at [q * across_lanes + i].
template <class T>
struct across_row_block {
    T* headroom_db;
    std::int32_t* frequency;
    limit* binding;
};

// A block of outputs [out_first, out_first + out_count) against the prepared chunk.
template <class T>
struct across_block_job {
    across_workspace<T> ws;
    prepared_outputs<T> outs;
    const index* cell_first;     // cells + 1 positions
    const std::array<index, group_count>* cell_group_end;
    const cell_summary* cells;
    index cell_count;
    across_accumulators<T> acc;
    across_row_block<T> rows;
    bool with_rows;
    bool prune;
    const T* s_v;                // the chunk's first headphone's
    double target_db, min_headroom_db;
    T peak_scale;
    index first, count, frequencies;
    index out_first, out_count;
    std::int64_t* evaluated;     // pair-frequencies evaluated (the thread's own counter)
};

// Offers output j's worst case (u = the limiting voltage times 10^(-boost/20)) to headphone h's list of the best:
// larger u first, then the lower catalog index, whatever order the outputs arrive in.
template <class T>
inline void offer(const across_accumulators<T>& acc, index h, T u, std::int64_t j, std::int32_t f, limit l) noexcept {
    const index k = acc.top_k;
    T* us = acc.top_u + h * k;
    std::int64_t* js = acc.top_j + h * k;
    std::int32_t* fs = acc.top_f + h * k;
    limit* ls = acc.top_l + h * k;
    index at = k;
    while (at > 0 && (u > us[at - 1] || (u == us[at - 1] && (js[at - 1] < 0 || j < js[at - 1])))) --at;
    if (at == k) return;
    for (index q = k - 1; q > at; --q) {
        us[q] = us[q - 1];
        js[q] = js[q - 1];
        fs[q] = fs[q - 1];
        ls[q] = ls[q - 1];
    }
    us[at] = u;
    js[at] = j;
    fs[at] = f;
    ls[at] = l;
    acc.kth[h] = js[k - 1] < 0 ? -std::numeric_limits<T>::infinity() : us[k - 1];
}

template <class T>
struct across_kernel_table {
    void (*prepare)(const across_prepare_job<T>&) noexcept;  // curves, candidates and the slots each cell needs
    void (*gather)(const across_prepare_job<T>&) noexcept;   // the candidates' values into the slots
    void (*sweep_block)(const across_block_job<T>&) noexcept;
};

struct across_target_kernels {
    across_kernel_table<float> f32;
    across_kernel_table<double> f64;
};

// Doubles of scratch per lane for a grid of F frequencies.
[[nodiscard]] constexpr index scratch_doubles(index f) noexcept { return 12 * f; }

namespace baseline {
extern const across_target_kernels across_kernels;
}
namespace avx2 {
extern const across_target_kernels across_kernels;
}
namespace avx512 {
extern const across_target_kernels across_kernels;
}

}  // namespace headroom::batch::detail
