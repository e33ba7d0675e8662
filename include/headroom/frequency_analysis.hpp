#pragma once

// A pair across 20 Hz-20 kHz (docs/frequency.md): with the headphone's impedance curve the response deviation
// the output impedance causes, the maximum level at every frequency and where it is lowest; with a programme the
// headroom at every frequency and where it is worst; with an EQ its boost, which the amplifier must deliver on top
// of the programme. The one definition `pair`, the comparison of an amplifier's outputs, the web page and the Python
// module all use.

#include "headroom/analysis.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/response.hpp"

#include <cstdio>
#include <optional>
#include <string>

namespace headroom {

// Everything a pair's analysis adds across 20 Hz-20 kHz; each part is present when its inputs are.
struct frequency_analysis {
    std::string curve_source;  // the curve's name (a file or driver parameters), or the nominal impedance
    bool has_curve = false;    // false: only an EQ, on a resistive load of the nominal impedance
    impedance at_1khz;
    impedance nominal;  // the stated impedance, which the sensitivity conversions use
    response_deviation response;  // behind the source the headphone sees (Z_out, or Z_th through an attenuator)
    std::optional<gain> spread_without_attenuator;  // the response's spread behind Z_out alone, where an attenuator is given
    frequency_operating_points max;
    std::optional<eq_response> eq;
    std::optional<frequency_headroom> headroom;  // with a programme; includes the EQ's boost when there is one
    std::optional<gain> eq_programme_headroom;   // with a programme and an EQ: headroom for the programme's spectrum
};

namespace detail {

// "300 ohm (resistive)": a headphone without a curve, analysed on its nominal impedance.
[[nodiscard]] inline std::string resistive_name(impedance z) {
    char text[48];
    std::snprintf(text, sizeof text, "%.4g ohm (resistive)", value_in(z, ohm));
    return text;
}

}  // namespace detail

// None when the headphone has no impedance curve and no EQ is given. Through an attenuator, where one is given: the
// response deviation follows Z(f) / (Z(f) + Z_th) with the complex curve (the constant V_th / V_oc drops out of a
// deviation from 1 kHz).
[[nodiscard]] inline std::optional<frequency_analysis> analyse_frequency(const output_stage& out, const headphone& hp,
                                                                         const parametric_eq* eq, const std::optional<programme>& p,
                                                                         const attenuator* att = nullptr) {
    const impedance_curve* curve = hp.curve();
    if (curve == nullptr && eq == nullptr) return std::nullopt;
    const impedance_curve z = curve != nullptr ? *curve : impedance_curve::resistive(hp.nominal_impedance());
    const frequency_grid g = audio_band_grid();
    frequency_analysis a{
        .curve_source = curve != nullptr ? curve->name() : detail::resistive_name(hp.nominal_impedance()),
        .has_curve = curve != nullptr,
        .at_1khz = z.magnitude_at(in_si(1000.0, hertz)),
        .nominal = hp.nominal_impedance(),
        .response = analyse_response(z, source_impedance(out, att), g),
        .spread_without_attenuator = std::nullopt,
        .max = max_output_across(out, hp, z, g, att),
        .eq = std::nullopt,
        .headroom = std::nullopt,
        .eq_programme_headroom = std::nullopt,
    };
    if (att != nullptr) a.spread_without_attenuator = analyse_response(z, out.output_impedance(), g).spread;
    if (eq != nullptr) a.eq = eq_response_on(*eq, g, p ? p->spectrum() : programme_spectrum::pink);
    if (p) {
        std::optional<eq_demand> demand;
        if (a.eq) demand = eq_demand{a.eq->gain_db, a.eq->preamp};
        a.headroom = headroom_across(out, hp, z, *p, g, demand, att);
        if (a.eq) {
            // Music spreads over frequency: a programme of this spectrum gains programme_increase through the
            // filters, everywhere at once, rather than the peak boost at one frequency.
            const eq_demand spread{Eigen::ArrayXd::Constant(g.size(), a.eq->programme_increase.db()), a.eq->preamp};
            a.eq_programme_headroom = headroom_across(out, hp, z, *p, g, spread, att).worst;
        }
    }
    return a;
}

}  // namespace headroom
