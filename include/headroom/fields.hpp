#pragma once

// The inputs every face takes (a catalog file, the command line's flags, the web page's requests and links, the
// Python module's keywords), described once: one row per field, linking the model's word for it to each face's
// spelling, and one function per entity from the values as given to the model object. A face fills the values
// from its own input and reads the rows to know its spellings; the model's constructors decide what is valid, and an
// error names the field as the face that took it spells it. A new input field is a row here and its member in the
// model: every face reads the table (docs/architecture.md, "Adding an input field").
//
// Compiled in headroom::io (src/io/fields.cpp).

#include "headroom/analysis.hpp"
#include "headroom/attenuator.hpp"
#include "headroom/error.hpp"
#include "headroom/headphone.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/parse.hpp"
#include "headroom/power_point.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace headroom {

// Where an input comes from; each spells a field its own way.
enum class face : std::uint8_t { catalog, command_line, web, python };

// An input to correct, named as the face that took it spells it ("--vmax", "vmax"): what() is "key: problem", or
// "key: entity: problem" where a model object refused the value. unreadable(): the text is not a value of its kind
// at all (else a value the model refuses).
class input_error : public error {
public:
    input_error(std::string key, const std::string& problem, std::string entity = {}, bool unreadable = false)
        : error{(key.empty() ? std::string{} : key + ": ") + (entity.empty() ? std::string{} : entity + ": ") + problem},
          key_{std::move(key)}, entity_{std::move(entity)}, problem_{problem}, unreadable_{unreadable} {}

    [[nodiscard]] const std::string& key() const noexcept { return key_; }
    [[nodiscard]] const std::string& entity() const noexcept { return entity_; }  // empty where no model object was made
    [[nodiscard]] const std::string& problem() const noexcept { return problem_; }
    [[nodiscard]] bool unreadable() const noexcept { return unreadable_; }

private:
    std::string key_, entity_, problem_;
    bool unreadable_;
};

namespace fields {

enum class value_kind : std::uint8_t {
    voltage,      // RMS; Vpk and Vpp of a sine are converted
    current,      // RMS
    power,
    impedance,
    frequency,
    gain,         // dB, a difference
    level,        // dB SPL, a point
    sensitivity,  // one of the four forms, with its unit
    power_table,  // points "1.2W@32ohm"
    weighting,    // "A-weighted" or "unweighted"
    volume_control,  // "analog" or "digital"
    name,         // a catalog name, a file or a setting's name: text as it is
    choice,       // on or off
};

// One input field.
struct field {
    std::string_view catalog, flag, web, python;  // the spelling of each face; empty where the face lacks it
    std::string_view model;  // the model's word for it, as spec_error::field() names it
    value_kind kind;
    bool zero_allowed;  // an impedance that may be 0 ohm (Z_out, R_s); a gain of any sign (else positive: an SNR)
    bool limit;         // an output limit: a setting that states one replaces its output's limits as a set
    std::string_view example;
    std::string_view help;  // one line, for --help, the web page's label and the Python docstring

