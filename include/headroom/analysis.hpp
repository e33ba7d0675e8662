#pragma once

// The scalar model: what an output stage does into a headphone (docs/physics.md sections 3-6). This is the
// specification the batch engine is tested against; it favours clarity over speed. The limits themselves are
// limit.hpp's, which every layer shares.

#include "headroom/decibel.hpp"
#include "headroom/headphone.hpp"
#include "headroom/limit.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/spectrum.hpp"
#include "headroom/units.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace headroom {

// A programme to play: its average (RMS) level and its crest factor (peak / RMS), and the spectrum that the
// A-weighted exposure and an EQ's programme estimate assume.
class programme {
public:
    programme(spl average_level, gain crest_factor = sine_crest_factor,  // NOLINT(google-explicit-constructor): {level, CF}
                       programme_spectrum spectrum = programme_spectrum::pink)
        : average_level_{average_level}, crest_factor_{crest_factor}, spectrum_{spectrum} {
        detail::require_level(average_level.db(), "programme", "average level");
        detail::require_within(crest_factor.db(), 0.0, ranges::max_crest_factor_db, "programme", "crest factor", "dB");
    }

    [[nodiscard]] spl average_level() const noexcept { return average_level_; }
    [[nodiscard]] gain crest_factor() const noexcept { return crest_factor_; }
    [[nodiscard]] programme_spectrum spectrum() const noexcept { return spectrum_; }
    // 10^((3.0103 dB - CF) / 20): the RMS voltage a peak-type limit allows this programme per volt of a sine.
    [[nodiscard]] double peak_scale() const noexcept { return headroom::peak_scale(crest_factor_); }

private:
    spl average_level_;
    gain crest_factor_;
    programme_spectrum spectrum_;
};

// A result for a load outside the loads an output's rating table states: the table's figures were extended there
// (no more current below, no more voltage above: limit.hpp), so the result is a floor, not a statement.
struct extrapolation {
    bool below = false;      // the load is below the lowest stated load (else above the highest)
    impedance stated_load;   // the nearest stated load
    double factor = 1.0;     // how far outside: stated / load below, load / stated above (>= 1)
};

// The loudest continuous sine the pair can play, and what stops it going louder.
struct operating_point {
    voltage load_voltage;
    current load_current;
    power load_power;
    limit binding;
    spl max_level;
    std::optional<extrapolation> extrapolated;
};

// What the headphone needs from the amplifier to play a programme.
struct requirement {
    voltage load_voltage;          // RMS at the target average level
    current load_current;          // RMS
    power load_power;              // average
    voltage peak_voltage;          // at the programme's peaks
    current peak_current;
    voltage open_circuit_voltage;  // the unloaded RMS sine swing behind Z_out that passes the peaks (what gain sets)
    voltage clipping_voltage;      // the V_oc rating, behind the source resistance, that passes the peaks unclipped
    power sine_power;              // the sine power rating the peaks need at this load (what spec sheets state)

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

// The RMS voltage across a load of magnitude z (ohm) that each limit allows, given the two dividers (limit.hpp).
[[nodiscard]] inline std::array<double, limit_count> load_voltage_limits(const output_stage& out, double z,
                                                                         double clip_divider, double signal_divider,
                                                                         double peak_scale = 1.0) noexcept {
    const auto rated = limits::rating_voltages_at(out.rating_view(), std::log(z)).scaled(peak_scale);
    return limits::load_voltages(out.terms().for_programme(peak_scale), z, std::sqrt(z), clip_divider, signal_divider, rated);
}

// The same for a resistive load R.
[[nodiscard]] inline std::array<double, limit_count> load_voltage_limits(const output_stage& out, impedance load,
                                                                         double peak_scale = 1.0) noexcept {
    const double r = value_in(load, ohm);
    const auto& t = out.terms();
    return load_voltage_limits(out, r, r / (r + t.r_clip), r / (r + t.z_out), peak_scale);
}

[[nodiscard]] inline std::optional<extrapolation> extrapolation_at(const output_stage& out, impedance load) noexcept {
    const auto& table = out.ratings();
    if (!table) return std::nullopt;
    if (load < table->lowest_load()) return extrapolation{true, table->lowest_load(), table->lowest_load() / load};
    if (load > table->highest_load()) return extrapolation{false, table->highest_load(), load / table->highest_load()};
    return std::nullopt;
}

}  // namespace detail

