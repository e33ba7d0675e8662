#pragma once

// What both batch sweeps (engine.cpp, across.cpp) do with the output stages before any pair: check that the
// columns are what validated model objects give, and put the stages in the order of their loops (kernel_api.hpp,
// prepared_outputs). Compiled for the baseline only, by the drivers.

#include "headroom/batch/columns.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/output_stage.hpp"

#include "batch/kernel_api.hpp"
#include "headroom/error.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace headroom::batch::detail {

// ---- Sizes: what a caller asks of a sweep is checked before anything is allocated, so that an absurd request gets
// a sentence instead of a wrapped allocation or std::bad_alloc. Returns top_k, at most m (a headphone has no more
// outputs to list). `kept_bytes`: per headphone and kept output, what the result and the running lists hold.
inline index checked_sizes(const char* entity, index top_k, unsigned threads, gain min_headroom, index m, index n,
                           std::size_t kept_bytes) {
    if (top_k < 0) throw spec_error{entity, "top_k", "must not be negative"};
    if (threads > 1024) throw spec_error{entity, "threads", "must be at most 1024 (0: every core)"};
    if (!(std::abs(min_headroom.db()) <= 200.0)) throw spec_error{entity, "min_headroom", "must lie within -200 to 200 dB"};
    const index k = std::min(top_k, m);
    const double bytes = static_cast<double>(n) * static_cast<double>(k) * static_cast<double>(kept_bytes);
    const double memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    if (memory > 0 && bytes > memory) {
        char text[160];
        std::snprintf(text, sizeof text, "keeps %lld best outputs for each of %lld headphones: %.3g GB, more than this machine's %.3g GB",
                      static_cast<long long>(k), static_cast<long long>(n), bytes / 1e9, memory / 1e9);
        throw spec_error{entity, "top_k", text};
    }
    return k;
}

// ---- The start of both sweeps: the instruction set that runs (forced, or the one selected for this processor),
// supported here, and an output count that the binding counts' 32-bit integers hold. `sweep` names the sweep in
// the message. Defined in engine.cpp, beside the instruction sets.
[[nodiscard]] simd_path checked_start(std::optional<simd_path> forced, index outputs, const std::string& sweep);

// ---- Checks: the columns must be what validated model objects give, within the model's own ranges (error.hpp),
// so that a sweep of columns answers no question the model would refuse. Every caller (the command line's packed
// catalog, the Python module's NumPy columns) is checked here, once.

// A column's range in SI, +inf allowed where an absent limit is +inf.
struct column_range {
    const char* name;
    double lo, hi;
    bool absent_is_inf;
};

// sqrt of a power; the gain-limited voltage is a source level through +-60 dB; sqrt(P R) of a rating.
inline const std::array<column_range, 7> output_ranges{{
    {"v_clip", ranges::min_voltage_v, ranges::max_voltage_v, true},
    {"r_clip", 0.0, ranges::max_impedance_ohm, false},
    {"i_max", ranges::min_current_a, ranges::max_current_a, true},
    {"sqrt_p_clip", 3.1622776601683794e-5, 100.0, true},  // sqrt(1e-9 W), sqrt(1e4 W)
    {"sqrt_p_thermal", 3.1622776601683794e-5, 100.0, true},
    {"v_gain", ranges::min_voltage_v * 1e-3, ranges::max_voltage_v * 1e3, true},
    {"z_out", 0.0, ranges::max_impedance_ohm, false},
}};

