#pragma once

// One channel of an amplifier output (docs/physics.md section 3): a voltage source behind an output impedance, with
// whichever limits its maker or a measurement states. All voltages and currents are RMS sine figures; an absent
// limit does not bind. Two kinds of power limit are kept apart because they act differently on music:
//
//  - a power *rating* ("2.3 W @ 32 ohm", a lab's 1 % THD figure) is where a sine clips: it caps the peaks. It comes
//    as a table of ratings at loads (rating_table) or, rarely, as one load-independent figure (clipping_power);
//  - a *thermal* power limit caps the average power, and only a source that states one as such gives one.

#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/limit.hpp"
#include "headroom/power_point.hpp"
#include "headroom/units.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom {

enum class topology : std::uint8_t {
    single_ended,
    balanced,  // bridged (BTL): two legs in antiphase
};

[[nodiscard]] constexpr std::string_view to_string(topology t) noexcept {
    return t == topology::balanced ? "balanced" : "single_ended";
}

// What a device's switchable setting is (docs/physics.md section 8): a gain the user picks; a mode the device picks
// itself from the load it senses (never a choice: the model picks it the same way); or an output-impedance
// selector, which changes Z_out rather than the gain.
enum class setting_kind : std::uint8_t { gain, load_sensed, output_impedance };

[[nodiscard]] constexpr std::string_view to_string(setting_kind k) noexcept {
    switch (k) {
        case setting_kind::load_sensed: return "load_sensed";
        case setting_kind::output_impedance: return "output_impedance";
        case setting_kind::gain: break;
    }
    return "gain";
}

// The voltage a source at full scale produces through the amplifier's gain (e.g. a 2 Vrms DAC and +6 dB).
class source_gain {
public:
    source_gain(voltage full_scale, gain amplifier_gain, const std::string& entity = "source")
        : full_scale_{full_scale}, gain_{amplifier_gain} {
        detail::require_voltage(value_in(full_scale, volt), entity, "source level");
        detail::require_gain(amplifier_gain.db(), entity, "gain");
    }

    [[nodiscard]] voltage full_scale() const noexcept { return full_scale_; }
    [[nodiscard]] gain amplifier_gain() const noexcept { return gain_; }
    [[nodiscard]] voltage open_circuit_voltage() const noexcept { return full_scale_ * gain_.voltage_ratio(); }

private:
    voltage full_scale_;
    gain gain_;
};

// How the output's volume is set (docs/iem.md, "Where the volume sits"): an analog control (a potentiometer, whose
// two gangs track each other only over part of its travel) or a digital one (in the DAC or before it, which spends
// dynamic range as it attenuates). Not stated where the source does not say.
enum class volume_control : std::uint8_t { analog, digital };

[[nodiscard]] constexpr std::string_view to_string(volume_control v) noexcept { return v == volume_control::analog ? "analog" : "digital"; }

enum class noise_weighting : std::uint8_t { not_stated, a_weighted, unweighted };

[[nodiscard]] constexpr std::string_view to_string(noise_weighting w) noexcept {
    switch (w) {
        case noise_weighting::a_weighted: return "A-weighted";
        case noise_weighting::unweighted: return "unweighted";
        case noise_weighting::not_stated: break;
    }
    return "weighting not stated";
}

// A noise figure derived from a stated signal-to-noise ratio or dynamic range (docs/physics.md section 9):
// V_n = V_ref / 10^(SNR/20). Without a stated reference level V_ref is the output's maximum swing, an upper bound
// on the noise, so that hiss errs high.
struct noise_derivation {
    gain snr;
    voltage reference;
    bool reference_stated = false;
};

// Output noise: an RMS voltage, or a range where it cannot be known better. A balanced output derived from one
// single-ended leg has between sqrt 2 (the legs' own, uncorrelated noise) and 2 (noise from the DAC and stages
// before the phase split, which doubles with the signal) times the leg's noise (docs/physics.md section 4).
class output_noise {
public:
    output_noise(voltage v, noise_weighting w = noise_weighting::not_stated, const std::string& entity = "noise")
        : output_noise(v, v, w, entity) {}
    output_noise(voltage low, voltage high, noise_weighting w, const std::string& entity = "noise")
        : low_{low}, high_{high}, weighting_{w} {
        detail::require_within(value_in(low, volt), ranges::min_noise_v, ranges::max_noise_v, entity, "noise", "V", true);
        detail::require_within(value_in(high, volt), ranges::min_noise_v, ranges::max_noise_v, entity, "noise", "V", true);
        if (high < low) throw spec_error{entity, "noise", "range must not end below its start"};
    }

