#pragma once

// What an output stage does into an impedance that changes with frequency (docs/physics.md sections 3, 5 and 7).
// Two effects: the divider formed by Z_out and Z(f) tilts the response (H(f) = Z / (Z + Z_out), a complex
// ratio), and each limit allows a different load voltage at each frequency: the current limit bites hardest at
// the impedance minimum, the voltage divider where |Z| is low, and the power limits cap |V|^2 / |Z| (never looser
// than into a resistance of the same |Z|: limit.hpp). The scalar model (analysis.hpp) is this at one frequency
// into a resistance; both call limit.hpp, and the tests hold the two together.
//
// Only the electrical part is modelled: S_V is the sensitivity at 1 kHz, and the level at f is
// L(f) = S_V + 20 lg|V_L(f)|, the level the same voltage across the driver makes at 1 kHz. The headphone's own
// acoustic response is the maker's business (and an EQ's, see eq.hpp).

#include "headroom/analysis.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/impedance_curve.hpp"

#include <Eigen/Core>

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <optional>
#include <vector>

namespace headroom {

// The source's effect on the frequency response, and the impedance minimum that drives the current demand.
struct response_deviation {
    frequency_grid grid;
    Eigen::ArrayXd deviation_db;  // 20 lg|H(f)| - 20 lg|H(1 kHz)| on the grid
    gain spread;                  // max - min of the deviation over the grid (20 Hz-20 kHz)
    impedance min_impedance;      // the smallest |Z| on the grid
    frequency min_impedance_at;
};

[[nodiscard]] inline response_deviation analyse_response(const impedance_curve& z, impedance output_impedance,
                                                         const frequency_grid& g = audio_band_grid()) {
    const Eigen::ArrayXcd zf = ohms_on(z, g);
    const double z_out = value_in(output_impedance, ohm);
    // 20 lg|Z / (Z + Z_out)| as (20 / ln 10)(ln|Z| - ln|Z + Z_out|): see decibel.hpp for why ln, not log10.
    const Eigen::ArrayXd mag = zf.abs();
    const Eigen::ArrayXd h_db = detail::db20_per_neper * (mag.log() - (zf + z_out).abs().log());
    response_deviation r;
    r.grid = g;
    r.deviation_db = h_db - h_db[g.reference_index];
    r.spread = gain::of_db(r.deviation_db.maxCoeff() - r.deviation_db.minCoeff());
    Eigen::Index at = 0;
    r.min_impedance = in_si(mag.minCoeff(&at), ohm);
    r.min_impedance_at = g.at(at);
    return r;
}

namespace detail {

// The RMS voltage across a complex load Z that each limit allows: limit.hpp with |Z| and the complex dividers
// |Z| / |Z + R_s| (clipping) and |Z| / |Z + Z_out| (signal).
[[nodiscard]] inline std::array<double, limit_count> load_voltage_limits(const output_stage& out, std::complex<double> z_ohm,
                                                                         double peak_scale = 1.0) noexcept {
    const double mag = std::abs(z_ohm);
    const auto& t = out.terms();
    return load_voltage_limits(out, mag, mag / std::abs(z_ohm + t.r_clip), mag / std::abs(z_ohm + t.z_out), peak_scale);
}

}  // namespace detail

// The maximum continuous sine at each frequency of the grid, and the frequency where it is lowest.
struct frequency_operating_points {
    frequency_grid grid;
    Eigen::ArrayXd load_voltage_v;  // RMS across the driver
    Eigen::ArrayXd load_current_a;  // RMS
    Eigen::ArrayXd load_power_w;    // real (average) power, |V|^2 cos(phi) / |Z|
    Eigen::ArrayXd max_level_db;    // dB SPL, S_V + 20 lg V
    std::vector<limit> binding;
    spl lowest_max_level;
    frequency lowest_max_level_at;
    limit lowest_binding;
};

// Through an attenuator, where one is given: the limits act at the amplifier's terminals (analysis.hpp), and the
// figures are the headphone's.
[[nodiscard]] inline frequency_operating_points max_output_across(const output_stage& out, const headphone& hp,
                                                                  const impedance_curve& z,
                                                                  const frequency_grid& g = audio_band_grid(),
                                                                  const attenuator* att = nullptr) {
    const Eigen::ArrayXcd zf = ohms_on(z, g);
    const Eigen::Index n = g.size();
    frequency_operating_points r{g, Eigen::ArrayXd(n), Eigen::ArrayXd(n), Eigen::ArrayXd(n), Eigen::ArrayXd(n),
                                 std::vector<limit>(static_cast<std::size_t>(n)), spl{}, frequency{}, limit::voltage};
    Eigen::Index worst = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto [v, which] = limits::binding_of(att != nullptr ? detail::load_voltage_limits(out, *att, zf[i]) : detail::load_voltage_limits(out, zf[i]));
        const double mag = std::abs(zf[i]);
        r.load_voltage_v[i] = v;
        r.load_current_a[i] = v / mag;
        r.load_power_w[i] = v * v * (zf[i].real() / mag) / mag;
        r.max_level_db[i] = hp.level_at(in_si(v, volt)).db();
        r.binding[static_cast<std::size_t>(i)] = which;
        if (r.max_level_db[i] < r.max_level_db[worst]) worst = i;
    }
    r.lowest_max_level = spl::of_db(r.max_level_db[worst]);
    r.lowest_max_level_at = g.at(worst);
    r.lowest_binding = r.binding[static_cast<std::size_t>(worst)];
    return r;
}