template <class T>
void check_columns(const output_view<T>& o, const headphone_view<T>& h) {
    const index m = o.size();
    const auto fail = [](const char* entity, const std::string& column, index at, const std::string& problem) {
        throw column_error{entity, column, at, problem};
    };
    const std::array<const column_view<T>*, 7> columns{&o.v_clip, &o.r_clip, &o.i_max, &o.sqrt_p_clip, &o.sqrt_p_thermal, &o.v_gain, &o.z_out};
    for (std::size_t c = 1; c < columns.size(); ++c)
        if (columns[c]->size() != m) fail("outputs", output_ranges[c].name, -1, "differs in length from v_clip");
    if (h.s_v.size() != h.r.size()) fail("headphones", "s_v", -1, "differs in length from r");
    const auto bound = [](double x) {  // "1e-06", as people read a range's bounds
        char text[32];
        std::snprintf(text, sizeof text, "%g", x);
        return std::string{text};
    };
    // The bounds in T: a value the model takes, rounded to float, stays within them.
    const auto within = [](double x, const column_range& r) {
        return (r.absent_is_inf && x == std::numeric_limits<double>::infinity()) ||
               (x >= static_cast<double>(static_cast<T>(r.lo)) && x <= static_cast<double>(static_cast<T>(r.hi)));
    };
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const column_range& r = output_ranges[c];
        for (index j = 0; j < m; ++j)
            if (!within(static_cast<double>((*columns[c])[j]), r))
                fail("outputs", r.name, j,
                     "must lie within " + bound(r.lo) + " to " + bound(r.hi) + (r.absent_is_inf ? " (an absent limit is +inf)" : ""));
    }
    const auto in_t = [](double x) { return static_cast<double>(static_cast<T>(x)); };
    const double ln_r_lo = in_t(std::log(ranges::min_impedance_ohm)), ln_r_hi = in_t(std::log(ranges::max_impedance_ohm));
    const double ln_v_lo = in_t(0.5 * std::log(ranges::min_power_w * ranges::min_impedance_ohm));
    const double ln_v_hi = in_t(0.5 * std::log(ranges::max_power_w * ranges::max_impedance_ohm));
    for (index j = 0; j < m; ++j) {
        const limits::stage_terms<T> t = o.terms(j);
        const limits::rating_table_view<T> table = o.table(j);
        const bool limited = std::isfinite(t.v_clip) || std::isfinite(t.i_max) || std::isfinite(t.sqrt_p_clip) ||
                             std::isfinite(t.sqrt_p_thermal) || std::isfinite(t.v_gain) || table.size > 0;
        if (!limited) fail("outputs", "v_clip", j, "output stage " + std::to_string(j) + " has no limit: every limit column is +inf and it has no rating table");
        if (t.r_clip < t.z_out) fail("outputs", "r_clip", j, "must not be below z_out (the resistance behind the clipping voltage includes Z_out)");
        if (table.size > rating_table::max_points) fail("outputs", "table_first", j, "a table holds at most 32 points");
        for (std::size_t p = 0; p < table.size; ++p) {
            const auto at = static_cast<index>(table.ln_r - o.table_ln_r) + static_cast<index>(p);
            if (!(table.ln_r[p] >= ln_r_lo && table.ln_r[p] <= ln_r_hi)) fail("outputs", "table_ln_r", at, "must be the log of a load within 0.01 to 1e6 ohm");
            if (!(table.ln_v[p] >= ln_v_lo && table.ln_v[p] <= ln_v_hi)) fail("outputs", "table_ln_v", at, "must be the log of a rating's voltage sqrt(P R) within the model's ranges");
            if (p > 0 && !(table.ln_r[p] > table.ln_r[p - 1])) fail("outputs", "table_ln_r", at, "must ascend within each table");
        }
    }
    if (o.has_load_modes())
        for (index j = 0; j < m; ++j) {
            const double lo = static_cast<double>(o.load_min[j]), hi = static_cast<double>(o.load_max[j]);
            if (!(lo >= 0.0 && lo <= ranges::max_impedance_ohm)) fail("outputs", "load_min", j, "must be a load within 0 to 1e6 ohm (0: no lower bound)");
            if (!(hi > lo)) fail("outputs", "load_max", j, "must lie above load_min (+inf: no upper bound)");
        }
    // First whether any headphone is wrong (a loop that vectorises), then which.
    const T* r = h.r.data();
    const T* s_v = h.s_v.data();
    const auto load_ok = [](T x) { return x >= static_cast<T>(ranges::min_impedance_ohm) && x <= static_cast<T>(ranges::max_impedance_ohm); };  // in T
    const auto level_ok = [](T x) { return x >= T(0) && x <= T(250); };  // the headphone constructor's S_V range
    bool all_ok = true;
    for (index i = 0; i < h.size(); ++i) all_ok &= load_ok(r[i]) & level_ok(s_v[i]);
    if (all_ok) return;
    for (index i = 0; i < h.size(); ++i) {
        if (!load_ok(r[i])) fail("headphones", "r", i, "must be a load within 0.01 to 1e6 ohm");
        if (!level_ok(s_v[i])) fail("headphones", "s_v", i, "must be a sensitivity within 0 to 250 dB SPL/V");
    }
}