    // The noise a stated SNR (or dynamic range) implies against a reference level: V_ref / 10^(SNR/20).
    [[nodiscard]] static output_noise from_snr(gain snr, voltage reference, bool reference_stated, noise_weighting w,
                                               const std::string& entity = "noise") {
        detail::require_within(snr.db(), 0.0, ranges::max_level_db, entity, "snr", "dB", true);
        detail::require_voltage(value_in(reference, volt), entity, "snr reference");
        output_noise n{reference / snr.voltage_ratio(), w, entity};
        n.derivation_ = noise_derivation{snr, reference, reference_stated};
        return n;
    }

    [[nodiscard]] voltage low() const noexcept { return low_; }
    [[nodiscard]] voltage high() const noexcept { return high_; }
    [[nodiscard]] bool is_range() const noexcept { return high_ > low_; }
    [[nodiscard]] noise_weighting weighting() const noexcept { return weighting_; }
    // Set where the figure was derived from an SNR rather than stated as a voltage.
    [[nodiscard]] const std::optional<noise_derivation>& derivation() const noexcept { return derivation_; }

    // The same noise scaled (a bridge's legs), keeping where it came from.
    [[nodiscard]] output_noise scaled(double low_factor, double high_factor, const std::string& entity) const {
        output_noise n{low_ * low_factor, high_ * high_factor, weighting_, entity};
        n.derivation_ = derivation_;
        return n;
    }

private:
    voltage low_, high_;
    noise_weighting weighting_;
    std::optional<noise_derivation> derivation_{};
};

// Sine power at clipping stated at several loads (a spec sheet's table, or a lab's), per channel. It reproduces
// each stated point exactly, interpolates between them on the log-log graph and claims nothing beyond them: below
// the lowest load no more current, above the highest no more voltage than the table shows (limit.hpp).
class rating_table {
public:
    // At most this many points: more is not a spec sheet, and would only cost time.
    static constexpr std::size_t max_points = 32;

    explicit rating_table(std::vector<power_point> points, const std::string& entity = "power ratings")
        : points_{std::move(points)} {
        if (points_.empty()) throw spec_error{entity, "power", "needs at least one rated point"};
        if (points_.size() > max_points)
            throw spec_error{entity, "power", "lists " + std::to_string(points_.size()) + " points; at most " +
                                                  std::to_string(max_points) + " are accepted"};
        for (std::size_t k = 0; k < points_.size(); ++k) {
            const std::string who = entity + " power point " + std::to_string(k + 1);
            detail::require_power(value_in(points_[k].output, watt), who, "power");
            detail::require_impedance(value_in(points_[k].load, ohm), who, "load");
        }
        std::stable_sort(points_.begin(), points_.end(), [](const power_point& a, const power_point& b) { return a.load < b.load; });
        for (std::size_t k = 1; k < points_.size(); ++k)
            if (points_[k].load == points_[k - 1].load)
                throw spec_error{entity, "power", "states the load " + std::to_string(value_in(points_[k].load, ohm)) +
                                                      " ohm twice"};
        for (const auto& p : points_) {
            const double r = value_in(p.load, ohm);
            ln_r_.push_back(std::log(r));
            ln_v_.push_back(0.5 * std::log(value_in(p.output, watt) * r));  // ln sqrt(P R)
        }
    }

    [[nodiscard]] const std::vector<power_point>& points() const noexcept { return points_; }
    [[nodiscard]] impedance lowest_load() const noexcept { return points_.front().load; }
    [[nodiscard]] impedance highest_load() const noexcept { return points_.back().load; }
    [[nodiscard]] limits::rating_table_view<double> view() const noexcept { return {ln_r_.data(), ln_v_.data(), ln_r_.size()}; }

    // What the same figures say about a bridge of two such legs: each leg sees half the load, so the bridge
    // gives twice a leg's power at twice the load (docs/physics.md section 4).
    [[nodiscard]] rating_table bridged(const std::string& entity) const {
        std::vector<power_point> twice;
        for (const auto& p : points_) twice.push_back({p.output * 2.0, p.load * 2.0});
        return rating_table{std::move(twice), entity};
    }

private:
    std::vector<power_point> points_;  // ascending load
    std::vector<double> ln_r_, ln_v_;
};

