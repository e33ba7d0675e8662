#pragma once

// The scalar model: what an output stage does into a headphone (docs/physics.md sections 3-6). This is the
// specification the batch kernels are tested against; it favours clarity over speed.

#include "headroom/decibel.hpp"
#include "headroom/headphone.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/units.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace headroom {

// Which limit sets the maximum level. Ties go to the first in this order.
enum class limit : std::uint8_t {
    voltage = 0,  // V_oc: the rails (peak-type)
    current = 1,  // I_max (peak-type)
    power = 2,    // P_max: heat (average-type)
    gain = 3,     // source full scale times gain (peak-type)
};
inline constexpr std::size_t limit_count = 4;

[[nodiscard]] constexpr std::string_view to_string(limit l) noexcept {
    constexpr std::array<std::string_view, limit_count> names{"voltage", "current", "power", "gain"};
    return names[static_cast<std::size_t>(l)];
}

// Peak-type limits act on a programme's peaks; average-type ones on its average power (docs/physics.md section 5).
[[nodiscard]] constexpr bool is_peak_type(limit l) noexcept { return l != limit::power; }

// A programme to play: its average (RMS) level and its crest factor (peak / RMS).
struct programme {
    spl average_level;
    gain crest_factor = sine_crest_factor;
};

// The loudest continuous sine the pair can play, and what stops it going louder.
struct operating_point {
    voltage load_voltage;
    current load_current;
    power load_power;
    limit binding;
    spl max_level;
};

// What the headphone needs from the amplifier to play a programme.
struct requirement {
    voltage load_voltage;          // RMS at the target average level
    current load_current;          // RMS
    power load_power;              // average
    voltage peak_voltage;          // at the programme's peaks
    current peak_current;
    voltage open_circuit_voltage;  // the RMS sine rating (V_oc) the amplifier must have to pass the peaks unclipped

    // The gain an amplifier needs after a source of this full-scale level (xnor's "gain" column).
    [[nodiscard]] gain gain_after(voltage source_full_scale) const noexcept {
        return gain::of_voltage_ratio(value_in(open_circuit_voltage, volt) / value_in(source_full_scale, volt));
    }
};

struct headroom_result {
    gain margin;           // max average level minus the target; negative: the programme clips or overheats
    limit binding;         // which limit sets the max average level for this programme
    spl max_average_level;
};

namespace detail {

inline constexpr double unbounded = std::numeric_limits<double>::infinity();

// The RMS sine voltage across a load that each limit allows, in volts (infinite when the limit is absent),
// indexed by `limit`. The load is |Z|, the divider |Z| / |Z + Z_out| and the power factor cos(phi): P_max caps
// the real power |V|^2 cos(phi) / |Z|. The batch core evaluates the same expressions in the same order.
[[nodiscard]] inline std::array<double, limit_count> load_voltage_limits(const output_stage& out, double z_ohm,
                                                                         double divider, double cos_phi) noexcept {
    const auto v_oc = out.open_circuit_voltage();
    const auto i_max = out.current_limit();
    const auto p_max = out.power_limit();
    const auto v_gain = out.gain_limited_voltage();
    return {
        v_oc ? value_in(*v_oc, volt) * divider : unbounded,
        i_max ? value_in(*i_max, ampere) * z_ohm : unbounded,
        p_max && cos_phi > 0.0 ? std::sqrt(value_in(*p_max, watt) * z_ohm / cos_phi) : unbounded,
        v_gain ? value_in(*v_gain, volt) * divider : unbounded,
    };
}

// The same for a resistive load R: divider R / (R + Z_out), cos(phi) = 1.
[[nodiscard]] inline std::array<double, limit_count> load_voltage_limits(const output_stage& out, impedance load) noexcept {
    const double r = value_in(load, ohm);
    return load_voltage_limits(out, r, r / (r + value_in(out.output_impedance(), ohm)), 1.0);
}

// The limits restated as the largest RMS voltage of the programme: peak-type limits cap its peaks, so they allow
// CF - 3.01 dB less than a sine; P_max caps its average power, as it does a sine's (docs/physics.md section 5).
[[nodiscard]] inline std::array<double, limit_count> programme_limits(std::array<double, limit_count> v,
                                                                      const programme& p) noexcept {
    const double scale = peak_scale(p.crest_factor);
    for (std::size_t k = 0; k < limit_count; ++k)
        if (is_peak_type(static_cast<limit>(k))) v[k] *= scale;
    return v;
}

// The smallest entry and its index; ties keep the first.
[[nodiscard]] inline std::pair<double, limit> binding_of(const std::array<double, limit_count>& v) noexcept {
    std::size_t best = 0;
    for (std::size_t k = 1; k < limit_count; ++k)
        if (v[k] < v[best]) best = k;
    return {v[best], static_cast<limit>(best)};
}

}  // namespace detail

// The maximum continuous sine output (docs/physics.md section 3).
[[nodiscard]] inline operating_point max_output(const output_stage& out, const headphone& hp) noexcept {
    const auto [v, which] = detail::binding_of(detail::load_voltage_limits(out, hp.nominal_impedance()));
    const double r = value_in(hp.nominal_impedance(), ohm);
    return {in_si(v, volt), in_si(v / r, ampere), in_si(v * v / r, watt), which, hp.level_at(in_si(v, volt))};
}

