#pragma once

// One channel of an amplifier output (docs/physics.md section 3): a voltage source behind an output impedance, with
// whichever of the rail (V_oc), current (I_max), thermal (P_max) and source-times-gain limits the maker states.
// All voltages and currents are RMS sine ratings; an absent limit does not bind.

#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/units.hpp"

#include <numbers>
#include <optional>
#include <string>
#include <utility>

namespace headroom {

enum class topology {
    single_ended,
    balanced,  // bridged (BTL): two legs in antiphase
};

// The voltage a source at full scale produces through the amplifier's gain (e.g. a 2 Vrms DAC and +6 dB).
struct source_gain {
    voltage full_scale{};
    gain amplifier_gain{};

    [[nodiscard]] voltage open_circuit_voltage() const noexcept { return full_scale * amplifier_gain.voltage_ratio(); }
};

struct output_spec {
    std::optional<voltage> open_circuit_voltage{};  // V_oc: largest unclipped RMS sine with no load
    std::optional<current> current_limit{};         // I_max: RMS sine
    std::optional<power> power_limit{};             // P_max: continuous (thermal)
    impedance output_impedance = in_si(0.0, ohm);  // Z_out, a series resistance
    std::optional<source_gain> source{};            // V_src and G
    std::optional<voltage> noise{};                 // V_n: RMS output noise (A-weighted where stated)
    topology kind = topology::single_ended;
};

class output_stage {
public:
    output_stage(std::string name, const output_spec& spec) : name_{std::move(name)}, spec_{spec} {
        const std::string entity = "output stage '" + name_ + "'";
        if (spec.open_circuit_voltage)
            detail::require_positive(value_in(*spec.open_circuit_voltage, volt), entity, "open-circuit voltage");
        if (spec.current_limit) detail::require_positive(value_in(*spec.current_limit, ampere), entity, "current limit");
        if (spec.power_limit) detail::require_positive(value_in(*spec.power_limit, watt), entity, "power limit");
        detail::require_non_negative(value_in(spec.output_impedance, ohm), entity, "output impedance");
        if (spec.source) {
            detail::require_positive(value_in(spec.source->full_scale, volt), entity, "source level");
            detail::require_finite(spec.source->amplifier_gain.db(), entity, "gain");
        }
        if (spec.noise) detail::require_positive(value_in(*spec.noise, volt), entity, "noise");
        if (!spec.open_circuit_voltage && !spec.current_limit && !spec.power_limit && !spec.source)
            throw spec_error{entity, "limits", "are all absent: state at least one of V_oc, I_max, P_max or source+gain"};
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const output_spec& spec() const noexcept { return spec_; }
    [[nodiscard]] topology kind() const noexcept { return spec_.kind; }
    [[nodiscard]] std::optional<voltage> open_circuit_voltage() const noexcept { return spec_.open_circuit_voltage; }
    [[nodiscard]] std::optional<current> current_limit() const noexcept { return spec_.current_limit; }
    [[nodiscard]] std::optional<power> power_limit() const noexcept { return spec_.power_limit; }
    [[nodiscard]] impedance output_impedance() const noexcept { return spec_.output_impedance; }
    [[nodiscard]] std::optional<source_gain> source() const noexcept { return spec_.source; }
    [[nodiscard]] std::optional<voltage> noise() const noexcept { return spec_.noise; }
    // V_src 10^(G/20): the open-circuit voltage at digital full scale, if a source and gain are stated.
    [[nodiscard]] std::optional<voltage> gain_limited_voltage() const noexcept {
        if (!spec_.source) return std::nullopt;
        return spec_.source->open_circuit_voltage();
    }

private:
    std::string name_;
    output_spec spec_;
};

// A balanced (bridged) output built from one single-ended leg (docs/physics.md section 4): V_oc and the gain-limited
// voltage double, Z_out doubles (both legs are in series with the load), I_max is unchanged (the same current
// flows through both legs), P_max doubles (two devices share the heat), and uncorrelated noise grows by sqrt 2.
[[nodiscard]] inline output_stage bridge(const output_stage& leg) {
    if (leg.kind() != topology::single_ended)
        throw spec_error{"output stage '" + leg.name() + "'", "topology", "is already balanced: bridge() takes one single-ended leg"};
    output_spec s = leg.spec();
    if (s.open_circuit_voltage) *s.open_circuit_voltage *= 2.0;
    if (s.power_limit) *s.power_limit *= 2.0;
    if (s.source) s.source->amplifier_gain = s.source->amplifier_gain + gain::of_voltage_ratio(2.0);
    if (s.noise) *s.noise *= std::numbers::sqrt2;
    s.output_impedance *= 2.0;
    s.kind = topology::balanced;
    return output_stage{leg.name() + " (bridged)", s};
}

}  // namespace headroom
