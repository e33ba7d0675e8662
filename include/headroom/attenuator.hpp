#pragma once

// An attenuator or impedance adapter between an amplifier output and the headphone (docs/physics.md section 10): a
// series resistor R_s and, in an L-pad, a shunt resistor R_p across the headphone. An "IEM adapter" or impedance
// adapter has R_s only; an attenuator (iFi IEMatch-style) adds the shunt so that the headphone sees a low source
// impedance again.
//
// Seen from the headphone the output becomes a new source (Thevenin):
//
//     V_th = V_oc R_p / (R_p + Z_out + R_s)        Z_th = (Z_out + R_s) || R_p
//
// and the amplifier sees R_s + (R_p || Z(f)): its own limits act at its own terminals against that load, so a small
// shunt can make an output current-limited. This header holds the network's arithmetic; analysis.hpp applies it.

#include "headroom/error.hpp"
#include "headroom/units.hpp"

#include <complex>
#include <optional>
#include <string>
#include <utility>

namespace headroom {

// The power a resistor is assumed to take when its rating is not stated: 0.25 W, the common rating of the
// through-hole metal-film resistors such adapters are built from (a surface-mount 0805 part takes 0.125 W).
inline constexpr double assumed_resistor_rating_w = 0.25;

class attenuator {
public:
    // series: R_s (0 allowed where a shunt is given); shunt: R_p across the headphone, none for a series adapter;
    // rating: the power each resistor takes, when stated.
    attenuator(std::string name, impedance series, std::optional<impedance> shunt = std::nullopt,
               std::optional<power> rating = std::nullopt)
        : name_{std::move(name)}, series_{series}, shunt_{shunt}, rating_{rating} {
        const std::string entity = "attenuator '" + name_ + "'";
        detail::require_impedance(value_in(series, ohm), entity, "series resistance", true);
        if (shunt) detail::require_impedance(value_in(*shunt, ohm), entity, "shunt resistance");
        if (rating) detail::require_power(value_in(*rating, watt), entity, "resistor rating");
        if (!shunt && !(value_in(series, ohm) > 0.0))
            throw spec_error{entity, "series resistance", "must be positive without a shunt (0 ohm in series is no adapter)"};
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] impedance series() const noexcept { return series_; }
    [[nodiscard]] const std::optional<impedance>& shunt() const noexcept { return shunt_; }
    [[nodiscard]] const std::optional<power>& stated_rating() const noexcept { return rating_; }
    // The rating the dissipation is judged against: the stated one, else assumed_resistor_rating_w.
    [[nodiscard]] power rating() const noexcept { return rating_.value_or(in_si(assumed_resistor_rating_w, watt)); }

    // V_th / V_oc for a source of output impedance z_out (ohm): R_p / (R_p + Z_out + R_s), 1 without a shunt.
    [[nodiscard]] double thevenin_ratio(double z_out) const noexcept {
        if (!shunt_) return 1.0;
        const double rp = value_in(*shunt_, ohm);
        return rp / (rp + z_out + value_in(series_, ohm));
    }
    // Z_th for a source of output impedance z_out (ohm): (Z_out + R_s) || R_p.
    [[nodiscard]] double thevenin_impedance(double z_out) const noexcept {
        const double behind = z_out + value_in(series_, ohm);
        if (!shunt_) return behind;
        const double rp = value_in(*shunt_, ohm);
        return behind * rp / (behind + rp);
    }

    // R_p || Z: what the headphone and the shunt make together (Z itself without a shunt).
    [[nodiscard]] std::complex<double> across_headphone(std::complex<double> z) const noexcept {
        if (!shunt_) return z;
        const double rp = value_in(*shunt_, ohm);
        return z * rp / (z + rp);
    }
    // The load the amplifier sees: R_s + (R_p || Z).
    [[nodiscard]] std::complex<double> amplifier_load(std::complex<double> z) const noexcept {
        return value_in(series_, ohm) + across_headphone(z);
    }
    // The headphone's share of the amplifier's terminal voltage: (R_p || Z) / (R_s + (R_p || Z)).
    [[nodiscard]] std::complex<double> transfer(std::complex<double> z) const noexcept {
        const std::complex<double> p = across_headphone(z);
        return p / (value_in(series_, ohm) + p);
    }

private:
    std::string name_;
    impedance series_;
    std::optional<impedance> shunt_;
    std::optional<power> rating_;
};

}  // namespace headroom
