#pragma once

// The limits of an amplifier output and the load voltage each one allows (docs/physics.md sections 3-5). This is
// the one definition every layer calls: the typed model (analysis.hpp, response.hpp), the grid kernels and every
// compiled batch path. It speaks plain numbers in SI base units so that the batch engine can call it in its inner
// loop; the typed model turns its quantities into these numbers in one place (output_stage::terms()).
//
// Dependency-free on purpose: a program that only wants the names of the limits (a JSON reader, a web page's
// bindings) includes this and nothing else.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace headroom {

// Which limit sets the maximum level. Ties go to the first in this order.
enum class limit : std::uint8_t {
    voltage = 0,  // the rails: V_oc behind the source resistance, or above a rating table's loads (peak-type)
    current = 1,  // I_max, or below a rating table's loads (peak-type)
    power = 2,    // a sine power rating at clipping, as spec sheets and lab reports state it (peak-type)
    thermal = 3,  // a continuous (thermal) power limit, only where a source states one (average-type)
    gain = 4,     // the source at digital full scale times the gain (peak-type)
};
inline constexpr std::size_t limit_count = 5;

inline constexpr std::array<std::string_view, limit_count> limit_names{"voltage", "current", "power", "thermal", "gain"};

[[nodiscard]] constexpr std::string_view to_string(limit l) noexcept { return limit_names[static_cast<std::size_t>(l)]; }

[[nodiscard]] constexpr std::optional<limit> limit_named(std::string_view name) noexcept {
    for (std::size_t k = 0; k < limit_count; ++k)
        if (limit_names[k] == name) return static_cast<limit>(k);
    return std::nullopt;
}

// Peak-type limits act on a programme's peaks; the thermal limit on its average power (docs/physics.md section 5).
// A power rating is peak-type: "2.3 W into 32 ohm" is where a sine clips, so it caps the peaks of music.
[[nodiscard]] constexpr bool is_peak_type(limit l) noexcept { return l != limit::thermal; }

namespace limits {

template <class T>
inline constexpr T unbounded = std::numeric_limits<T>::infinity();

// One output stage's limits as plain numbers (SI base units), each +inf when absent, in the form the loops use:
// square roots of the power limits are taken once per stage, not once per load.
template <class T>
struct stage_terms {
    T v_clip = unbounded<T>;          // V: open-circuit RMS sine voltage at clipping (V_oc)
    T r_clip = T(0);                  // ohm: the large-signal source resistance behind V_oc (R_s; Z_out without sag)
    T i_max = unbounded<T>;           // A: RMS sine current limit
    T sqrt_p_clip = unbounded<T>;     // sqrt(W): a load-independent sine power rating
    T sqrt_p_thermal = unbounded<T>;  // sqrt(W): continuous (thermal) power
    T v_gain = unbounded<T>;          // V: open-circuit voltage at digital full scale (V_src 10^(G/20))
    T z_out = T(0);                   // ohm: small-signal output impedance, which divides the signal

    // The same stage for a programme of peak_scale = 10^((3.01 dB - CF) / 20): peak-type limits pass that much
    // less RMS voltage than a sine, the thermal limit passes the same average power.
    [[nodiscard]] constexpr stage_terms for_programme(T peak_scale) const noexcept {
        stage_terms s = *this;
        s.v_clip *= peak_scale;
        s.i_max *= peak_scale;
        s.sqrt_p_clip *= peak_scale;
        s.v_gain *= peak_scale;
        return s;
    }
};

// A table of stated sine ratings at loads (a spec sheet's "1.8 W @ 16 ohm, 1.2 W @ 32 ohm, 130 mW @ 600 ohm"),
// as the RMS load voltage sqrt(P R) at each load, both as natural logarithms, loads ascending. Between the stated
// loads the rating is interpolated linearly on the log-log graph (every limit curve of the model is concave
// there, so the straight line errs low); outside them the table claims no more than it shows: below the lowest
// load no more current than there (a current limit), above the highest no more voltage (a voltage limit).
// The values live with the caller (output_stage, or the batch engine's columns).
template <class T>
struct rating_table_view {
    const T* ln_r = nullptr;  // ln(ohm), strictly ascending
    const T* ln_v = nullptr;  // ln(V)
    std::size_t size = 0;     // 0: no table
};

// A rating table's voltage at one load, in the slot of the limit it stands for there; +inf elsewhere.
template <class T>
struct rating_voltages {
    T below = unbounded<T>;   // current slot: under the lowest stated load
    T within = unbounded<T>;  // power slot: at or between stated loads
    T above = unbounded<T>;   // voltage slot: over the highest stated load

