#pragma once

// The batch engine across frequency: every output stage of one catalog against every headphone of another at every
// frequency of a grid (1/48 octave over 20 Hz-20 kHz, as `pair` uses), with each headphone's complex impedance
// curve and its EQ, reduced to the worst headroom of each pair over the grid, where it falls and which limit binds
// there; then the statistics of the single-load sweep (sweep.hpp) over those worst cases. Per pair and frequency
// it is response.hpp's headroom_across: limit.hpp's load voltages into Z(f) through the complex dividers, the EQ's
// digital headroom on the gain limit, the EQ's boost on the level wanted.
//
// Exact pruning: a pair's worst frequency is provably among a few candidates per headphone (docs/batch.md explains
// the bound), so the engine evaluates only those; the answer is the same to the last bit as evaluating every
// frequency (across_settings::prune = false does that). Memory is O(outputs + headphones x best): the curves are
// evaluated on the grid a few headphones at a time, in buffers each thread reuses, and no outputs x headphones x
// frequencies array exists unless a row sink asks for every pair.

#include "headroom/batch/columns.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/decibel.hpp"
#include "headroom/limit.hpp"

#include <Eigen/Core>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace headroom::batch {

// Impedance curves as plain numbers (SI), the two forms impedance_curve.hpp knows, evaluated on the grid by the
// engine with the same formulas (curves::table_at, curves::driver_at). Curve c is a measured table when it has
// points ([table_first[c], table_first[c + 1]) of ln_hz, ln_ohm, phase_rad), else a driver model (re .. qes).
struct curve_columns {
    Eigen::Array<index, Eigen::Dynamic, 1> table_first;  // C + 1 offsets
    column<double> ln_hz;      // ln(Hz), strictly ascending within a table
    column<double> ln_ohm;     // ln(ohm)
    column<double> phase_rad;  // rad, within -pi/2 .. pi/2, positive when inductive
    column<double> re, le, fs, qms, qes;  // ohm, H, Hz, -, -: a driver model's parameters (unused for a table)

    [[nodiscard]] index size() const noexcept { return re.size(); }
};

// EQ presets as their effect on the grid: each filter set's boost at every grid frequency (eq.hpp's eq_gain_at, the
// preamp excluded) and its digital preamp.
struct eq_columns {
    column<double> boost_db;   // E x F: preset e at frequency f is [e * F + f]
    column<double> preamp_db;  // E

    [[nodiscard]] index size() const noexcept { return preamp_db.size(); }
};

// The headphones of a sweep across frequency: each with its sensitivity, its impedance where it has no curve, and
// optionally a curve and an EQ preset, on a grid of frequencies.
template <class T>
struct across_columns {
    headphone_columns<T> headphones;                      // r: |Z| where there is no curve (ohm); s_v: dB SPL for 1 V
    Eigen::Array<std::int32_t, Eigen::Dynamic, 1> curve;  // per headphone: its curve, or -1: resistive at r
    Eigen::Array<std::int32_t, Eigen::Dynamic, 1> eq;     // per headphone: its preset, or -1: none
    curve_columns curves;
    eq_columns eqs;
    column<double> grid_hz;  // the F frequencies, ascending
    // Per headphone, the load a load-sensing output senses, which selects its mode (columns.hpp): the model's
    // limit_load (analysis.hpp), a curve's minimum where there is one (ohm).
    column<T> mode_load;

    [[nodiscard]] index size() const noexcept { return headphones.size(); }
};

// A non-owning view of across_columns (what the engine reads), so that other owners (NumPy arrays) need no copy.
template <class T>
struct across_view {
    headphone_view<T> headphones;
    std::span<const std::int32_t> curve, eq;
    std::span<const index> table_first;
    std::span<const double> ln_hz, ln_ohm, phase_rad, re, le, fs, qms, qes;
    std::span<const double> boost_db, preamp_db;
    std::span<const double> grid_hz;
    std::span<const T> mode_load;  // empty: the headphones' r

    across_view(const across_columns<T>& c)  // NOLINT(google-explicit-constructor): a view of the whole catalog
        : headphones{c.headphones},
          curve{c.curve.data(), static_cast<std::size_t>(c.curve.size())},
          eq{c.eq.data(), static_cast<std::size_t>(c.eq.size())},
          table_first{c.curves.table_first.data(), static_cast<std::size_t>(c.curves.table_first.size())},
          ln_hz{span_of(c.curves.ln_hz)},
          ln_ohm{span_of(c.curves.ln_ohm)},
          phase_rad{span_of(c.curves.phase_rad)},
          re{span_of(c.curves.re)},
          le{span_of(c.curves.le)},
          fs{span_of(c.curves.fs)},
          qms{span_of(c.curves.qms)},
          qes{span_of(c.curves.qes)},
          boost_db{span_of(c.eqs.boost_db)},
          preamp_db{span_of(c.eqs.preamp_db)},
          grid_hz{span_of(c.grid_hz)},
          mode_load{c.mode_load.data(), static_cast<std::size_t>(c.mode_load.size())} {}
    across_view(headphone_view<T> h, std::span<const std::int32_t> curve_of, std::span<const std::int32_t> eq_of,
                std::span<const index> first, std::span<const double> ln_f, std::span<const double> ln_z,
                std::span<const double> phase, std::span<const double> d_re, std::span<const double> d_le,
                std::span<const double> d_fs, std::span<const double> d_qms, std::span<const double> d_qes,
                std::span<const double> boost, std::span<const double> preamp, std::span<const double> grid)
        : headphones{h}, curve{curve_of}, eq{eq_of}, table_first{first}, ln_hz{ln_f}, ln_ohm{ln_z}, phase_rad{phase},
          re{d_re}, le{d_le}, fs{d_fs}, qms{d_qms}, qes{d_qes}, boost_db{boost}, preamp_db{preamp}, grid_hz{grid} {}

