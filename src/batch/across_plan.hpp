#pragma once

// What the sweep across frequency (across.cpp) does before any pair: check the headphones' curves, presets and grid,
// and group the output stages into cells by their source resistances, each with the limits and rating tables its
// candidate test needs (docs/batch.md). Compiled for the baseline only, by the driver.

#include "headroom/batch/across.hpp"

#include "batch/across_api.hpp"
#include "batch/plan.hpp"
#include "headroom/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace headroom::batch::detail {

[[noreturn]] inline void across_fail(const std::string& what) { throw std::invalid_argument{"batch sweep across frequency: " + what}; }

// ---- Checks: what validated curves, presets and grids give (impedance_curve.hpp, eq.hpp, frequency_grid.hpp).

template <class T>
void check_across(const across_view<T>& h) {
    const auto n = static_cast<std::size_t>(h.size());
    const auto f_count = h.grid_hz.size();
    if (h.curve.size() != n || h.eq.size() != n) across_fail("the curve and EQ indices must have one entry per headphone");
    if (!h.mode_load.empty() && h.mode_load.size() != n) across_fail("mode_load must have one entry per headphone (or none)");
    for (const T r : h.mode_load)
        if (!(r >= static_cast<T>(ranges::min_impedance_ohm) && r <= static_cast<T>(ranges::max_impedance_ohm)))
            across_fail("mode_load must be a load within 0.01 to 1e6 ohm");
    if (f_count == 0) across_fail("the grid has no frequency");
    if (f_count > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) across_fail("the grid is too large");
    for (std::size_t f = 0; f < f_count; ++f)
        if (!(std::isfinite(h.grid_hz[f]) && h.grid_hz[f] > 0.0 && (f == 0 || h.grid_hz[f] > h.grid_hz[f - 1])))
            across_fail("the grid's frequencies must be positive, finite and ascending");
    const std::size_t curves = h.re.size();
    for (const auto* c : {&h.le, &h.fs, &h.qms, &h.qes})
        if (c->size() != curves) across_fail("the driver-model columns differ in length");
    if (h.table_first.size() != curves + 1) across_fail("table_first must have one entry per curve and one more");
    if (h.table_first[0] != 0 || static_cast<std::size_t>(h.table_first[curves]) != h.ln_hz.size())
        across_fail("table_first must run from 0 to the number of points");
    if (h.ln_ohm.size() != h.ln_hz.size() || h.phase_rad.size() != h.ln_hz.size()) across_fail("the curve point columns differ in length");
    for (std::size_t c = 0; c < curves; ++c) {
        const index first = h.table_first[c], last = h.table_first[c + 1];
        if (last < first) across_fail("table_first must not decrease");
        const std::string name = "curve " + std::to_string(c);
        if (last == first) {
            const bool ok = h.re[c] > 0.0 && h.re[c] <= ranges::max_impedance_ohm && h.le[c] >= 0.0 && h.le[c] <= 10.0 && h.fs[c] >= 1.0 &&
                            h.fs[c] <= 1e5 && h.qms[c] >= ranges::min_q && h.qms[c] <= ranges::max_q && h.qes[c] >= ranges::min_q &&
                            h.qes[c] <= ranges::max_q;
            if (!ok) across_fail(name + ": a driver model's parameters are out of range (impedance_curve.hpp)");
            continue;
        }
        for (index p = first; p < last; ++p) {
            const auto u = static_cast<std::size_t>(p);
            if (!std::isfinite(h.ln_hz[u]) || !std::isfinite(h.ln_ohm[u]) || !std::isfinite(h.phase_rad[u]))
                across_fail(name + ": a point is not finite");
            if (p > first && !(h.ln_hz[u] > h.ln_hz[u - 1])) across_fail(name + ": the frequencies must ascend");
            if (std::abs(h.phase_rad[u]) > std::numbers::pi / 2.0 * (1.0 + 1e-12)) across_fail(name + ": a phase is beyond 90 degrees");
            if (std::exp(h.ln_ohm[u]) > ranges::max_impedance_ohm) across_fail(name + ": a magnitude is above 1e6 ohm");
        }
    }
    const std::size_t presets = h.preamp_db.size();
    if (h.boost_db.size() != presets * f_count) across_fail("boost_db must hold one value per preset and grid frequency");
    for (const double x : h.boost_db)
        if (!(std::abs(x) <= 1000.0)) across_fail("an EQ boost is not finite (or beyond 1000 dB)");
    for (const double x : h.preamp_db)
        if (!(std::abs(x) <= 1000.0)) across_fail("an EQ preamp is not finite (or beyond 1000 dB)");
    for (std::size_t i = 0; i < n; ++i) {
        if (h.curve[i] < -1 || h.curve[i] >= static_cast<std::int64_t>(curves)) across_fail("headphone " + std::to_string(i) + ": no such curve");
        if (h.eq[i] < -1 || h.eq[i] >= static_cast<std::int64_t>(presets)) across_fail("headphone " + std::to_string(i) + ": no such EQ preset");
    }
}

