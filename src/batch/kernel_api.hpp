#pragma once

// What the engine (engine.cpp) hands to the loops compiled once per instruction set (kernel_impl.hpp), and the
// table of those loops each target exports. Plain pointers and numbers only: the jobs cross from a translation
// unit built for one instruction set into another.

#include "headroom/limit.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace headroom::batch {
// The index type of the batch columns (Eigen::Index, columns.hpp), named here without Eigen: the loops include
// nothing that depends on the instruction set they are compiled for (engine.cpp checks that the types agree).
using index = std::ptrdiff_t;
}  // namespace headroom::batch

namespace headroom::batch::detail {

// Outputs per block. A block is the unit in which the mean's logarithms are taken and the binding counts are
// unpacked, at fixed positions of the output order whatever the threads and tiles, so that every way of cutting
// a sweep into work gives the same bits. Counts of one block fit in 8 bits.
inline constexpr index block_outputs = 128;

// Headphones per chunk: the per-headphone values of a chunk (inputs and the block's accumulators, about 20 KiB)
// stay in the first-level cache while a block of outputs passes over them.
template <class T>
inline constexpr index chunk_lanes = 2048 / static_cast<index>(sizeof(T));

// The output stages of a sweep, reordered so that stages taking the same loop are adjacent: first those whose
// clipping and signal dividers coincide (R_s == Z_out: one division per pair), then those with a separate source
// resistance, each by the limits they lack among the thermal and the gain limit (which the loop then skips), then
// those with a rating table. The order is fixed by the catalog alone.
inline constexpr unsigned thermal_bit = 1U << static_cast<unsigned>(limit::thermal);
inline constexpr unsigned gain_bit = 1U << static_cast<unsigned>(limit::gain);
inline constexpr std::array<unsigned, 4> skipped_limits{0, thermal_bit, gain_bit, thermal_bit | gain_bit};
inline constexpr int group_count = 12;  // 4 with one divider, 4 with two, 4 with a rating table
inline constexpr int rated_group = 8;   // the first with a rating table
// Rating tables by size: at most 2, 4 or 8 points (padded to that many entries, so that the walk over the points
// has a fixed length), or more.
inline constexpr std::array<std::size_t, 4> table_capacities{2, 4, 8, 0};

enum class loop_kind { one_divider, two_dividers, rated };

[[nodiscard]] constexpr loop_kind kind_of_group(int g) noexcept {
    return g < 4 ? loop_kind::one_divider : (g < 8 ? loop_kind::two_dividers : loop_kind::rated);
}
[[nodiscard]] constexpr unsigned skipped_of_group(int g) noexcept { return g < 8 ? skipped_limits[static_cast<std::size_t>(g % 4)] : 0U; }
[[nodiscard]] constexpr std::size_t capacity_of_group(int g) noexcept {
    return g < rated_group ? 0 : table_capacities[static_cast<std::size_t>(g - rated_group)];
}

template <class T>
struct prepared_outputs {
    const limits::stage_terms<T>* programme;   // the limits for the programme (stage_terms::for_programme)
    const limits::stage_terms<T>* sine;        // the limits as stated, for the maximum sine level
    const limits::rating_table_view<T>* table;  // each stage's rating table (size 0: none; padded to its group's capacity)
    const index* original;                      // catalog index of each position
    std::array<index, group_count> group_end;   // positions [group_end[g - 1], group_end[g]) form group g
    index size;