    // For a programme: all three are peak-type (see stage_terms::for_programme).
    [[nodiscard]] constexpr rating_voltages scaled(T peak_scale) const noexcept {
        return {below * peak_scale, within * peak_scale, above * peak_scale};
    }
};

template <class T>
[[nodiscard]] inline rating_voltages<T> rating_voltages_at(const rating_table_view<T>& t, T ln_z) noexcept {
    rating_voltages<T> v;
    if (t.size == 0) return v;
    const std::size_t last = t.size - 1;
    if (ln_z < t.ln_r[0]) {
        v.below = std::exp(t.ln_v[0] + (ln_z - t.ln_r[0]));  // the lowest load's current, I R
    } else if (ln_z > t.ln_r[last]) {
        v.above = std::exp(t.ln_v[last]);  // the highest load's voltage
    } else {
        std::size_t k = 0;
        while (k + 1 < last && ln_z > t.ln_r[k + 1]) ++k;
        if (last == 0 || ln_z == t.ln_r[k]) {
            v.within = std::exp(t.ln_v[k]);  // a stated load gives exactly its stated rating
        } else if (ln_z == t.ln_r[k + 1]) {
            v.within = std::exp(t.ln_v[k + 1]);
        } else {
            const T w = (ln_z - t.ln_r[k]) / (t.ln_r[k + 1] - t.ln_r[k]);
            v.within = std::exp(t.ln_v[k] + w * (t.ln_v[k + 1] - t.ln_v[k]));
        }
    }
    return v;
}

// The RMS load voltage each limit allows, indexed by `limit`, for a load of magnitude |Z| = z (ohm) with
// sqrt_z = sqrt(z), the clipping divider |Z| / |Z + R_s| and the signal divider |Z| / |Z + Z_out|. The power limits
// cap |V|^2 / |Z|: for a reactive load the amplifier's dissipation only grows with the phase angle (docs/physics.md
// section 7), so a limit is never looser than into a resistance of the same |Z|.
template <class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages(const stage_terms<T>& s, T z, T sqrt_z, T clip_divider,
                                                                 T signal_divider,
                                                                 const rating_voltages<T>& rated = {}) noexcept {
    const T v_rails = s.v_clip * clip_divider;
    const T v_current = s.i_max * z;
    const T v_power = s.sqrt_p_clip * sqrt_z;
    return {
        rated.above < v_rails ? rated.above : v_rails,
        rated.below < v_current ? rated.below : v_current,
        rated.within < v_power ? rated.within : v_power,
        s.sqrt_p_thermal * sqrt_z,
        s.v_gain * signal_divider,
    };
}

// The same for a resistance R: the dividers are R / (R + R_s) and R / (R + Z_out).
template <class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages(const stage_terms<T>& s, T r, T sqrt_r,
                                                                 const rating_voltages<T>& rated = {}) noexcept {
    return load_voltages(s, r, sqrt_r, r / (r + s.r_clip), r / (r + s.z_out), rated);
}

// The smallest entry and the limit it belongs to; ties keep the first.
template <class T>
struct binding {
    T voltage;
    limit which;
};

template <class T>
[[nodiscard]] constexpr binding<T> binding_of(const std::array<T, limit_count>& v) noexcept {
    std::size_t best = 0;
    for (std::size_t k = 1; k < limit_count; ++k)
        if (v[k] < v[best]) best = k;
    return {v[best], static_cast<limit>(best)};
}

}  // namespace limits
}  // namespace headroom
