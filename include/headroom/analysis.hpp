#pragma once

// The scalar model: what an output stage does into a headphone (docs/physics.md sections 3-6, 10 and 11). This is
// the specification the batch engine is tested against; it favours clarity over speed. The limits themselves are
// limit.hpp's, which every layer shares. Every analysis takes an optional attenuator between the output and the
// headphone (attenuator.hpp): the limits then act at the amplifier's terminals against the load it makes, and the
// headphone sees the Thevenin source it makes.

#include "headroom/attenuator.hpp"
#include "headroom/decibel.hpp"
#include "headroom/headphone.hpp"
#include "headroom/hearing.hpp"
#include "headroom/limit.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/spectrum.hpp"
#include "headroom/units.hpp"

#include <array>
#include <cmath>
#include <complex>
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

// Through an attenuator: the limits act at the amplifier's terminals, against the load Z_a = R_s + (R_p || Z) with the
// dividers |Z_a| / |Z_a + R_s| and |Z_a| / |Z_a + Z_out|, and the headphone gets |(R_p || Z) / Z_a| of each voltage
// (the binding limit is the same at both ends).
[[nodiscard]] inline std::array<double, limit_count> load_voltage_limits(const output_stage& out, const attenuator& att,
                                                                         std::complex<double> z_hp, double peak_scale = 1.0) noexcept {
    const std::complex<double> za = att.amplifier_load(z_hp);
    const double mag = std::abs(za);
    const auto& t = out.terms();
    auto v = load_voltage_limits(out, mag, mag / std::abs(za + t.r_clip), mag / std::abs(za + t.z_out), peak_scale);
    const double share = std::abs(att.transfer(z_hp));
    for (double& x : v) x *= share;
    return v;
}

// The voltage across a resistance r per volt of open-circuit voltage behind a source impedance z (ohm): r / (r + z),
// or through an attenuator V_th / V_oc r / (r + Z_th).
[[nodiscard]] inline double source_divider(double r, double z, const attenuator* att) noexcept {
    if (att == nullptr) return r / (r + z);
    return att->thevenin_ratio(z) * r / (r + att->thevenin_impedance(z));
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

// The maximum continuous sine output (docs/physics.md section 3), into limit_load(), through the attenuator where
// one is given (section 10: the voltage, current and power are the headphone's; a rating table is read at the
// load the amplifier sees).
[[nodiscard]] inline operating_point max_output(const output_stage& out, const headphone& hp, const attenuator* att = nullptr) noexcept {
    const impedance load = limit_load(hp);
    const double r = value_in(load, ohm);
    if (att != nullptr) {
        const auto [v, which] = limits::binding_of(detail::load_voltage_limits(out, *att, r));
        return {in_si(v, volt),      in_si(v / r, ampere), in_si(v * v / r, watt), which, hp.level_at(in_si(v, volt)),
                detail::extrapolation_at(out, in_si(att->amplifier_load(r).real(), ohm))};
    }
    const auto [v, which] = limits::binding_of(detail::load_voltage_limits(out, load));
    return {in_si(v, volt),      in_si(v / r, ampere), in_si(v * v / r, watt), which, hp.level_at(in_si(v, volt)),
            detail::extrapolation_at(out, load)};
}

// What a programme at its target level asks of the amplifier. The output impedance and the source resistance (R_s,
// where supply sag makes it larger than Z_out) only matter for the unloaded voltages; an attenuator divides them
// further (what the amplifier itself delivers through one: attenuated_demand()).
[[nodiscard]] inline requirement requirement_for(const headphone& hp, const programme& p,
                                                 impedance output_impedance = in_si(0.0, ohm),
                                                 std::optional<impedance> source_resistance = std::nullopt,
                                                 const attenuator* att = nullptr) noexcept {
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
        in_si(att == nullptr ? v_sine * (r + z) / r : v_sine / detail::source_divider(r, z, att), volt),
        in_si(att == nullptr ? v_sine * (r + rs) / r : v_sine / detail::source_divider(r, rs, att), volt),
        in_si(v_sine * v_sine / r, watt),
    };
}

// What the amplifier itself delivers when an attenuator carries a voltage v (RMS) to the headphone at its limit
// load: the load it sees, R_s + (R_p || R), and the voltage, current and power at its terminals.
struct amplifier_demand {
    impedance load;
    voltage terminal_voltage;
    current terminal_current;
    power terminal_power;
};