    [[nodiscard]] loop_kind kind_at(index pos) const noexcept {
        return pos < group_end[3] ? loop_kind::one_divider : (pos < group_end[7] ? loop_kind::two_dividers : loop_kind::rated);
    }
};

// Per-headphone columns prepared for a sweep (prepare()).
template <class T>
struct headphone_lanes {
    const T* r;       // ohm
    const T* s_v;     // dB SPL for 1 V
    T* sqrt_r;        // sqrt(ohm)
    T* ln_r;          // ln(ohm), only when some output has a rating table (else null)
    T* threshold;     // V: the smallest limiting voltage whose headroom reaches the threshold
};

// Accumulators per headphone, for a whole sweep or one thread's share of the outputs. Sums of logarithms are
// whole numbers (math.hpp), so partial accumulators add up in any order to the same bits.
template <class T>
struct accumulators {
    T* min_v;               // V
    T* max_v;               // V
    std::int64_t* log_exp;  // sum of the binary exponents of the limiting voltages
    std::int64_t* log_fix;  // sum of ln(mantissa) in units of 2^-40
    std::int32_t* counts;   // [limit][headphone]: outputs per binding limit (a sweep has fewer than 2^31 outputs)
    std::int32_t* above;    // outputs with headroom at or above the threshold
    T* kth;                 // V: the k-th best so far (-inf until k outputs were offered)
    T* top_v;               // [headphone][k]: limiting voltage of the best outputs, best first
    std::int64_t* top_j;    // [headphone][k]: their catalog indices (-1: none yet)
    index stride;           // headphones in these arrays (the stride of counts)
    index top_k;
};

// Rows of one block of outputs against one chunk of headphones: pair (q, i) at [q * chunk_lanes + i].
template <class T>
struct row_block {
    T* headroom_db;
    limit* binding;
    T* max_spl_db;
    limit* max_binding;
};

struct sweep_options {
    double target_db;
    double min_headroom_db;
    bool mean;
    bool rows;
};

// One block of outputs [out_first, out_first + out_count) against headphones [first, first + count), count at
// most chunk_lanes<T>, folded into acc.
template <class T>
struct block_job {
    headphone_lanes<T> hp;
    prepared_outputs<T> outs;
    accumulators<T> acc;
    row_block<T> rows;
    sweep_options options;
    T peak_scale;
    index first, count;
    index out_first, out_count;
};

// Prepare headphones [first, first + count): sqrt R, ln R and the threshold voltage.
template <class T>
struct prepare_job {
    headphone_lanes<T> hp;
    sweep_options options;
    index first, count;
    bool ln_r;
};

// Headroom extremes (dB) of headphones [first, first + count) from their extreme voltages.
template <class T>
struct finish_job {
    const T* s_v;
    const T* min_v;
    const T* max_v;
    double* min_db;
    double* max_db;
    double target_db;
    index first, count;
};

template <class T>
struct kernel_table {
    void (*prepare)(const prepare_job<T>&) noexcept;
    void (*sweep_block)(const block_job<T>&) noexcept;
    void (*finish)(const finish_job<T>&) noexcept;
};

struct target_kernels {
    kernel_table<float> f32;
    kernel_table<double> f64;
};

// How a pair is evaluated, by the kind of its output stage (see prepared_outputs): limit.hpp's load voltages,
// for the programme (peak-type limits scaled by peak_scale) or as stated (the maximum sine level). The vector
// loops, the exact path of the mean and the details of the best outputs all evaluate pairs through these. Skipped
// is the group's promise of absent limits, Capacity its tables' padded size (limit.hpp); neither changes a value,
// so the loops outside the groups pass 0.
template <class T, loop_kind Kind, unsigned Skipped = 0, std::size_t Capacity = 0>
[[nodiscard]] inline std::array<T, limit_count> programme_limits(const limits::stage_terms<T>& t,
                                                                 const limits::rating_table_view<T>& table, T peak_scale,
                                                                 T r, T sqrt_r, T ln_r) noexcept {
    if constexpr (Kind == loop_kind::one_divider) {
        return limits::load_voltages_one_divider<Skipped>(t, r, sqrt_r);
    } else if constexpr (Kind == loop_kind::two_dividers) {
        return limits::load_voltages<Skipped>(t, r, sqrt_r);
    } else {
        return limits::load_voltages(t, r, sqrt_r, limits::rating_voltages_at<Capacity>(table, ln_r).scaled(peak_scale));
    }
}

template <class T, loop_kind Kind, std::size_t Capacity = 0>
[[nodiscard]] inline std::array<T, limit_count> sine_limits(const limits::stage_terms<T>& t,
                                                            const limits::rating_table_view<T>& table, T r, T sqrt_r,
                                                            T ln_r) noexcept {
    if constexpr (Kind == loop_kind::one_divider) {
        return limits::load_voltages_one_divider(t, r, sqrt_r);
    } else if constexpr (Kind == loop_kind::two_dividers) {
        return limits::load_voltages(t, r, sqrt_r);
    } else {
        return limits::load_voltages(t, r, sqrt_r, limits::rating_voltages_at<Capacity>(table, ln_r));
    }
}

// The same for output position pos of `outs` and headphone i of `hp`, outside the vector loops.
template <class T>
[[nodiscard]] inline std::array<T, limit_count> programme_limits_at(const prepared_outputs<T>& outs, index pos,
                                                                    const headphone_lanes<T>& hp, index i, T peak_scale) noexcept {
    const T r = hp.r[i], sr = hp.sqrt_r[i], lr = hp.ln_r != nullptr ? hp.ln_r[i] : T(0);
    switch (outs.kind_at(pos)) {
        case loop_kind::one_divider:
            return programme_limits<T, loop_kind::one_divider>(outs.programme[pos], outs.table[pos], peak_scale, r, sr, lr);
        case loop_kind::two_dividers:
            return programme_limits<T, loop_kind::two_dividers>(outs.programme[pos], outs.table[pos], peak_scale, r, sr, lr);
        case loop_kind::rated: break;
    }
    return programme_limits<T, loop_kind::rated>(outs.programme[pos], outs.table[pos], peak_scale, r, sr, lr);
}

template <class T>
[[nodiscard]] inline std::array<T, limit_count> sine_limits_at(const prepared_outputs<T>& outs, index pos,
                                                               const headphone_lanes<T>& hp, index i) noexcept {
    const T r = hp.r[i], sr = hp.sqrt_r[i], lr = hp.ln_r != nullptr ? hp.ln_r[i] : T(0);
    switch (outs.kind_at(pos)) {
        case loop_kind::one_divider: return sine_limits<T, loop_kind::one_divider>(outs.sine[pos], outs.table[pos], r, sr, lr);
        case loop_kind::two_dividers: return sine_limits<T, loop_kind::two_dividers>(outs.sine[pos], outs.table[pos], r, sr, lr);
        case loop_kind::rated: break;
    }
    return sine_limits<T, loop_kind::rated>(outs.sine[pos], outs.table[pos], r, sr, lr);
}

// Offers output j (catalog index) with limiting voltage v to headphone h's list of the best: larger v first, then
// the lower catalog index, so that the lists are the same whatever order the outputs arrive in. Raises the bar for
// entry (kth) once the list is full.
template <class T>
inline void offer(const accumulators<T>& acc, index h, T v, std::int64_t j) noexcept {
    const index k = acc.top_k;
    T* vs = acc.top_v + h * k;
    std::int64_t* js = acc.top_j + h * k;
    index at = k;
    while (at > 0 && (v > vs[at - 1] || (v == vs[at - 1] && (js[at - 1] < 0 || j < js[at - 1])))) --at;
    if (at == k) return;
    for (index q = k - 1; q > at; --q) {
        vs[q] = vs[q - 1];
        js[q] = js[q - 1];
    }
    vs[at] = v;
    js[at] = j;
    acc.kth[h] = js[k - 1] < 0 ? -std::numeric_limits<T>::infinity() : vs[k - 1];
}

// One per instruction set compiled in (CMakeLists.txt says which).
namespace baseline {
extern const target_kernels kernels;
}
namespace avx2 {
extern const target_kernels kernels;
}
namespace avx512 {
extern const target_kernels kernels;
}

}  // namespace headroom::batch::detail