// ---- The output stages in the order of their loops (kernel_api.hpp, prepared_outputs).

template <class T>
struct output_plan {
    std::vector<limits::stage_terms<T>> programme, sine;
    std::vector<limits::rating_table_view<T>> table;
    std::vector<T> padded_ln_r, padded_ln_v;  // the tables of at most 8 points, padded (kernel_api.hpp)
    std::vector<index> original;  // catalog index of each position
    std::vector<index> position;  // position of each catalog index
    std::array<index, group_count> group_end{};  // of the first cell (the whole catalog when there are no cells)
    // Cells: an optional first key of the order, for the sweep across frequency (its outputs are grouped by their
    // source resistances). Cell c holds positions [cell_first[c], cell_first[c + 1]), its groups end at
    // cell_group_end[c].
    std::vector<index> cell_first;
    std::vector<std::array<index, group_count>> cell_group_end;
    bool tables = false;

    // cell: one number per output stage in catalog order (0, 1, ...; a cell may be empty), or empty for one cell.
    output_plan(const output_view<T>& o, T peak_scale, std::span<const int> cell = {}) {
        const auto m = static_cast<std::size_t>(o.size());
        // Within a group, the strongest outputs first (by their sine voltage into 32 and 300 ohm, sorted as one key
        // with the group): the lists of the best fill with good outputs early, and later outputs rarely enter them.
        // The order only changes the last bits of the mean, and depends on the output catalog alone.
        constexpr std::array<double, 2> loads{32.0, 300.0};
        const std::array<T, 2> r{static_cast<T>(loads[0]), static_cast<T>(loads[1])};
        const std::array<T, 2> sqrt_r{static_cast<T>(std::sqrt(loads[0])), static_cast<T>(std::sqrt(loads[1]))};
        const std::array<T, 2> ln_r{static_cast<T>(std::log(loads[0])), static_cast<T>(std::log(loads[1]))};
        struct key {
            int cell;
            int group;
            double strength;
            index j;
        };
        std::vector<key> keys(m);
        sine.resize(m);
        table.resize(m);
        for (std::size_t u = 0; u < m; ++u) {
            const auto j = static_cast<index>(u);
            sine[u] = o.terms(j);
            table[u] = o.table(j);
            int group = rated_group;
            if (table[u].size > 0) {
                const auto fits = std::find_if(table_capacities.begin(), table_capacities.end() - 1,
                                               [&](std::size_t capacity) { return table[u].size <= capacity; });
                group = rated_group + static_cast<int>(fits - table_capacities.begin());
            } else {
                const unsigned absent = limits::absent_limits(sine[u]) & (thermal_bit | gain_bit);
                const auto skip = std::find(skipped_limits.begin(), skipped_limits.end(), absent) - skipped_limits.begin();
                group = (sine[u].r_clip == sine[u].z_out ? 0 : 4) + static_cast<int>(skip);
            }
            double strength = 1.0;
            for (std::size_t k = 0; k < loads.size(); ++k) {
                const auto rated = limits::rating_voltages_at(table[u], ln_r[k]);
                strength *= static_cast<double>(limits::binding_of(limits::load_voltages(sine[u], r[k], sqrt_r[k], rated)).voltage);
            }
            keys[u] = {cell.empty() ? 0 : cell[u], group, strength, j};
        }
        std::sort(keys.begin(), keys.end(), [](const key& a, const key& b) {
            if (a.cell != b.cell) return a.cell < b.cell;
            if (a.group != b.group) return a.group < b.group;
            if (a.strength != b.strength) return a.strength > b.strength;
            return a.j < b.j;
        });
        original.resize(m);
        position.resize(m);
        programme.resize(m);
        std::vector<limits::stage_terms<T>> sine_sorted(m);
        std::vector<limits::rating_table_view<T>> table_sorted(m);
        for (std::size_t pos = 0; pos < m; ++pos) {
            const auto j = static_cast<std::size_t>(keys[pos].j);
            original[pos] = keys[pos].j;
            position[j] = static_cast<index>(pos);
            sine_sorted[pos] = sine[j];
            programme[pos] = sine[j].for_programme(peak_scale);
            table_sorted[pos] = table[j];
        }
        sine = std::move(sine_sorted);
        table = std::move(table_sorted);
        // Tables of the padded groups, copied into arrays of the group's capacity: past the last point, loads of
        // +inf and its rating (limit.hpp, rating_voltages_at).
        std::size_t padded_entries = 0;
        for (std::size_t pos = 0; pos < m; ++pos)
            if (table[pos].size > 0 && keys[pos].group < rated_group + 3) padded_entries += capacity_of_group(keys[pos].group);
        padded_ln_r.resize(padded_entries);
        padded_ln_v.resize(padded_entries);
        std::size_t at = 0;
        for (std::size_t pos = 0; pos < m; ++pos) {
            if (table[pos].size == 0 || keys[pos].group >= rated_group + 3) continue;
            const std::size_t capacity = capacity_of_group(keys[pos].group);
            for (std::size_t p = 0; p < capacity; ++p) {
                const bool stated = p < table[pos].size;
                padded_ln_r[at + p] = stated ? table[pos].ln_r[p] : std::numeric_limits<T>::infinity();
                padded_ln_v[at + p] = table[pos].ln_v[stated ? p : table[pos].size - 1];
            }
            table[pos] = {padded_ln_r.data() + at, padded_ln_v.data() + at, table[pos].size};
            at += capacity;
        }
        const int cells = cell.empty() ? 1 : *std::max_element(cell.begin(), cell.end()) + 1;
        cell_first.assign(static_cast<std::size_t>(cells) + 1, 0);
        cell_group_end.assign(static_cast<std::size_t>(cells), {});
        for (int c = 0; c < cells; ++c) {
            const auto first = std::partition_point(keys.begin(), keys.end(), [c](const key& k) { return k.cell < c; });
            const auto last = std::partition_point(first, keys.end(), [c](const key& k) { return k.cell <= c; });
            cell_first[static_cast<std::size_t>(c)] = first - keys.begin();
            cell_first[static_cast<std::size_t>(c) + 1] = last - keys.begin();
            for (int g = 0; g < group_count; ++g)
                cell_group_end[static_cast<std::size_t>(c)][static_cast<std::size_t>(g)] =
                    std::partition_point(first, last, [g](const key& k) { return k.group <= g; }) - keys.begin();
        }
        group_end = cell_group_end.front();
        tables = false;
        for (std::size_t pos = 0; pos < m; ++pos) tables = tables || table[pos].size > 0;
    }

