#pragma once

// The one place where typed model objects become plain SI numbers for the batch core. Everything the kernels
// see is the model's own terms (output_stage::terms(), its rating table, sensitivity_per_volt), so a packed
// column holds exactly the double the scalar model uses; float columns round it once.

#include "headroom/analysis.hpp"
#include "headroom/batch/columns.hpp"
#include "headroom/headphone.hpp"
#include "headroom/output_stage.hpp"

#include <algorithm>
#include <limits>
#include <span>
#include <stdexcept>

namespace headroom::batch {

template <class T = double>
[[nodiscard]] output_columns<T> pack(std::span<const output_stage> outputs) {
    const auto n = static_cast<index>(outputs.size());
    output_columns<T> c;
    for (auto* col : {&c.v_clip, &c.r_clip, &c.i_max, &c.sqrt_p_clip, &c.sqrt_p_thermal, &c.v_gain, &c.z_out}) col->resize(n);
    c.table_first.resize(n + 1);
    index points = 0;
    for (const auto& o : outputs) points += static_cast<index>(o.rating_view().size);
    c.table_ln_r.resize(points);
    c.table_ln_v.resize(points);
    index at = 0;
    for (index k = 0; k < n; ++k) {
        const output_stage& o = outputs[static_cast<std::size_t>(k)];
        const auto& t = o.terms();
        c.v_clip[k] = static_cast<T>(t.v_clip);
        c.r_clip[k] = static_cast<T>(t.r_clip);
        c.i_max[k] = static_cast<T>(t.i_max);
        c.sqrt_p_clip[k] = static_cast<T>(t.sqrt_p_clip);
        c.sqrt_p_thermal[k] = static_cast<T>(t.sqrt_p_thermal);
        c.v_gain[k] = static_cast<T>(t.v_gain);
        c.z_out[k] = static_cast<T>(t.z_out);
        c.table_first[k] = at;
        const auto table = o.rating_view();
        for (std::size_t p = 0; p < table.size; ++p, ++at) {
            c.table_ln_r[at] = static_cast<T>(table.ln_r[p]);
            c.table_ln_v[at] = static_cast<T>(table.ln_v[p]);
        }
    }
    c.table_first[n] = at;
    return c;
}

// The loads an output stage answers for (columns.hpp): a load-sensed mode's (catalog.hpp, output_setting), or
// every load.
struct load_band {
    double min_ohm = 0.0;
    double max_ohm = std::numeric_limits<double>::infinity();
};

// Stages with the loads each answers for (one band per stage): the columns of a catalog that has load-sensed modes.
template <class T = double>
[[nodiscard]] output_columns<T> pack(std::span<const output_stage> outputs, std::span<const load_band> loads) {
    if (loads.size() != outputs.size()) throw std::invalid_argument{"pack: one load band per output stage"};
    output_columns<T> c = pack<T>(outputs);
    const bool modes = std::any_of(loads.begin(), loads.end(), [](const load_band& b) {
        return b.min_ohm > 0.0 || b.max_ohm < std::numeric_limits<double>::infinity();
    });
    if (!modes) return c;  // no columns: every stage meets every headphone
    c.load_min.resize(c.size());
    c.load_max.resize(c.size());
    for (index k = 0; k < c.size(); ++k) {
        c.load_min[k] = static_cast<T>(loads[static_cast<std::size_t>(k)].min_ohm);
        c.load_max[k] = static_cast<T>(loads[static_cast<std::size_t>(k)].max_ohm);
    }
    return c;
}

template <class T = double>
[[nodiscard]] headphone_columns<T> pack(std::span<const headphone> headphones) {
    const auto n = static_cast<index>(headphones.size());
    headphone_columns<T> c{column<T>(n), column<T>(n)};
    for (index k = 0; k < n; ++k) {
        const headphone& h = headphones[static_cast<std::size_t>(k)];
        c.r[k] = static_cast<T>(value_in(limit_load(h), ohm));  // the scalar model's load (analysis.hpp)
        c.s_v[k] = static_cast<T>(h.sensitivity_per_volt().db());
    }
    return c;
}

// Headphones each seen through an attenuator (nullptr: none), as the amplifier sees them (docs/physics.md section
// 10): the load R_s + (R_p || R) at the model's limit load, and S_V + 20 lg((R_p || R) / (R_s + R_p || R)), so that the
// engine's limits act at the amplifier's terminals and its level is the headphone's. The engine itself is unchanged:
// this is the scalar model's max_output(out, hp, &att) to the last rounding.
template <class T = double>
[[nodiscard]] headphone_columns<T> pack(std::span<const headphone> headphones, std::span<const attenuator* const> through) {
    headphone_columns<T> c = pack<T>(headphones);
    for (index k = 0; k < c.size(); ++k) {
        const attenuator* att = through.empty() ? nullptr : through[static_cast<std::size_t>(k)];
        if (att == nullptr) continue;
        const headphone& h = headphones[static_cast<std::size_t>(k)];
        const double r = value_in(limit_load(h), ohm);
        c.r[k] = static_cast<T>(att->amplifier_load(r).real());
        c.s_v[k] = static_cast<T>((h.sensitivity_per_volt() + gain::of_voltage_ratio(att->transfer(r).real())).db());
    }
    return c;
}

}  // namespace headroom::batch