struct output_spec {
    std::optional<voltage> open_circuit_voltage{};  // V_oc: the largest unclipped RMS sine with no load
    std::optional<impedance> source_resistance{};    // R_s: large-signal resistance behind V_oc (supply sag); Z_out if absent
    std::optional<current> current_limit{};          // I_max: RMS sine
    std::optional<power> clipping_power{};           // P_clip: a load-independent sine rating (peak-type)
    std::optional<rating_table> ratings{};           // sine ratings at stated loads (peak-type)
    std::optional<power> thermal_power{};            // P_th: continuous, where a source states one (average-type)
    std::optional<impedance> output_impedance{};     // Z_out; absent: not stated (0 ohm is assumed, and reported as such)
    std::optional<source_gain> source{};             // V_src and G
    std::optional<output_noise> noise{};             // V_n
    std::optional<volume_control> volume{};          // how the volume is set, where a source says
    topology kind = topology::single_ended;
    bool derived = false;  // a balanced output derived from one single-ended leg's figures (bridge())
};

// The largest RMS voltage an output's stated figures give it: its open-circuit swing, the largest voltage of its
// rating table (sqrt(P R)), or its gain-limited voltage, whichever is largest; none when it states only current or
// load-independent power limits. The reference an SNR without a stated level is taken against (an upper bound).
[[nodiscard]] inline std::optional<voltage> maximum_swing(const output_spec& s) {
    std::optional<double> v;
    const auto consider = [&](double x) { v = v ? std::max(*v, x) : x; };
    if (s.open_circuit_voltage) consider(value_in(*s.open_circuit_voltage, volt));
    if (s.ratings)
        for (const auto& p : s.ratings->points()) consider(std::sqrt(value_in(p.output, watt) * value_in(p.load, ohm)));
    if (s.source) consider(value_in(s.source->open_circuit_voltage(), volt));
    if (!v) return std::nullopt;
    return in_si(*v, volt);
}