[[nodiscard]] inline amplifier_demand attenuated_demand(const attenuator& att, const headphone& hp, voltage at_headphone) noexcept {
    const double r = value_in(limit_load(hp), ohm);
    const double za = att.amplifier_load(r).real();
    const double va = value_in(at_headphone, volt) / att.transfer(r).real();
    return {in_si(za, ohm), in_si(va, volt), in_si(va / za, ampere), in_si(va * va / za, watt)};
}

// Headroom for a programme (docs/physics.md section 5). Peak-type limits cap the peaks, so they allow an average
// level CF - 3.01 dB below the sine maximum; a thermal limit caps the average power. For a sine both reduce to
// L_max - T.
[[nodiscard]] inline headroom_result headroom_for(const output_stage& out, const headphone& hp, const programme& p,
                                                  const attenuator* att = nullptr) noexcept {
    const auto [v_avg, which] = limits::binding_of(att != nullptr ? detail::load_voltage_limits(out, *att, value_in(limit_load(hp), ohm), p.peak_scale())
                                                                  : detail::load_voltage_limits(out, limit_load(hp), p.peak_scale()));
    const spl max_avg = hp.level_at(in_si(v_avg, volt));
    return {max_avg - p.average_level(), which, max_avg};
}

// The source impedance the headphone sees: Z_out, or through an attenuator Z_th = (Z_out + R_s) || R_p (with 0 ohm
// for an unstated Z_out).
[[nodiscard]] inline impedance source_impedance(const output_stage& out, const attenuator* att = nullptr) noexcept {
    if (att == nullptr) return out.output_impedance();
    return in_si(att->thevenin_impedance(value_in(out.output_impedance(), ohm)), ohm);
}

// Damping factor R / Z_out (through an attenuator R / Z_th); none for an ideal (0 ohm) or unstated source.
[[nodiscard]] inline std::optional<double> damping_factor(const output_stage& out, const headphone& hp,
                                                          const attenuator* att = nullptr) noexcept {
    const double z = value_in(source_impedance(out, att), ohm);
    if (z == 0.0) return std::nullopt;
    return value_in(hp.nominal_impedance(), ohm) / z;
}

// Level lost in the divider formed by Z_out and the headphone: 20 lg(R / (R + Z_out)), zero or negative; through an
// attenuator 20 lg(V_th / V_oc R / (R + Z_th)), the attenuator's loss included.
[[nodiscard]] inline gain output_impedance_loss(const output_stage& out, const headphone& hp, const attenuator* att = nullptr) noexcept {
    const double r = value_in(hp.nominal_impedance(), ohm);
    if (att != nullptr) return gain::of_voltage_ratio(detail::source_divider(r, value_in(out.output_impedance(), ohm), att));
    return gain::of_voltage_ratio(r / (r + value_in(out.output_impedance(), ohm)));
}

// NwAvGuy's 1/8 rule: Z_out at most an eighth of the load keeps the response within about 1 dB. The bound holds
// against the impedance minimum (docs/physics.md section 7), so a known curve's minimum is used, else |Z| at 1 kHz.
// Unknown (no value) where the output impedance is not stated: an unstated Z_out is not a met rule.
[[nodiscard]] inline impedance one_eighth_rule_load(const headphone& hp) noexcept { return limit_load(hp); }
// Through an attenuator the rule is judged on Z_th; with Z_out unstated it is known only to fail, where even 0 ohm
// behind the attenuator fails it (Z_th grows with Z_out).
[[nodiscard]] inline std::optional<bool> meets_one_eighth_rule(const output_stage& out, const headphone& hp,
                                                               const attenuator* att = nullptr) noexcept {
    const bool met = 8.0 * value_in(source_impedance(out, att), ohm) <= value_in(one_eighth_rule_load(hp), ohm);
    if (!out.output_impedance_stated() && (att == nullptr || met)) return std::nullopt;
    return met;
}

// The hiss the output stage makes in the headphone (docs/physics.md section 3): S_V + 20 lg(V_n R / (R + Z_out)).
// It does not follow the volume control, so it is what a listener hears at any listening level; a range where the
// noise is one (a derived balanced output).
struct hiss_range {
    spl low, high;
    noise_weighting weighting;
};