    [[nodiscard]] index size() const noexcept { return headphones.size(); }
    [[nodiscard]] index frequencies() const noexcept { return static_cast<index>(grid_hz.size()); }
    [[nodiscard]] T mode_load_of(index i) const noexcept {
        return mode_load.empty() ? headphones.r[i] : mode_load[static_cast<std::size_t>(i)];
    }

private:
    static std::span<const double> span_of(const column<double>& c) noexcept {
        return {c.data(), static_cast<std::size_t>(c.size())};
    }
};

// Headphones per chunk: the sweep prepares the curves and candidates of this many headphones at a time and sums the
// headphones' means into the overall mean chunk by chunk, so a caller that splits a catalog (a cluster's parts) and
// wants the same bits cuts it at multiples of this.
inline constexpr index across_chunk_headphones = 16;

struct across_settings {
    unsigned threads = 0;                  // at most this many threads; 0: all hardware threads
    index top_k = 0;                       // best outputs to keep per headphone
    gain min_headroom = gain::of_db(0.0);  // the threshold of above_threshold()
    // false evaluates every frequency of every pair: the reference the pruned sweep equals, and its benchmark.
    bool prune = true;
    // No more threads than one per this many pairs (a pair costs more than in the single-load sweep).
    index min_pairs_per_thread = index{1} << 17;
    std::optional<simd_path> simd{};       // force a path (it must be supported); default: selected_simd_path()
    // When set, the pairs of each finished block of output stages are added here (relaxed), for a progress meter.
    std::atomic<index>* pairs_done = nullptr;
    // When set, read after each block of output stages: true stops the sweep, which then throws sweep_stopped
    // (sweep.hpp), as the single-load sweep does.
    const std::atomic<bool>* stop = nullptr;
};

// One of the best outputs for a headphone: its worst case across frequency.
struct best_across {
    index output;         // catalog index of the output stage
    gain headroom;        // the worst headroom over the grid, for the programme and the headphone's EQ
    double frequency_hz;  // Hz: where it falls (the lowest such frequency where several tie)
    limit binding;        // the limit that binds there
};

// The stored form of best_across, as best_records() hands out a headphone's list (plain numbers, for a caller
// that copies them on without the unit types).
struct across_best_record {
    std::int64_t output;  // catalog index of the output stage (-1: none; a list holds no more than its pairs)
    double headroom_db;
    double frequency_hz;
    limit binding;
};

namespace detail {

// What an across_result holds (the engine fills it; the accessors read it).
struct across_data {
    index outputs = 0, headphones = 0, frequencies = 0, top_k = 0;
    unsigned threads = 1;
    simd_path path = simd_path::baseline;
    bool pruned = true;
    double target_db = 0.0, crest_db = 0.0, threshold_db = 0.0;
    double min_db = 0.0, mean_db = 0.0, max_db = 0.0;
    std::array<std::int64_t, limit_count> counts{};
    std::int64_t above = 0;
    std::int64_t evaluated = 0;  // pair-frequencies evaluated
    std::int64_t pairs = 0;      // outputs x headphones, less the load-sensed modes a load does not select
    buffer<double> min_db_i, mean_db_i, max_db_i;
    buffer<std::int32_t> counts_i;  // [limit][headphone]
    buffer<std::int32_t> above_i;
    buffer<across_best_record> best;  // [headphone][top_k]
    std::size_t working_bytes = 0;
};

struct across_access;

}  // namespace detail