// Headroom for a programme at every frequency, and the worst of it.
struct frequency_headroom {
    frequency_grid grid;
    Eigen::ArrayXd margin_db;        // max average level at f minus the level wanted at f
    Eigen::ArrayXd max_average_db;   // dB SPL
    std::vector<limit> binding;
    gain worst;                      // the smallest margin over the grid
    frequency worst_at;
    limit worst_binding;
};

// An EQ's effect on what the programme wants at each frequency: its boost in dB on the grid, and its digital preamp.
// The analog limits must deliver the boost; the source's full scale (the gain limit) is digital and sits ahead of
// the EQ, so there the preamp (usually minus the largest boost) is what costs level, and a boost beyond the preamp
// clips in the DSP (docs/frequency.md).
struct eq_demand {
    Eigen::ArrayXd boost_db;  // on the grid
    gain preamp;
};

// The programme's target average level is wanted at every frequency, raised by the EQ's boost where there is one.
// Peak-type limits pass CF - 3.01 dB less average level, a thermal limit caps the average power, exactly as
// headroom_for does at one frequency.
[[nodiscard]] inline frequency_headroom headroom_across(const output_stage& out, const headphone& hp,
                                                        const impedance_curve& z, const programme& p,
                                                        const frequency_grid& g = audio_band_grid(),
                                                        const std::optional<eq_demand>& eq = std::nullopt,
                                                        const attenuator* att = nullptr) {
    if (eq && eq->boost_db.size() != g.size())
        throw spec_error{"headroom across frequency", "boost", "must have one value per grid frequency"};
    const Eigen::ArrayXcd zf = ohms_on(z, g);
    const Eigen::Index n = g.size();
    frequency_headroom r{g, Eigen::ArrayXd(n), Eigen::ArrayXd(n), std::vector<limit>(static_cast<std::size_t>(n)),
                         gain{}, frequency{}, limit::voltage};
    Eigen::Index worst = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        auto v = att != nullptr ? detail::load_voltage_limits(out, *att, zf[i], p.peak_scale()) : detail::load_voltage_limits(out, zf[i], p.peak_scale());
        const double boost = eq ? eq->boost_db[i] : 0.0;
        if (eq) {
            // At digital full scale the source reaches f through the preamp and the boost, and never above full
            // scale: the gain limit's level there moves by that much, while the others stay where they are.
            const double digital = std::min(eq->preamp.db() + boost, 0.0);
            v[static_cast<std::size_t>(limit::gain)] *= gain::of_db(digital).voltage_ratio();
        }
        const auto [v_avg, which] = limits::binding_of(v);
        const spl max_avg = hp.level_at(in_si(v_avg, volt));
        const spl wanted = p.average_level() + gain::of_db(boost);
        r.max_average_db[i] = max_avg.db();
        r.margin_db[i] = (max_avg - wanted).db();
        r.binding[static_cast<std::size_t>(i)] = which;
        if (r.margin_db[i] < r.margin_db[worst]) worst = i;
    }
    r.worst = gain::of_db(r.margin_db[worst]);
    r.worst_at = g.at(worst);
    r.worst_binding = r.binding[static_cast<std::size_t>(worst)];
    return r;
}

}  // namespace headroom
