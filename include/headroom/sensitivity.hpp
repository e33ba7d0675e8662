#pragma once

// Headphone sensitivity in the four forms makers and measurers publish (docs/physics.md section 2). The canonical
// form is S_V, dB SPL for 1 Vrms; the forms based on power or current need the impedance to get there, so the
// conversions take it as an argument rather than guessing one.

#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/units.hpp"

#include <string>

namespace headroom {

class sensitivity {
public:
    enum class form {
        db_per_milliwatt,   // S_mW: SPL for 1 mW
        db_per_volt,        // S_V: SPL for 1 Vrms
        db_at_current,      // S_I: SPL for a stated RMS current (e.g. 94.6 dB @ 5 mA)
        voltage_for_level,  // V_L: the RMS voltage that gives a stated SPL (e.g. 327 mV for 94 dB)
    };

    [[nodiscard]] static sensitivity per_milliwatt(spl at_1mw) { return sensitivity{form::db_per_milliwatt, at_1mw, {}}; }
    [[nodiscard]] static sensitivity per_volt(spl at_1v) { return sensitivity{form::db_per_volt, at_1v, {}}; }
    [[nodiscard]] static sensitivity at_current(spl level, current reference) {
        detail::require_current(value_in(reference, ampere), "sensitivity", "reference current");
        return sensitivity{form::db_at_current, level, reference.value()};
    }
    [[nodiscard]] static sensitivity voltage_for(voltage v, spl level) {
        detail::require_voltage(value_in(v, volt), "sensitivity", "voltage");
        return sensitivity{form::voltage_for_level, level, v.value()};
    }

    [[nodiscard]] form stated_form() const noexcept { return form_; }
    // The stated level (for voltage_for_level: the level the voltage produces).
    [[nodiscard]] spl stated_level() const noexcept { return level_; }
    // The stated reference in SI base units: the current (A) of db_at_current, the voltage (V) of voltage_for_level.
    [[nodiscard]] double reference_value() const noexcept { return reference_; }

    // S_V: dB SPL for 1 Vrms into a load of impedance z.
    [[nodiscard]] spl per_volt(impedance z) const noexcept {
        const double r = value_in(z, ohm);
        switch (form_) {
            case form::db_per_milliwatt:  // 1 mW into R takes sqrt(1e-3 R) volts: S_V = S_mW + 10 lg(1000 ohm / R)
                return level_ + gain::of_power_ratio(1e3 / r);
            case form::db_per_volt:
                return level_;
            case form::db_at_current:  // I_ref into R takes I_ref R volts
                return level_ - gain::of_voltage_ratio(reference_ * r);
            case form::voltage_for_level:
                return level_ - gain::of_voltage_ratio(reference_);
        }
        return level_;  // unreachable: every form is handled above
    }
    // S_mW: dB SPL for 1 mW into z.
    [[nodiscard]] spl per_milliwatt(impedance z) const noexcept {
        return per_volt(z) - gain::of_power_ratio(1e3 / value_in(z, ohm));
    }
    // SPL for an RMS current into z.
    [[nodiscard]] spl at(current i, impedance z) const noexcept {
        return per_volt(z) + gain::of_voltage_ratio(value_in(i, ampere) * value_in(z, ohm));
    }
    // The RMS voltage that gives `target` into z.
    [[nodiscard]] voltage voltage_for_level(spl target, impedance z) const noexcept {
        return in_si((target - per_volt(z)).voltage_ratio(), volt);
    }

private:
    sensitivity(form f, spl level, double reference) : form_{f}, level_{level}, reference_{reference} {
        detail::require_level(level.db(), "sensitivity", "level");
    }

    form form_;
    spl level_;
    double reference_;  // A for db_at_current, V for voltage_for_level; unused otherwise
};

}  // namespace headroom
