#pragma once

// A headphone as the amplifier sees it: a load of some impedance that turns volts into sound pressure, and, where
// it is known, how that impedance changes across frequency.

#include "headroom/error.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/sensitivity.hpp"
#include "headroom/units.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace headroom {

// What else a maker or a measurement may state about a headphone.
struct headphone_details {
    std::optional<power> rated_power{};            // the maker's maximum input power
    std::optional<frequency> sensitivity_frequency{};  // where the sensitivity was stated, when not 1 kHz (or said)
    std::optional<impedance_curve> curve{};        // Z(f), measured or from a driver model
};

class headphone {
public:
    // name: for messages; z: |Z| at 1 kHz; s: sensitivity in any form.
    headphone(std::string name, impedance z, sensitivity s, headphone_details details = {})
        : name_{std::move(name)}, impedance_{z}, sensitivity_{s}, rated_power_{details.rated_power},
          sensitivity_frequency_{details.sensitivity_frequency} {
        const std::string entity = "headphone '" + name_ + "'";
        detail::require_impedance(value_in(z, ohm), entity, "impedance");
        if (rated_power_) detail::require_power(value_in(*rated_power_, watt), entity, "rated power");
        if (sensitivity_frequency_)
            detail::require_within(value_in(*sensitivity_frequency_, hertz), 1.0, 1e5, entity, "sensitivity frequency", "Hz");
        s_v_ = sensitivity_.per_volt(impedance_);
        detail::require_within(s_v_.db(), 0.0, 250.0, entity, "sensitivity", "dB SPL/V");
        if (details.curve) curve_ = std::make_shared<const impedance_curve>(std::move(*details.curve));
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] impedance nominal_impedance() const noexcept { return impedance_; }
    [[nodiscard]] const sensitivity& stated_sensitivity() const noexcept { return sensitivity_; }
    // S_V at the nominal impedance: dB SPL for 1 Vrms.
    [[nodiscard]] spl sensitivity_per_volt() const noexcept { return s_v_; }
    [[nodiscard]] std::optional<power> rated_power() const noexcept { return rated_power_; }
    [[nodiscard]] std::optional<frequency> sensitivity_frequency() const noexcept { return sensitivity_frequency_; }
    // Whether the sensitivity was stated at a frequency other than 1 kHz (Beyerdynamic uses 500 Hz): the model
    // applies it at 1 kHz, where the driver's response may differ by several dB.
    [[nodiscard]] bool sensitivity_off_1khz() const noexcept {
        return sensitivity_frequency_ && std::abs(value_in(*sensitivity_frequency_, hertz) - 1000.0) > 1e-9;
    }
    // Z(f), when known (shared between copies: catalogs copy headphones freely).
    [[nodiscard]] const impedance_curve* curve() const noexcept { return curve_.get(); }
    // The same headphone with this impedance curve.
    [[nodiscard]] headphone with_curve(impedance_curve c) const {
        headphone h = *this;
        h.curve_ = std::make_shared<const impedance_curve>(std::move(c));
        return h;
    }

    // SPL produced by an RMS voltage across the headphone: L = S_V + 20 lg(V / 1 V).
    [[nodiscard]] spl level_at(voltage v) const noexcept { return s_v_ + gain::of_voltage_ratio(value_in(v, volt)); }
    // RMS voltage needed for a level: V = 10^((L - S_V)/20).
    [[nodiscard]] voltage voltage_for(spl level) const noexcept { return in_si((level - s_v_).voltage_ratio(), volt); }

private:
    std::string name_;
    impedance impedance_;
    sensitivity sensitivity_;
    std::optional<power> rated_power_;
    std::optional<frequency> sensitivity_frequency_;
    std::shared_ptr<const impedance_curve> curve_;
    spl s_v_;
};

}  // namespace headroom
