#pragma once

// A headphone as the amplifier sees it: a load of some impedance that turns volts into sound pressure.

#include "headroom/error.hpp"
#include "headroom/sensitivity.hpp"
#include "headroom/units.hpp"

#include <optional>
#include <string>
#include <utility>

namespace headroom {

class headphone {
public:
    // name: for messages; z: |Z| at 1 kHz; s: sensitivity in any form; rated: the maker's maximum input power.
    headphone(std::string name, impedance z, sensitivity s, std::optional<power> rated = std::nullopt)
        : name_{std::move(name)}, impedance_{z}, sensitivity_{s}, rated_power_{rated} {
        const std::string entity = "headphone '" + name_ + "'";
        detail::require_positive(value_in(z, ohm), entity, "impedance");
        if (rated) detail::require_positive(value_in(*rated, watt), entity, "rated power");
        s_v_ = sensitivity_.per_volt(impedance_);
        detail::require_finite(s_v_.db(), entity, "sensitivity");
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] impedance nominal_impedance() const noexcept { return impedance_; }
    [[nodiscard]] const sensitivity& stated_sensitivity() const noexcept { return sensitivity_; }
    // S_V at the nominal impedance: dB SPL for 1 Vrms.
    [[nodiscard]] spl sensitivity_per_volt() const noexcept { return s_v_; }
    [[nodiscard]] std::optional<power> rated_power() const noexcept { return rated_power_; }

    // SPL produced by an RMS voltage across the headphone: L = S_V + 20 lg(V / 1 V).
    [[nodiscard]] spl level_at(voltage v) const noexcept { return s_v_ + gain::of_voltage_ratio(value_in(v, volt)); }
    // RMS voltage needed for a level: V = 10^((L - S_V)/20).
    [[nodiscard]] voltage voltage_for(spl level) const noexcept { return in_si((level - s_v_).voltage_ratio(), volt); }

private:
    std::string name_;
    impedance impedance_;
    sensitivity sensitivity_;
    std::optional<power> rated_power_;
    spl s_v_;
};

}  // namespace headroom