    [[nodiscard]] prepared_outputs<T> view() const noexcept {
        return {programme.data(), sine.data(), table.data(), original.data(), group_end, static_cast<index>(original.size())};
    }
    [[nodiscard]] std::size_t bytes() const noexcept {
        return (programme.capacity() + sine.capacity()) * sizeof(limits::stage_terms<T>) +
               table.capacity() * sizeof(limits::rating_table_view<T>) + (padded_ln_r.capacity() + padded_ln_v.capacity()) * sizeof(T) +
               (original.capacity() + position.capacity()) * sizeof(index);
    }
};

// ---- The figures over all pairs, from summaries of chunks of headphones summed in the chunks' order (so that any
// number of threads gives the same bits). Headphones that meet no output stage are in no summary.
struct chunk_summary {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity(), mean = 0.0;
    std::int64_t above = 0, headphones = 0, pairs = 0;
    std::array<std::int64_t, limit_count> counts{};
};

// Sets a result's overall figures (both sweeps' result data name them alike); the mean where `mean`.
template <class Data>
void set_overall(Data& r, std::span<const chunk_summary> chunks, bool mean) {
    chunk_summary all{};
    for (const chunk_summary& c : chunks) {
        all.lo = std::min(all.lo, c.lo);
        all.hi = std::max(all.hi, c.hi);
        all.mean += c.mean;
        all.above += c.above;
        all.headphones += c.headphones;
        all.pairs += c.pairs;
        for (std::size_t l = 0; l < limit_count; ++l) all.counts[l] += c.counts[l];
    }
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const bool some = all.headphones > 0;
    r.min_db = some ? all.lo : nan;
    r.max_db = some ? all.hi : nan;
    r.mean_db = mean && some ? all.mean / static_cast<double>(all.headphones) : nan;
    r.pairs = all.pairs;
    r.above = all.above;
    r.counts = all.counts;
}