// The load the limits and the demands are taken at: |Z| at 1 kHz, or, where the headphone's impedance curve is
// known, the curve's minimum when lower. Every limit allows less voltage into less impedance and the current
// demand peaks there (docs/physics.md section 7), so a flat programme has the least headroom at the minimum: the
// answer errs low. The 1/8 rule is judged against it too. pair, the sweep and its batch engine all use this load.
[[nodiscard]] inline impedance limit_load(const headphone& hp) noexcept {
    if (const auto* c = hp.curve()) return std::min(c->minimum().magnitude, hp.nominal_impedance());
    return hp.nominal_impedance();
}

// The maximum continuous sine output (docs/physics.md section 3), into limit_load().
[[nodiscard]] inline operating_point max_output(const output_stage& out, const headphone& hp) noexcept {
    const impedance load = limit_load(hp);
    const auto [v, which] = limits::binding_of(detail::load_voltage_limits(out, load));
    const double r = value_in(load, ohm);
    return {in_si(v, volt),      in_si(v / r, ampere), in_si(v * v / r, watt), which, hp.level_at(in_si(v, volt)),
            detail::extrapolation_at(out, load)};
}

// What a programme at its target level asks of the amplifier. The output impedance and the source resistance (R_s,
// where supply sag makes it larger than Z_out) only matter for the unloaded voltages.
[[nodiscard]] inline requirement requirement_for(const headphone& hp, const programme& p,
                                                 impedance output_impedance = in_si(0.0, ohm),
                                                 std::optional<impedance> source_resistance = std::nullopt) noexcept {
    const double r = value_in(limit_load(hp), ohm);
    const double v = value_in(hp.voltage_for(p.average_level()), volt);
    const double v_peak = v * p.crest_factor().voltage_ratio();
    const double v_sine = v_peak / sine_peak_to_rms;  // the sine whose peaks reach the programme's
    const double z = value_in(output_impedance, ohm);
    const double rs = value_in(source_resistance.value_or(output_impedance), ohm);
    return {
        in_si(v, volt),
        in_si(v / r, ampere),
        in_si(v * v / r, watt),
        in_si(v_peak, volt),
        in_si(v_peak / r, ampere),
        in_si(v_sine * (r + z) / r, volt),
        in_si(v_sine * (r + rs) / r, volt),
        in_si(v_sine * v_sine / r, watt),
    };
}

// Headroom for a programme (docs/physics.md section 5). Peak-type limits cap the peaks, so they allow an average
// level CF - 3.01 dB below the sine maximum; a thermal limit caps the average power. For a sine both reduce to
// L_max - T.
[[nodiscard]] inline headroom_result headroom_for(const output_stage& out, const headphone& hp, const programme& p) noexcept {
    const auto [v_avg, which] = limits::binding_of(detail::load_voltage_limits(out, limit_load(hp), p.peak_scale()));
    const spl max_avg = hp.level_at(in_si(v_avg, volt));
    return {max_avg - p.average_level(), which, max_avg};
}

// Damping factor R / Z_out; none for an ideal (0 ohm) or unstated source.
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

// NwAvGuy's 1/8 rule: Z_out at most an eighth of the load keeps the response within about 1 dB. The bound holds
// against the impedance minimum (docs/physics.md section 7), so a known curve's minimum is used, else |Z| at 1 kHz.
// Unknown (no value) where the output impedance is not stated: an unstated Z_out is not a met rule.
[[nodiscard]] inline impedance one_eighth_rule_load(const headphone& hp) noexcept { return limit_load(hp); }
[[nodiscard]] inline std::optional<bool> meets_one_eighth_rule(const output_stage& out, const headphone& hp) noexcept {
    if (!out.output_impedance_stated()) return std::nullopt;
    return 8.0 * value_in(out.output_impedance(), ohm) <= value_in(one_eighth_rule_load(hp), ohm);
}

// The hiss the output stage makes in the headphone (docs/physics.md section 3): S_V + 20 lg(V_n R / (R + Z_out)).
// It does not follow the volume control, so it is what a listener hears at any listening level; a range where the
// noise is one (a derived balanced output).
struct hiss_range {
    spl low, high;
    noise_weighting weighting;
};

[[nodiscard]] inline std::optional<hiss_range> hiss_level(const output_stage& out, const headphone& hp) noexcept {
    const auto& n = out.noise();
    if (!n) return std::nullopt;
    const gain divider = output_impedance_loss(out, hp);
    return hiss_range{hp.level_at(n->low()) + divider, hp.level_at(n->high()) + divider, n->weighting()};
}