    [[nodiscard]] constexpr std::string_view name(face f) const noexcept {
        switch (f) {
            case face::command_line: return flag;
            case face::web: return web;
            case face::python: return python;
            case face::catalog: break;
        }
        return catalog;
    }
};

// ---- the rows --------------------------------------------------------------------------------------------------

enum class output_field : std::uint8_t {
    vmax, imax, pmax, thermal_power, source_resistance, power, zout, source_level, gain, noise, noise_weighting, snr,
    snr_reference, volume, count
};

// One output stage (docs/physics.md section 3, docs/catalog-format.md).
inline constexpr std::array<field, static_cast<std::size_t>(output_field::count)> output_rows{{
    {"vmax", "--vmax", "vmax", "vmax", "open-circuit voltage", value_kind::voltage, false, true, "7.5V",
     "Open-circuit RMS voltage before clipping (7.5, 7500mV, 7.5V, 21Vpp)"},
    {"imax", "--imax", "imax", "imax", "current limit", value_kind::current, false, true, "250mA", "RMS current limit (0.25, 250mA)"},
    {"pmax", "--pmax", "pmax", "pmax", "clipping power", value_kind::power, false, true, "1W",
     "A sine power rating at any load: caps the peaks, as spec-sheet ratings do (1W, 1000mW)"},
    {"thermal_power", "--thermal-power", "thermal_power", "thermal_power", "thermal power", value_kind::power, false, true, "1W",
     "A continuous (thermal) power limit, only where a source states one (1W)"},
    {"source_resistance", "--source-resistance", "source_resistance", "source_resistance", "source resistance", value_kind::impedance,
     true, true, "12ohm", "Large-signal source resistance behind the open-circuit voltage (supply sag; at least Z_out)"},
    {"power", "--power", "power", "power", "power", value_kind::power_table, false, true, "1.2W@32ohm",
     "Sine power at clipping into a load, as a spec sheet states it (1.2W@32ohm); one per load"},
    {"zout", "--zout", "zout", "zout", "output impedance", value_kind::impedance, true, false, "0.5ohm",
     "Output impedance (0.5, 0.5ohm); if not given, 0 is assumed and reported as unknown"},
    {"source_level", "--source", "source", "source", "source level", value_kind::voltage, false, false, "2V",
     "Source full-scale RMS level before the gain (2V); alone it means unity gain"},
    // The web page takes a gain as its settings ("gains": one gain, or low=0dB, high=12dB).
    {"gain", "--gain", "", "gain", "gain", value_kind::gain, true, false, "6dB", "Voltage gain after the source level, in dB (6, 6dB)"},
    {"noise", "--noise", "noise", "noise", "noise", value_kind::voltage, false, false, "3uV", "Output noise, RMS (3uV)"},
    {"noise_weighting", "--noise-weighting", "noise_weighting", "noise_weighting", "noise weighting", value_kind::weighting, false,
     false, "A-weighted", "How the noise (or SNR) was weighted: A-weighted or unweighted"},
    {"snr", "--snr", "snr", "snr", "snr", value_kind::gain, false, false, "120dB",
     "Instead of --noise: a stated signal-to-noise ratio or dynamic range (120dB)"},
    {"snr_reference", "--snr-reference", "snr_reference", "snr_reference", "snr reference", value_kind::voltage, false, false, "2V",
     "The level the SNR is stated against (default: the output's largest swing, an upper bound on the noise)"},
    {"volume", "--volume", "volume", "volume", "volume control", value_kind::volume_control, false, false, "digital",
     "How the volume is set: analog (a potentiometer) or digital (in the DAC); says where the volume's range runs out"},
}};

enum class headphone_field : std::uint8_t { impedance, sensitivity, sensitivity_frequency, rated_power, count };

inline constexpr std::array<field, static_cast<std::size_t>(headphone_field::count)> headphone_rows{{
    {"impedance", "--impedance", "impedance", "impedance", "impedance", value_kind::impedance, false, false, "300ohm",
     "Headphone impedance at 1 kHz (300, 300ohm)"},
    {"sensitivity", "--sensitivity", "sensitivity", "sensitivity", "sensitivity", value_kind::sensitivity, false, false, "97dB/mW",
     "97dB/mW | 102.2dB/V | 94.6dB@5mA | 327mV@94dB"},
    {"sensitivity_frequency", "--sensitivity-frequency", "sensitivity_frequency", "sensitivity_frequency", "sensitivity frequency",
     value_kind::frequency, false, false, "1kHz", "Where the sensitivity was stated, when not at 1 kHz (500Hz)"},
    {"rated_power", "--rated-power", "rated_power", "rated_power", "rated power", value_kind::power, false, false, "200mW",
     "Headphone rated input power (200mW)"},
}};

enum class programme_field : std::uint8_t { target, crest, count };

inline constexpr std::array<field, static_cast<std::size_t>(programme_field::count)> programme_rows{{
    {"target", "--target", "target", "target", "average level", value_kind::level, false, false, "85dB",
     "Programme average level in dB SPL (85)"},
    {"crest", "--crest", "crest", "crest", "crest factor", value_kind::gain, true, false, "18dB",
     "Programme crest factor in dB, peak over RMS (default: a sine, 3.0103; music 12-20)"},
}};

// An attenuator or adapter between the output and the headphone (docs/physics.md section 10): a series resistor, a
// shunt across the headphone (an L-pad), and the power each resistor takes.
enum class attenuator_field : std::uint8_t { series, shunt, rating, count };

inline constexpr std::array<field, static_cast<std::size_t>(attenuator_field::count)> attenuator_rows{{
    {"series", "--series", "series", "series", "series resistance", value_kind::impedance, true, false, "75ohm",
     "A resistor in series between the output and the headphone: an IEM or impedance adapter (75ohm)"},
    {"shunt", "--shunt", "shunt", "shunt", "shunt resistance", value_kind::impedance, false, false, "1ohm",
     "With --series: a resistor across the headphone, making an L-pad attenuator (1ohm)"},
    {"resistor_rating", "--resistor-rating", "resistor_rating", "resistor_rating", "resistor rating", value_kind::power, false, false, "0.25W",
     "The power each resistor of the attenuator takes (default: 0.25 W assumed)"},
}};

// What a request names besides figures: catalog gear, an output and a setting of it, how a typed-in output is
// wired, an EQ, an impedance curve and an attenuator (headroom/frontend/request.hpp).
enum class request_field : std::uint8_t { headphone, amp, output, setting, bridge, balanced, eq, curve, driver, attenuator, count };

inline constexpr std::array<field, static_cast<std::size_t>(request_field::count)> request_rows{{
    {"", "--headphone", "headphone", "headphone", "headphone", value_kind::name, false, false, "Sennheiser HD600",
     "A headphone from the catalog, by name (\"Sennheiser HD600\")"},
    {"", "--amp", "amp", "amp", "amplifier", value_kind::name, false, false, "FiiO K19", "An amplifier from the catalog, by name"},
    {"", "--output", "output", "output", "output", value_kind::name, false, false, "balanced",
     "With --amp: one of its outputs, by name, kind (balanced, se) or connector (4.4mm)"},
    {"", "--gain", "gain", "setting", "setting", value_kind::name, false, false, "high",
     "With --amp: one of the output's settings, by name; else the gain after --source, in dB (6dB)"},
    {"", "--bridge", "bridge", "bridge", "bridge", value_kind::choice, false, false, "", "The figures describe one SE leg: analyse the bridged output"},
    {"", "--balanced", "topology", "topology", "topology", value_kind::choice, false, false, "balanced",
     "The figures already describe a balanced output"},
    {"", "--eq", "eq", "eq", "eq", value_kind::name, false, false, "ParametricEQ.txt",
     "An AutoEq ParametricEQ.txt: its boost is level the amplifier must deliver"},
    {"impedance_curve", "--impedance-curve", "curve", "curve", "impedance curve", value_kind::name, false, false, "hd600.csv",
     "CSV of frequency_hz,magnitude_ohm[,phase_deg]: analyse across 20 Hz-20 kHz"},
    {"driver", "--driver", "driver", "driver", "driver model", value_kind::name, false, false, "Re=32,Le=0.05mH,fs=100Hz,Qms=2,Qes=0.5",
     "Driver model instead of a curve: \"Re=32,Le=0.05mH,fs=100Hz,Qms=2,Qes=0.5\""},
    {"", "--attenuator", "attenuator", "attenuator", "attenuator", value_kind::name, false, false, "Etymotic ER4PT P-to-S adapter",
     "An attenuator or adapter from the catalog, by name, between the output and the headphone"},
}};

template <class Enum>
[[nodiscard]] constexpr std::size_t at(Enum e) noexcept {
    return static_cast<std::size_t>(e);
}

// ---- values as given -------------------------------------------------------------------------------------------

// A value as a face gives it: text as typed (a catalog's with its unit), a number in the field's SI base unit or in
// dB (the Python module), a list of texts (a power table), or a sensitivity already read (the Python module's).
using given = std::variant<std::string, double, std::vector<std::string>, stated_sensitivity>;

template <class Enum>
class values {
public:
    static constexpr std::size_t size = static_cast<std::size_t>(Enum::count);