class output_stage {
public:
    output_stage(std::string name, output_spec spec) : name_{std::move(name)}, spec_{std::move(spec)} {
        const std::string entity = "output stage '" + name_ + "'";
        const output_spec& s = spec_;
        if (s.open_circuit_voltage) detail::require_voltage(value_in(*s.open_circuit_voltage, volt), entity, "open-circuit voltage");
        if (s.current_limit) detail::require_current(value_in(*s.current_limit, ampere), entity, "current limit");
        if (s.clipping_power) detail::require_power(value_in(*s.clipping_power, watt), entity, "clipping power");
        if (s.thermal_power) detail::require_power(value_in(*s.thermal_power, watt), entity, "thermal power");
        if (s.output_impedance) detail::require_impedance(value_in(*s.output_impedance, ohm), entity, "output impedance", true);
        if (s.source_resistance) {
            detail::require_impedance(value_in(*s.source_resistance, ohm), entity, "source resistance", true);
            if (!s.open_circuit_voltage)
                throw spec_error{entity, "source resistance", "needs the open-circuit voltage it stands behind"};
            if (*s.source_resistance < output_impedance())
                throw spec_error{entity, "source resistance", "must not be below the output impedance"};
        }
        if (!s.open_circuit_voltage && !s.current_limit && !s.clipping_power && !s.ratings && !s.thermal_power && !s.source)
            throw spec_error{entity, "limits",
                             "are all absent: state at least one of V_oc, I_max, a power rating, thermal power or source+gain"};
        terms_ = make_terms(s);
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const output_spec& spec() const noexcept { return spec_; }
    [[nodiscard]] topology kind() const noexcept { return spec_.kind; }
    [[nodiscard]] bool derived() const noexcept { return spec_.derived; }
    [[nodiscard]] std::optional<voltage> open_circuit_voltage() const noexcept { return spec_.open_circuit_voltage; }
    [[nodiscard]] std::optional<current> current_limit() const noexcept { return spec_.current_limit; }
    [[nodiscard]] std::optional<power> clipping_power() const noexcept { return spec_.clipping_power; }
    [[nodiscard]] const std::optional<rating_table>& ratings() const noexcept { return spec_.ratings; }
    [[nodiscard]] std::optional<power> thermal_power() const noexcept { return spec_.thermal_power; }
    // Z_out, or 0 ohm when not stated (see output_impedance_stated()).
    [[nodiscard]] impedance output_impedance() const noexcept { return spec_.output_impedance.value_or(in_si(0.0, ohm)); }
    [[nodiscard]] bool output_impedance_stated() const noexcept { return spec_.output_impedance.has_value(); }
    // R_s behind V_oc: the stated source resistance, else Z_out.
    [[nodiscard]] impedance source_resistance() const noexcept { return spec_.source_resistance.value_or(output_impedance()); }
    [[nodiscard]] const std::optional<source_gain>& source() const noexcept { return spec_.source; }
    [[nodiscard]] const std::optional<output_noise>& noise() const noexcept { return spec_.noise; }
    [[nodiscard]] std::optional<volume_control> volume() const noexcept { return spec_.volume; }
    // V_src 10^(G/20): the open-circuit voltage at digital full scale, if a source and gain are stated.
    [[nodiscard]] std::optional<voltage> gain_limited_voltage() const noexcept {
        if (!spec_.source) return std::nullopt;
        return spec_.source->open_circuit_voltage();
    }

    // The limits as plain numbers for limit.hpp's load_voltages (the one place the typed stage becomes numbers).
    [[nodiscard]] const limits::stage_terms<double>& terms() const noexcept { return terms_; }
    [[nodiscard]] limits::rating_table_view<double> rating_view() const noexcept {
        return spec_.ratings ? spec_.ratings->view() : limits::rating_table_view<double>{};
    }

private:
    [[nodiscard]] static limits::stage_terms<double> make_terms(const output_spec& s) noexcept {
        limits::stage_terms<double> t;
        const double z_out = s.output_impedance ? value_in(*s.output_impedance, ohm) : 0.0;
        if (s.open_circuit_voltage) t.v_clip = value_in(*s.open_circuit_voltage, volt);
        t.r_clip = s.source_resistance ? value_in(*s.source_resistance, ohm) : z_out;
        if (s.current_limit) t.i_max = value_in(*s.current_limit, ampere);
        if (s.clipping_power) t.sqrt_p_clip = std::sqrt(value_in(*s.clipping_power, watt));
        if (s.thermal_power) t.sqrt_p_thermal = std::sqrt(value_in(*s.thermal_power, watt));
        if (s.source) t.v_gain = value_in(s.source->open_circuit_voltage(), volt);
        t.z_out = z_out;
        return t;
    }

    std::string name_;
    output_spec spec_;
    limits::stage_terms<double> terms_;
};

// A balanced (bridged) output derived from one single-ended leg (docs/physics.md section 4). Each leg drives half
// the load in antiphase, so the bridge into R gives twice what one leg gives into R / 2: V_oc, R_s, Z_out and the
// gain-limited voltage double, the current limit stays (the same current flows through both legs), power ratings
// and the thermal limit double (two output devices), a rating table moves to twice the loads at twice the power,
// and the noise grows by sqrt 2 (uncorrelated) to 2 (correlated). The result is marked as derived.
[[nodiscard]] inline output_stage bridge(const output_stage& leg) {
    const std::string name = leg.name() + " (bridged)";
    const std::string entity = "output stage '" + name + "'";
    if (leg.kind() != topology::single_ended)
        throw spec_error{"output stage '" + leg.name() + "'", "topology", "is already balanced: bridge() takes one single-ended leg"};
    output_spec s = leg.spec();
    if (s.open_circuit_voltage) *s.open_circuit_voltage *= 2.0;
    if (s.source_resistance) *s.source_resistance *= 2.0;
    if (s.output_impedance) *s.output_impedance *= 2.0;
    if (s.clipping_power) *s.clipping_power *= 2.0;
    if (s.thermal_power) *s.thermal_power *= 2.0;
    if (s.ratings) s.ratings = s.ratings->bridged(entity);
    if (s.source) s.source = source_gain{s.source->full_scale(), s.source->amplifier_gain() + gain::of_voltage_ratio(2.0), entity};
    if (s.noise) s.noise = s.noise->scaled(std::numbers::sqrt2, 2.0, entity);
    s.kind = topology::balanced;
    s.derived = true;
    return output_stage{name, std::move(s)};
}

}  // namespace headroom