// ---- Cells: output stages grouped by their output impedance, so that each cell's candidate frequencies are
// those of a narrow range of source resistances (docs/batch.md). Stages behind no resistance at all form a cell of
// their own (their dividers are exactly 1). Neighbouring ranges are merged until each cell holds enough stages to
// repay its candidate test (one per headphone and cell).

template <class T>
std::vector<int> cells_of(const output_view<T>& o) {
    const index m = o.size();
    std::vector<int> cell(static_cast<std::size_t>(m), 0);
    if (m == 0) return cell;
    // A factor of 4 per range of Z_out.
    const auto bucket = [&](index j) -> int {
        const double z = static_cast<double>(o.z_out[j]), r = static_cast<double>(o.r_clip[j]);
        if (z == 0.0 && r == 0.0) return 0;
        const double key = std::max(z, r);
        return 1 + std::clamp(static_cast<int>(std::floor(std::log2(key) / 2.0)) + 20, 0, 60);
    };
    std::vector<int> b(static_cast<std::size_t>(m));
    std::array<index, 64> size{};
    for (index j = 0; j < m; ++j) {
        b[static_cast<std::size_t>(j)] = bucket(j);
        ++size[static_cast<std::size_t>(b[static_cast<std::size_t>(j)])];
    }
    // Merge ranges (not the cell of zero resistance) into cells of at least a quarter of the stages or 256.
    const index enough = std::max<index>(std::min<index>(256, m), m / 4);
    std::array<int, 64> to_cell{};
    int next = size[0] > 0 ? 1 : 0;
    index filled = 0;
    for (std::size_t k = 1; k < size.size(); ++k) {
        to_cell[k] = next;
        filled += size[k];
        if (filled >= enough) {
            ++next;
            filled = 0;
        }
    }
    // A small remainder joins the cell before it.
    if (filled > 0 && filled < enough && next > (size[0] > 0 ? 1 : 0))
        for (std::size_t k = 1; k < size.size(); ++k)
            if (to_cell[k] == next) to_cell[k] = next - 1;
    for (index j = 0; j < m; ++j) cell[static_cast<std::size_t>(j)] = to_cell[static_cast<std::size_t>(b[static_cast<std::size_t>(j)])];
    return cell;
}

// A cell holding more distinct rating tables than this is evaluated at every frequency (the candidate test costs a
// pass over the grid per table and headphone).
inline constexpr std::size_t most_tables_per_cell = 32;

template <class T>
struct across_plan {
    output_plan<T> outputs;
    std::vector<cell_summary> cells;
    std::vector<std::int32_t> cell_tables;          // the distinct tables of each cell, end to end
    std::vector<limits::rating_table_view<T>> tables;  // distinct tables

    across_plan(const output_view<T>& o, T peak_scale) : outputs{o, peak_scale, cells_of(o)} {
        const std::size_t cell_count = outputs.cell_group_end.size();
        cells.resize(cell_count);
        std::vector<std::vector<std::int32_t>> ids(cell_count);
        std::map<std::pair<std::vector<T>, std::vector<T>>, std::int32_t> known;
        for (std::size_t c = 0; c < cell_count; ++c) {
            cell_summary& s = cells[c];
            for (index pos = outputs.cell_first[c]; pos < outputs.cell_first[c + 1]; ++pos) {
                const auto u = static_cast<std::size_t>(pos);
                const limits::stage_terms<T>& t = outputs.sine[u];
                const auto finite = [](T x) { return x != limits::unbounded<T>; };
                s.current = s.current || finite(t.i_max);
                s.root = s.root || finite(t.sqrt_p_clip) || finite(t.sqrt_p_thermal);
                const auto widen = [](bool& zero, double& lo, double& hi, double r) {
                    if (r == 0.0) {
                        zero = true;
                    } else {
                        lo = lo <= hi ? std::min(lo, r) : r;
                        hi = std::max(hi, r);
                    }
                };
                if (finite(t.v_clip)) widen(s.voltage_zero, s.voltage_lo, s.voltage_hi, static_cast<double>(t.r_clip));
                if (finite(t.v_gain)) widen(s.gain_zero, s.gain_lo, s.gain_hi, static_cast<double>(t.z_out));
                const limits::rating_table_view<T>& table = outputs.table[u];
                if (table.size == 0) continue;
                std::pair<std::vector<T>, std::vector<T>> key{{table.ln_r, table.ln_r + table.size}, {table.ln_v, table.ln_v + table.size}};
                auto [it, added] = known.try_emplace(std::move(key), static_cast<std::int32_t>(tables.size()));
                if (added) tables.push_back(table);
                if (std::find(ids[c].begin(), ids[c].end(), it->second) == ids[c].end()) ids[c].push_back(it->second);
            }
            s.dense = ids[c].size() > most_tables_per_cell;
        }
        for (const auto& list : ids) cell_tables.insert(cell_tables.end(), list.begin(), list.end());
        std::size_t at = 0;
        for (std::size_t c = 0; c < cell_count; ++c) {
            cells[c].tables = cell_tables.data() + at;
            cells[c].table_count = cells[c].dense ? 0 : static_cast<std::int32_t>(ids[c].size());
            at += ids[c].size();
        }
    }
};

}  // namespace headroom::batch::detail