// ---- Load-sensed modes (columns.hpp): the loops take the stages that pair with every headphone; the modes, a few
// stages of a few devices, are taken per headphone by the drivers after the loops, through the same functions.

// Stages js of o, in that order, as columns of their own (without load bands).
template <class T>
[[nodiscard]] output_columns<T> gather(const output_view<T>& o, std::span<const index> js) {
    const auto n = static_cast<index>(js.size());
    output_columns<T> c;
    for (auto* col : {&c.v_clip, &c.r_clip, &c.i_max, &c.sqrt_p_clip, &c.sqrt_p_thermal, &c.v_gain, &c.z_out}) col->resize(n);
    c.table_first.resize(n + 1);
    index points = 0;
    for (const index j : js) points += o.table_first[j + 1] - o.table_first[j];
    c.table_ln_r.resize(points);
    c.table_ln_v.resize(points);
    index at = 0;
    for (index k = 0; k < n; ++k) {
        const index j = js[static_cast<std::size_t>(k)];
        c.v_clip[k] = o.v_clip[j];
        c.r_clip[k] = o.r_clip[j];
        c.i_max[k] = o.i_max[j];
        c.sqrt_p_clip[k] = o.sqrt_p_clip[j];
        c.sqrt_p_thermal[k] = o.sqrt_p_thermal[j];
        c.v_gain[k] = o.v_gain[j];
        c.z_out[k] = o.z_out[j];
        c.table_first[k] = at;
        for (index p = o.table_first[j]; p < o.table_first[j + 1]; ++p, ++at) {
            c.table_ln_r[at] = o.table_ln_r[p];
            c.table_ln_v[at] = o.table_ln_v[p];
        }
    }
    c.table_first[n] = at;
    return c;
}

// The stages of a sweep split into those every headphone pairs with and the load-sensed modes. Without modes
// nothing is copied: the loops take the caller's columns.
template <class T>
struct mode_split {
    std::vector<index> always, modes;  // catalog indices
    output_columns<T> always_columns, mode_columns;
    std::vector<T> mode_min, mode_max;  // the loads of each mode (ohm), in the order of `modes`

    explicit mode_split(const output_view<T>& o) {
        for (index j = 0; j < o.size(); ++j) (o.is_load_mode(j) ? modes : always).push_back(j);
        if (modes.empty()) return;
        always_columns = gather(o, always);
        mode_columns = gather(o, modes);
        for (const index j : modes) {
            mode_min.push_back(o.load_min[j]);
            mode_max.push_back(o.load_max[j]);
        }
    }
    [[nodiscard]] bool any() const noexcept { return !modes.empty(); }
    // The loads a mode is selected for: from lo (inclusive) to hi (exclusive), in ohm.
    struct band {
        T lo, hi;
        [[nodiscard]] bool holds(T r) const noexcept { return r >= lo && r < hi; }
    };
    // The band of mode j (a catalog index).
    [[nodiscard]] band band_of(index j) const noexcept {
        const auto k = static_cast<std::size_t>(std::lower_bound(modes.begin(), modes.end(), j) - modes.begin());
        return {mode_min[k], mode_max[k]};
    }
    // The stages the loops take.
    [[nodiscard]] output_view<T> looped(const output_view<T>& o) const { return any() ? output_view<T>{always_columns} : o; }
    // A plan of the looped stages (or of the modes) names them by their position in those columns: these map them
    // back to the catalog's indices.
    void to_catalog(std::vector<index>& local, const std::vector<index>& catalog) const {
        for (index& j : local) j = catalog[static_cast<std::size_t>(j)];
    }
    [[nodiscard]] std::size_t bytes() const noexcept {
        const auto cols = [](const output_columns<T>& c) {
            return static_cast<std::size_t>(c.size()) * 7 * sizeof(T) + static_cast<std::size_t>(c.table_first.size()) * sizeof(index) +
                   static_cast<std::size_t>(c.table_ln_r.size() + c.table_ln_v.size()) * sizeof(T);
        };
        return (always.capacity() + modes.capacity()) * sizeof(index) + cols(always_columns) + cols(mode_columns) +
               (mode_min.capacity() + mode_max.capacity()) * sizeof(T);
    }
};

}  // namespace headroom::batch::detail