// What a sweep across frequency found. Every figure is of the pairs' worst cases: for each output stage and
// headphone, the smallest headroom over the grid (with the headphone's EQ), its frequency and binding limit.
class across_result {
public:
    [[nodiscard]] index outputs() const noexcept { return d_.outputs; }
    [[nodiscard]] index headphones() const noexcept { return d_.headphones; }
    [[nodiscard]] index frequencies() const noexcept { return d_.frequencies; }
    // Every output stage with every headphone, but a load-sensed mode (columns.hpp) only with the headphones whose
    // load selects it.
    [[nodiscard]] std::int64_t pairs() const noexcept { return d_.pairs; }
    // Pairs times frequencies: the evaluations a sweep without pruning makes (the rates are counted in these).
    [[nodiscard]] double pair_frequencies() const noexcept { return static_cast<double>(d_.pairs) * static_cast<double>(d_.frequencies); }
    // The pair-frequencies this sweep evaluated (fewer than pair_frequencies() when pruned).
    [[nodiscard]] std::int64_t evaluated() const noexcept { return d_.evaluated; }
    [[nodiscard]] bool pruned() const noexcept { return d_.pruned; }
    [[nodiscard]] spl target() const noexcept { return spl::of_db(d_.target_db); }
    [[nodiscard]] gain crest_factor() const noexcept { return gain::of_db(d_.crest_db); }
    [[nodiscard]] gain threshold() const noexcept { return gain::of_db(d_.threshold_db); }
    [[nodiscard]] index top_k() const noexcept { return d_.top_k; }
    [[nodiscard]] simd_path path() const noexcept { return d_.path; }
    [[nodiscard]] unsigned threads() const noexcept { return d_.threads; }

    // Over all pairs.
    [[nodiscard]] gain min_headroom() const noexcept { return gain::of_db(d_.min_db); }
    [[nodiscard]] gain mean_headroom() const noexcept { return gain::of_db(d_.mean_db); }
    [[nodiscard]] gain max_headroom() const noexcept { return gain::of_db(d_.max_db); }
    [[nodiscard]] std::int64_t count(limit l) const noexcept { return d_.counts[static_cast<std::size_t>(l)]; }
    [[nodiscard]] std::int64_t above_threshold() const noexcept { return d_.above; }

    // Per headphone i (0 <= i < headphones()).
    [[nodiscard]] gain min_headroom(index i) const noexcept { return gain::of_db(d_.min_db_i[at(i)]); }
    [[nodiscard]] gain mean_headroom(index i) const noexcept { return gain::of_db(d_.mean_db_i[at(i)]); }
    [[nodiscard]] gain max_headroom(index i) const noexcept { return gain::of_db(d_.max_db_i[at(i)]); }
    [[nodiscard]] std::int64_t count(index i, limit l) const noexcept {
        return d_.counts_i[static_cast<std::size_t>(l) * static_cast<std::size_t>(d_.headphones) + at(i)];
    }
    [[nodiscard]] std::int64_t above_threshold(index i) const noexcept { return d_.above_i[at(i)]; }
    // The top_k() best outputs (fewer when the catalog has fewer), best first: larger worst headroom, then the lower
    // catalog index.
    [[nodiscard]] std::span<const across_best_record> best_records(index i) const noexcept {
        const across_best_record* first = d_.best.data() + at(i) * static_cast<std::size_t>(d_.top_k);
        auto listed = static_cast<std::size_t>(std::min(d_.top_k, d_.outputs));
        while (listed > 0 && first[listed - 1].output < 0) --listed;  // a load that selects no mode meets fewer outputs
        return {first, listed};
    }
    [[nodiscard]] best_across best(index i, std::size_t q) const noexcept {
        const auto& e = best_records(i)[q];
        return {static_cast<index>(e.output), gain::of_db(e.headroom_db), e.frequency_hz, e.binding};
    }

    [[nodiscard]] std::size_t memory_bytes() const noexcept;
    [[nodiscard]] std::size_t working_bytes() const noexcept { return d_.working_bytes; }

private:
    friend struct detail::across_access;
    [[nodiscard]] static std::size_t at(index i) noexcept { return static_cast<std::size_t>(i); }

    detail::across_data d_;
};

// A tile of pairs for a row sink: every listed output stage against headphones [first_headphone, first_headphone +
// headphones); pair (q, i) at [q * stride + i]. Its worst headroom over the grid (dB), the grid index where it
// falls (frequency_hz[that]), and the limit binding there.
template <class T>
struct across_rows {
    std::span<const index> outputs;  // catalog indices, in the tile's order
    index first_headphone = 0;
    index headphones = 0;
    index stride = 0;
    const T* headroom_db = nullptr;
    const std::int32_t* frequency = nullptr;  // index into frequency_hz
    const limit* binding = nullptr;
    std::span<const double> frequency_hz;     // the grid
};

// Called from the sweep's threads, possibly several at once; tiles arrive in no particular order and together hold
// every pair once. An exception thrown by a sink ends the sweep and is rethrown.
template <class T>
using across_row_sink = std::function<void(const across_rows<T>&)>;

// Throws std::invalid_argument for columns no validated model objects give (as sweep() does, and a grid that is not
// positive and ascending, an index out of range, a phase beyond +-90 degrees), and what selected_simd_path() throws.
[[nodiscard]] across_result sweep_across(const output_view<float>& outputs, const across_view<float>& headphones, spl target,
                                         gain crest, const across_settings& settings = {}, const across_row_sink<float>& rows = {});
[[nodiscard]] across_result sweep_across(const output_view<double>& outputs, const across_view<double>& headphones, spl target,
                                         gain crest, const across_settings& settings = {}, const across_row_sink<double>& rows = {});

}  // namespace headroom::batch