// What a programme at its target level asks of the amplifier (Z_out only matters for the open-circuit voltage).
[[nodiscard]] inline requirement requirement_for(const headphone& hp, const programme& p,
                                                 impedance output_impedance = in_si(0.0, ohm)) noexcept {
    const double r = value_in(hp.nominal_impedance(), ohm);
    const double v = value_in(hp.voltage_for(p.average_level), volt);
    const double v_peak = v * p.crest_factor.voltage_ratio();
    const double z = value_in(output_impedance, ohm);
    return {
        in_si(v, volt),
        in_si(v / r, ampere),
        in_si(v * v / r, watt),
        in_si(v_peak, volt),
        in_si(v_peak / r, ampere),
        in_si(v_peak / sine_peak_to_rms * (r + z) / r, volt),
    };
}

// Headroom for a programme (docs/physics.md section 5). Peak-type limits cap the peaks, so they allow an average
// level CF - 3.01 dB below the sine maximum; P_max caps the average power. For a sine both reduce to L_max - T.
[[nodiscard]] inline headroom_result headroom_for(const output_stage& out, const headphone& hp, const programme& p) noexcept {
    const auto [v_avg, which] =
        detail::binding_of(detail::programme_limits(detail::load_voltage_limits(out, hp.nominal_impedance()), p));
    const spl max_avg = hp.level_at(in_si(v_avg, volt));
    return {max_avg - p.average_level, which, max_avg};
}

// Damping factor R / Z_out; none for an ideal (0 ohm) source.
[[nodiscard]] inline std::optional<double> damping_factor(const output_stage& out, const headphone& hp) noexcept {
    const double z = value_in(out.output_impedance(), ohm);
    if (z == 0.0) return std::nullopt;
    return value_in(hp.nominal_impedance(), ohm) / z;
}

// Level lost in the divider formed by Z_out and the headphone: 20 lg(R / (R + Z_out)), zero or negative.
[[nodiscard]] inline gain output_impedance_loss(const output_stage& out, const headphone& hp) noexcept {
    const double r = value_in(hp.nominal_impedance(), ohm);
    return gain::of_voltage_ratio(r / (r + value_in(out.output_impedance(), ohm)));
}

// NwAvGuy's 1/8 rule: Z_out at most an eighth of the load keeps the response within about 1 dB.
[[nodiscard]] inline bool meets_one_eighth_rule(const output_stage& out, const headphone& hp) noexcept {
    return 8.0 * value_in(out.output_impedance(), ohm) <= value_in(hp.nominal_impedance(), ohm);
}

// The amplifier's noise as SPL at the headphone, if the noise is stated.
[[nodiscard]] inline std::optional<spl> noise_level(const output_stage& out, const headphone& hp) noexcept {
    const auto n = out.noise();
    if (!n) return std::nullopt;
    return hp.level_at(*n) + output_impedance_loss(out, hp);
}

// NIOSH recommended exposure limit: 8 h at 85 dB(A), halved for every 3 dB more (docs/physics.md section 6).
[[nodiscard]] inline duration niosh_exposure_limit(spl level) noexcept {
    constexpr double eight_hours_s = 8.0 * 3600.0;
    return in_si(eight_hours_s / std::exp2((level.db() - 85.0) / 3.0), second);
}

// Everything `headroom pair` reports about one output stage driving one headphone.
struct pair_analysis {
    operating_point max;
    gain output_impedance_loss;
    std::optional<double> damping_factor;
    bool meets_one_eighth_rule;
    std::optional<bool> exceeds_rated_power;  // at max output, when the headphone states a rated power
    std::optional<spl> noise_level;
    std::optional<gain> dynamic_range;  // max sine level minus noise level
    // With a programme:
    std::optional<requirement> need;
    std::optional<headroom_result> headroom;
    std::optional<duration> exposure_limit;  // at the target average level
};

[[nodiscard]] inline pair_analysis analyse(const output_stage& out, const headphone& hp,
                                           const std::optional<programme>& p = std::nullopt) {
    pair_analysis a{
        .max = max_output(out, hp),
        .output_impedance_loss = output_impedance_loss(out, hp),
        .damping_factor = damping_factor(out, hp),
        .meets_one_eighth_rule = meets_one_eighth_rule(out, hp),
        .exceeds_rated_power = std::nullopt,
        .noise_level = noise_level(out, hp),
        .dynamic_range = std::nullopt,
        .need = std::nullopt,
        .headroom = std::nullopt,
        .exposure_limit = std::nullopt,
    };
    if (const auto rated = hp.rated_power()) a.exceeds_rated_power = a.max.load_power > *rated;
    if (a.noise_level) a.dynamic_range = a.max.max_level - *a.noise_level;
    if (p) {
        a.need = requirement_for(hp, *p, out.output_impedance());
        a.headroom = headroom_for(out, hp, *p);
        a.exposure_limit = niosh_exposure_limit(p->average_level);
    }
    return a;
}

}  // namespace headroom