// Through an attenuator the noise follows the signal's divider (the resistors' own thermal noise, about 0.06 uV for
// 10 ohm over 20 kHz, is far below any output's and is left out).
[[nodiscard]] inline std::optional<hiss_range> hiss_level(const output_stage& out, const headphone& hp, const attenuator* att = nullptr) noexcept {
    const auto& n = out.noise();
    if (!n) return std::nullopt;
    const gain divider = output_impedance_loss(out, hp, att);
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

// What an attenuator between the output and the headphone buys and costs (docs/physics.md section 10), at the
// maximum level: the source the headphone sees, what the amplifier delivers at its own terminals, the power each
// resistor dissipates against its rating, and the same output's figures without it.
struct attenuator_effect {
    attenuator adapter;
    gain source_ratio;           // 20 lg(V_th / V_oc): 0 dB without a shunt
    impedance source_impedance;  // Z_th (Z_out taken as 0 ohm where not stated)
    amplifier_demand at_max;     // at the amplifier's terminals, at the maximum level, into the limit load
    power series_dissipation;    // I_amp^2 R_s
    std::optional<power> shunt_dissipation;  // V_hp^2 / R_p
    bool series_over_rating = false, shunt_over_rating = false;
    gain insertion_loss;         // the level it costs at the nominal impedance (negative): also how much it lowers the hiss
    operating_point max_without;
    std::optional<hiss_range> hiss_without;
    std::optional<headroom_result> headroom_without;  // with a programme
};

// Where the volume control sits at the listening level (docs/iem.md): how far below full output, for a programme
// whose peaks reach digital full scale. Full output is the source at full scale through the gain where both are
// stated, else the open-circuit voltage V_oc (the output's swing at full volume), else the maximum sine into the load.
enum class volume_reference : std::uint8_t { source_gain, open_circuit_voltage, maximum_output };

[[nodiscard]] constexpr std::string_view to_string(volume_reference r) noexcept {
    switch (r) {
        case volume_reference::source_gain: return "source_gain";
        case volume_reference::open_circuit_voltage: return "open_circuit_voltage";
        case volume_reference::maximum_output: break;
    }
    return "maximum_output";
}

// A dual-gang volume potentiometer's channels are specified to track only so far down its travel: a common
// specification is within 3 dB down to -40 dB (Tokyo Ko-On Denpa's volume-control page, as published by its
// distributor Acoustic Dimension, acoustic-dimension.com/tkd); below that the two channels may differ by more.
inline constexpr double analog_tracking_range_db = 40.0;
// A digital volume leaves the programme's peaks this far above the output's noise at most: below 20 lg 2^16 =
// 96.33 dB (what a 16-bit recording holds) the volume setting has spent resolution the recording has.
inline constexpr double sixteen_bit_range_db = 96.32959861247398;

struct volume_position {
    gain attenuation;                   // full output minus what the programme needs; negative: the output falls short
    volume_reference reference;
    std::optional<voltage> full_output;  // open-circuit, at full volume (none for maximum_output)
    std::optional<volume_control> control;
    std::optional<gain> dynamic_range;    // a full-scale sine over the hiss at the headphone, where the noise is known
    std::optional<gain> remaining_range;  // the programme's peaks over the hiss at this setting: dynamic_range - attenuation
    bool beyond_analog_tracking = false;  // attenuation beyond analog_tracking_range_db
    bool beyond_digital_range = false;    // remaining_range below sixteen_bit_range_db
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
    // Whether a person hears the hiss (hearing.hpp); none where the noise is not known.
    std::optional<hiss_judgement> audibility;
    std::optional<volume_position> volume;        // with a programme
    std::optional<attenuator_effect> attenuation;  // with an attenuator
};

namespace detail {

[[nodiscard]] inline volume_position volume_at(const output_stage& out, const programme& p, const pair_analysis& a) {
    volume_position v{};
    v.control = out.volume();
    if (const auto full = out.gain_limited_voltage()) {
        v.reference = volume_reference::source_gain;
        v.full_output = full;
    } else if (const auto oc = out.open_circuit_voltage()) {
        v.reference = volume_reference::open_circuit_voltage;
        v.full_output = oc;
    } else {
        v.reference = volume_reference::maximum_output;
    }
    // The programme's peaks as the sine that reaches them, at the headphone, and what full volume makes of a
    // full-scale sine (the same divider: requirement_for's unloaded swing).
    const spl peaks = p.average_level() + p.crest_factor() - sine_crest_factor;
    if (v.full_output)
        v.attenuation = gain::of_voltage_ratio(value_in(*v.full_output, volt) / value_in(a.need->open_circuit_voltage, volt));
    else
        v.attenuation = a.max.max_level - peaks;
    if (a.hiss) {
        v.remaining_range = peaks - a.hiss->high;
        v.dynamic_range = *v.remaining_range + v.attenuation;
        v.beyond_digital_range = v.remaining_range->db() < sixteen_bit_range_db;
    }
    v.beyond_analog_tracking = v.attenuation.db() > analog_tracking_range_db;
    return v;
}

}  // namespace detail

// Everything about one output stage driving one headphone, through an attenuator where one is given.
[[nodiscard]] inline pair_analysis analyse(const output_stage& out, const headphone& hp,
                                           const std::optional<programme>& p = std::nullopt, const attenuator* att = nullptr) {
    pair_analysis a{
        .max = max_output(out, hp, att),
        .output_impedance_loss = output_impedance_loss(out, hp, att),
        .damping_factor = damping_factor(out, hp, att),
        .meets_one_eighth_rule = meets_one_eighth_rule(out, hp, att),
        .one_eighth_rule_load = one_eighth_rule_load(hp),
        .exceeds_rated_power = std::nullopt,
        .hiss = hiss_level(out, hp, att),
        .dynamic_range = std::nullopt,
        .need = std::nullopt,
        .headroom = std::nullopt,
        .hiss_below_programme = std::nullopt,
        .exposure = std::nullopt,
        .source_gain_stage = std::nullopt,
        .audibility = std::nullopt,
        .volume = std::nullopt,
        .attenuation = std::nullopt,
    };
    if (const auto rated = hp.rated_power()) a.exceeds_rated_power = a.max.load_power > *rated;
    if (a.hiss) {
        a.dynamic_range = a.max.max_level - a.hiss->low;
        a.audibility = judge_hiss(a.hiss->high, a.hiss->weighting, a.hiss->high != a.hiss->low, out.noise()->derivation().has_value());
    }
    if (p) {
        a.need = requirement_for(hp, *p, out.output_impedance(), out.source_resistance(), att);
        a.headroom = headroom_for(out, hp, *p, att);
        if (a.hiss) a.hiss_below_programme = p->average_level() - a.hiss->high;
        a.exposure = exposure_at(*p);
        if (const auto& src = out.source()) a.source_gain_stage = gain_stage{src->full_scale(), src->amplifier_gain(), a.need->gain_after(src->full_scale())};
        a.volume = detail::volume_at(out, *p, a);
    }
    if (att != nullptr) {
        const double z_out = value_in(out.output_impedance(), ohm);
        attenuator_effect e{
            .adapter = *att,
            .source_ratio = gain::of_voltage_ratio(att->thevenin_ratio(z_out)),
            .source_impedance = source_impedance(out, att),
            .at_max = attenuated_demand(*att, hp, a.max.load_voltage),
            .series_dissipation = in_si(0.0, watt),
            .shunt_dissipation = std::nullopt,
            .series_over_rating = false,
            .shunt_over_rating = false,
            .insertion_loss = a.output_impedance_loss - output_impedance_loss(out, hp),
            .max_without = max_output(out, hp),
            .hiss_without = hiss_level(out, hp),
            .headroom_without = std::nullopt,
        };
        const double i_amp = value_in(e.at_max.terminal_current, ampere);
        e.series_dissipation = in_si(i_amp * i_amp * value_in(att->series(), ohm), watt);
        if (const auto& rp = att->shunt()) {
            const double v_hp = value_in(a.max.load_voltage, volt);
            e.shunt_dissipation = in_si(v_hp * v_hp / value_in(*rp, ohm), watt);
            e.shunt_over_rating = *e.shunt_dissipation > att->rating();
        }
        e.series_over_rating = e.series_dissipation > att->rating();
        if (p) e.headroom_without = headroom_for(out, hp, *p);
        a.attenuation = std::move(e);
    }
    return a;
}

}  // namespace headroom