// Hearing exposure at a programme's level (docs/physics.md section 6). The limits are A-weighted and the model's
// level is not: the A-weighted level is estimated for the programme's spectrum (pink noise: 2.86 dB lower).
struct exposure_estimate {
    spl level;             // the programme's average level, unweighted
    gain a_weighting;      // L_A - L for the assumed spectrum
    spl a_weighted_level;  // dB(A)
    duration niosh_daily;  // NIOSH REL: 8 h a day at 85 dB(A), halved for every 3 dB more
    duration who_weekly;   // WHO / ITU-T H.870: 40 h a week at 80 dB(A) for adults, 3 dB exchange rate
    programme_spectrum spectrum;
};

// NIOSH recommended exposure limit at an A-weighted level: 8 h at 85 dB(A), halved for every 3 dB more.
[[nodiscard]] inline duration niosh_exposure_limit(spl a_weighted) noexcept {
    constexpr double eight_hours_s = 8.0 * 3600.0;
    return in_si(eight_hours_s / std::exp2((a_weighted.db() - 85.0) / 3.0), second);
}

// WHO / ITU-T H.870 weekly allowance at an A-weighted level: 40 h at 80 dB(A), halved for every 3 dB more.
[[nodiscard]] inline duration who_weekly_allowance(spl a_weighted) noexcept {
    constexpr double forty_hours_s = 40.0 * 3600.0;
    return in_si(forty_hours_s / std::exp2((a_weighted.db() - 80.0) / 3.0), second);
}

[[nodiscard]] inline exposure_estimate exposure_at(const programme& p) {
    const gain a = a_weighted_offset(p.spectrum());
    const spl la = p.average_level() + a;
    return {p.average_level(), a, la, niosh_exposure_limit(la), who_weekly_allowance(la), p.spectrum()};
}

// The gain a programme needs after the stated source, and what the stated gain leaves to spare.
struct gain_stage {
    voltage full_scale;
    gain stated, needed;
};

// Everything `headroom pair` reports about one output stage driving one headphone.
struct pair_analysis {
    operating_point max;
    gain output_impedance_loss;
    std::optional<double> damping_factor;
    std::optional<bool> meets_one_eighth_rule;  // none where Z_out is not stated
    impedance one_eighth_rule_load;          // |Z|min of a known curve, else |Z| at 1 kHz
    std::optional<bool> exceeds_rated_power;  // at max output, when the headphone states a rated power
    std::optional<hiss_range> hiss;
    std::optional<gain> dynamic_range;        // max sine level minus the (lower) hiss level
    // With a programme:
    std::optional<requirement> need;
    std::optional<headroom_result> headroom;
    std::optional<gain> hiss_below_programme;  // the programme's average level above the (higher) hiss level
    std::optional<exposure_estimate> exposure;
    std::optional<gain_stage> source_gain_stage;  // with a programme and a stated source and gain
};

[[nodiscard]] inline pair_analysis analyse(const output_stage& out, const headphone& hp,
                                           const std::optional<programme>& p = std::nullopt) {
    pair_analysis a{
        .max = max_output(out, hp),
        .output_impedance_loss = output_impedance_loss(out, hp),
        .damping_factor = damping_factor(out, hp),
        .meets_one_eighth_rule = meets_one_eighth_rule(out, hp),
        .one_eighth_rule_load = one_eighth_rule_load(hp),
        .exceeds_rated_power = std::nullopt,
        .hiss = hiss_level(out, hp),
        .dynamic_range = std::nullopt,
        .need = std::nullopt,
        .headroom = std::nullopt,
        .hiss_below_programme = std::nullopt,
        .exposure = std::nullopt,
        .source_gain_stage = std::nullopt,
    };
    if (const auto rated = hp.rated_power()) a.exceeds_rated_power = a.max.load_power > *rated;
    if (a.hiss) a.dynamic_range = a.max.max_level - a.hiss->low;
    if (p) {
        a.need = requirement_for(hp, *p, out.output_impedance(), out.source_resistance());
        a.headroom = headroom_for(out, hp, *p);
        if (a.hiss) a.hiss_below_programme = p->average_level() - a.hiss->high;
        a.exposure = exposure_at(*p);
        if (const auto& src = out.source()) a.source_gain_stage = gain_stage{src->full_scale(), src->amplifier_gain(), a.need->gain_after(src->full_scale())};
    }
    return a;
}

}  // namespace headroom