    void set(Enum e, given v) { v_[at(e)] = std::move(v); }
    [[nodiscard]] const std::optional<given>& operator[](Enum e) const noexcept { return v_[at(e)]; }
    [[nodiscard]] bool has(Enum e) const noexcept { return v_[at(e)].has_value(); }
    [[nodiscard]] bool empty() const noexcept {
        for (const auto& v : v_)
            if (v) return false;
        return true;
    }

private:
    std::array<std::optional<given>, size> v_{};
};

using output_values = values<output_field>;
using headphone_values = values<headphone_field>;
using programme_values = values<programme_field>;
using attenuator_values = values<attenuator_field>;

// ---- from values to the model ----------------------------------------------------------------------------------

// An output's figures (or one setting's), read and checked field by field.
struct output_figures {
    std::optional<voltage> vmax, source_level, noise, snr_reference;
    std::optional<current> imax;
    std::optional<power> pmax, thermal_power;
    std::optional<impedance> source_resistance, zout;
    std::optional<gain> amplifier_gain, snr;
    std::optional<noise_weighting> weighting;
    std::optional<volume_control> volume;
    std::optional<std::vector<power_point>> points;

    // Whether any limit row is stated (a setting that states one replaces its output's limits as a set).
    [[nodiscard]] bool states_limits() const noexcept { return vmax || imax || pmax || thermal_power || source_resistance || points; }
};

// Reads each value as its row says (a catalog's text must spell its unit); throws input_error naming the field.
[[nodiscard]] output_figures read_output(const output_values& v, face f);

// A setting's figures over its output's: stating any limit replaces the output's limits as a set, because a switch
// changes which limit binds; a noise figure (noise or snr) replaces the output's; the other fields override singly.
[[nodiscard]] output_figures overlay(const output_figures& output, const output_figures& setting);

// The output stage the figures describe: a source level alone means unity gain, a gain needs its source level,
// noise comes stated or from an SNR (docs/physics.md section 9), at least one limit. Throws input_error naming the
// field as the face spells it (a model's range check included).
[[nodiscard]] output_stage make_output_stage(const output_figures& figures, topology kind, const std::string& name, face f);

// The headphone the values describe (impedance and sensitivity required); the curve, where there is one, as given.
[[nodiscard]] headphone make_headphone(const headphone_values& v, face f, const std::string& name,
                                       std::optional<impedance_curve> curve = std::nullopt);

// The programme the values describe; none without a target (a crest factor alone is refused).
[[nodiscard]] std::optional<programme> make_programme(const programme_values& v, face f);

// The attenuator the values describe (a series resistor, and a shunt and rating where given); none without any value.
// A shunt needs a series resistor (0 ohm is one), a rating needs a resistor.
[[nodiscard]] std::optional<attenuator> make_attenuator(const attenuator_values& v, face f, const std::string& name = "attenuator");

// The field a model's spec_error names (its model word), as the face spells it; "" when no row has it.
[[nodiscard]] std::string_view key_for(std::string_view model_field, face f) noexcept;

// Runs `make` (a model constructor), turning its spec_error into an input_error naming the field as the face spells
// it (`fallback` where no row has the model's word).
template <class Make>
auto checked(face f, std::string_view fallback, Make&& make) {
    try {
        return make();
    } catch (const spec_error& e) {
        const std::string_view key = key_for(e.field(), f);
        throw input_error{std::string{key.empty() ? fallback : key}, e.field() + " " + e.problem(), e.entity()};
    }
}

}  // namespace fields
}  // namespace headroom
