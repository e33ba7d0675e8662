#pragma once

// The one place where typed model objects become plain SI numbers for the batch core. Everything the kernels
// see is computed here by the model's own accessors (gain_limited_voltage, sensitivity_per_volt), so a packed
// column holds exactly the double the scalar model would use; float columns round it once.

#include "headroom/analysis.hpp"
#include "headroom/batch/columns.hpp"
#include "headroom/headphone.hpp"
#include "headroom/output_stage.hpp"

#include <limits>
#include <optional>
#include <span>

namespace headroom::batch {

static_assert(limit_code::voltage == static_cast<std::uint8_t>(limit::voltage));
static_assert(limit_code::current == static_cast<std::uint8_t>(limit::current));
static_assert(limit_code::power == static_cast<std::uint8_t>(limit::power));
static_assert(limit_code::gain == static_cast<std::uint8_t>(limit::gain));
static_assert(limit_code::count == limit_count);

namespace detail {
template <class T, class Q, class Unit>
[[nodiscard]] T or_unbounded(const std::optional<Q>& q, Unit unit) noexcept {
    return q ? static_cast<T>(value_in(*q, unit)) : std::numeric_limits<T>::infinity();
}
}  // namespace detail

template <class T = double>
[[nodiscard]] output_columns<T> pack(std::span<const output_stage> outputs) {
    const auto n = static_cast<index>(outputs.size());
    output_columns<T> c{column<T>(n), column<T>(n), column<T>(n), column<T>(n), column<T>(n)};
    for (index k = 0; k < n; ++k) {
        const output_stage& o = outputs[static_cast<std::size_t>(k)];
        c.v_oc[k] = detail::or_unbounded<T>(o.open_circuit_voltage(), volt);
        c.i_max[k] = detail::or_unbounded<T>(o.current_limit(), ampere);
        c.p_max[k] = detail::or_unbounded<T>(o.power_limit(), watt);
        c.z_out[k] = static_cast<T>(value_in(o.output_impedance(), ohm));
        c.v_gain[k] = detail::or_unbounded<T>(o.gain_limited_voltage(), volt);
    }
    return c;
}

template <class T = double>
[[nodiscard]] headphone_columns<T> pack(std::span<const headphone> headphones) {
    const auto n = static_cast<index>(headphones.size());
    headphone_columns<T> c{column<T>(n), column<T>(n)};
    for (index k = 0; k < n; ++k) {
        const headphone& h = headphones[static_cast<std::size_t>(k)];
        c.r[k] = static_cast<T>(value_in(h.nominal_impedance(), ohm));
        c.s_v[k] = static_cast<T>(h.sensitivity_per_volt().db());
    }
    return c;
}

}  // namespace headroom::batch
