#pragma once

// Typed headphones, their impedance curves and EQ presets as the columns of the sweep across frequency
// (batch/across.hpp): the one place they become plain SI numbers, as pack.hpp is for the single-load sweep. A curve
// goes in as the model holds it (a measured table or a driver model; the engine evaluates it on the grid with the
// same formulas), a preset as its boost on the grid (eq_gain_at, the function `pair` uses) and its preamp.

#include "headroom/batch/across.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/headphone.hpp"
#include "headroom/impedance_curve.hpp"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace headroom::batch {

// preset_of: per headphone the index of its preset in `presets`, or -1; empty: no EQ for any.
template <class T = double>
[[nodiscard]] across_columns<T> pack_across(std::span<const headphone> headphones, const frequency_grid& grid = audio_band_grid(),
                                            std::span<const parametric_eq> presets = {},
                                            std::span<const std::int32_t> preset_of = {}) {
    const auto n = static_cast<index>(headphones.size());
    if (!preset_of.empty() && preset_of.size() != headphones.size())
        throw std::invalid_argument{"pack_across: preset_of must have one entry per headphone (or none)"};
    across_columns<T> c;
    c.headphones = headphone_columns<T>{column<T>(n), column<T>(n)};
    c.curve.resize(n);
    c.eq.resize(n);
    c.mode_load.resize(n);
    std::vector<index> first{0};
    std::vector<double> ln_hz, ln_ohm, phase, re, le, fs, qms, qes;
    for (index k = 0; k < n; ++k) {
        const headphone& h = headphones[static_cast<std::size_t>(k)];
        // Across frequency the load is the curve; without one, |Z| as stated (response.hpp, pair).
        c.headphones.r[k] = static_cast<T>(value_in(h.nominal_impedance(), ohm));
        c.mode_load[k] = static_cast<T>(value_in(limit_load(h), ohm));
        c.headphones.s_v[k] = static_cast<T>(h.sensitivity_per_volt().db());
        const std::int32_t e = preset_of.empty() ? -1 : preset_of[static_cast<std::size_t>(k)];
        if (e < -1 || e >= static_cast<std::int64_t>(presets.size())) throw std::invalid_argument{"pack_across: no such preset"};
        c.eq[k] = e;
        const impedance_curve* curve = h.curve();
        if (curve == nullptr) {
            c.curve[k] = -1;
            continue;
        }
        c.curve[k] = static_cast<std::int32_t>(re.size());
        if (const driver_model* d = curve->model()) {
            re.push_back(value_in(d->re(), ohm));
            le.push_back(d->le().value());
            fs.push_back(value_in(d->fs(), hertz));
            qms.push_back(d->qms());
            qes.push_back(d->qes());
        } else {
            const auto p = curve->log_table();
            ln_hz.insert(ln_hz.end(), p.ln_hz.begin(), p.ln_hz.end());
            ln_ohm.insert(ln_ohm.end(), p.ln_ohm.begin(), p.ln_ohm.end());
            phase.insert(phase.end(), p.phase_rad.begin(), p.phase_rad.end());
            for (auto* v : {&re, &le, &fs, &qms, &qes}) v->push_back(0.0);
        }
        first.push_back(static_cast<index>(ln_hz.size()));
    }
    const auto to_column = [](const std::vector<double>& v) {
        column<double> col(static_cast<index>(v.size()));
        for (std::size_t k = 0; k < v.size(); ++k) col[static_cast<index>(k)] = v[k];
        return col;
    };
    c.curves.table_first.resize(static_cast<index>(first.size()));
    for (std::size_t k = 0; k < first.size(); ++k) c.curves.table_first[static_cast<index>(k)] = first[k];
    c.curves.ln_hz = to_column(ln_hz);
    c.curves.ln_ohm = to_column(ln_ohm);
    c.curves.phase_rad = to_column(phase);
    c.curves.re = to_column(re);
    c.curves.le = to_column(le);
    c.curves.fs = to_column(fs);
    c.curves.qms = to_column(qms);
    c.curves.qes = to_column(qes);
    const index f_count = grid.size();
    c.grid_hz = grid.hz;
    c.eqs.preamp_db.resize(static_cast<index>(presets.size()));
    c.eqs.boost_db.resize(static_cast<index>(presets.size()) * f_count);
    for (std::size_t e = 0; e < presets.size(); ++e) {
        c.eqs.preamp_db[static_cast<index>(e)] = presets[e].preamp().db();
        for (index f = 0; f < f_count; ++f) c.eqs.boost_db[static_cast<index>(e) * f_count + f] = eq_gain_at(presets[e], grid.at(f)).db();
    }
    return c;
}

}  // namespace headroom::batch
