#pragma once

// Values with units from text, written the way spec sheets and people write them: "7.5V", "250 mA", "6.5Vpp",
// "97dB/mW", "327mV@94dB". Used by the command line and the catalog loader, so both accept the same spellings.
// A bare number means the SI base unit (V, A, ohm, W) where that is the documented default; a sensitivity
// always needs its unit, because "97 dB" alone could be dB/mW or dB/V, a 5-15 dB difference.

#include "headroom/decibel.hpp"
#include "headroom/power_point.hpp"
#include "headroom/sensitivity.hpp"
#include "headroom/units.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace headroom {

// Text that is not a value of the expected kind. The message says what was expected, with an example.
class parse_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

namespace detail {

struct unit_spelling {
    std::string_view text;
    double scale;  // to the SI base unit
};

[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Splits "7.5 mV" into 7.5 and "mV". Throws unless the text starts with a finite number.
[[nodiscard]] inline std::pair<double, std::string_view> split_number(std::string_view text, std::string_view what) {
    const std::string_view s = trim(text);
    double value = 0.0;
    const char* first = s.data();
    // from_chars does not take a leading '+'; skip one, but not in "+-5", which would then read as -5.
    if (s.size() > 1 && s.front() == '+' && s[1] != '-') ++first;
    const auto [end, ec] = std::from_chars(first, s.data() + s.size(), value, std::chars_format::general);
    if (ec != std::errc{} || s.empty())
        throw parse_error{"'" + std::string{text} + "' is not " + std::string{what}};
    if (!std::isfinite(value)) throw parse_error{"'" + std::string{text} + "' is not a finite number"};
    return {value, trim(std::string_view{end, static_cast<std::size_t>(s.data() + s.size() - end)})};
}

// A number with one of the listed unit spellings (or none, if bare_scale is non-zero).
[[nodiscard]] inline double parse_scaled(std::string_view text, std::string_view what,
                                         std::initializer_list<unit_spelling> units, double bare_scale,
                                         std::string_view example) {
    const auto [value, unit] = split_number(text, what);
    if (unit.empty()) {
        if (bare_scale != 0.0) return value * bare_scale;
    } else {
        for (const auto& u : units)
            if (u.text == unit) return value * u.scale;
    }
    std::string expected;
    for (const auto& u : units) expected += (expected.empty() ? "" : ", ") + std::string{u.text};
    throw parse_error{"'" + std::string{text} + "' is not " + std::string{what} + " (units: " + expected +
                      (bare_scale != 0.0 ? "; a bare number is in " + std::string{units.begin()->text} : "") +
                      "; e.g. " + std::string{example} + ")"};
}

inline constexpr double rms_per_peak = 1.0 / std::numbers::sqrt2;
inline constexpr double rms_per_peak_to_peak = 0.5 / std::numbers::sqrt2;

}  // namespace detail

// An RMS voltage: "7.5", "7.5V", "7500mV", "3uV", "1.25Vrms", or a sine's "4.6Vpk" / "6.5Vpp" (converted to RMS).
[[nodiscard]] inline voltage parse_voltage(std::string_view text) {
    using detail::rms_per_peak, detail::rms_per_peak_to_peak;
    return in_si(detail::parse_scaled(text, "a voltage",
                                      {{"V", 1.0}, {"mV", 1e-3}, {"uV", 1e-6}, {"µV", 1e-6},
                                       {"Vrms", 1.0}, {"mVrms", 1e-3}, {"uVrms", 1e-6},
                                       {"Vpk", rms_per_peak}, {"mVpk", 1e-3 * rms_per_peak},
                                       {"Vpp", rms_per_peak_to_peak}, {"mVpp", 1e-3 * rms_per_peak_to_peak}},
                                      1.0, "7.5V"),
                 volt);
}

// An RMS current: "0.25", "0.25A", "250mA", "4.6mApk".
[[nodiscard]] inline current parse_current(std::string_view text) {
    using detail::rms_per_peak;
    return in_si(detail::parse_scaled(text, "a current",
                                      {{"A", 1.0}, {"mA", 1e-3}, {"uA", 1e-6}, {"Arms", 1.0}, {"mArms", 1e-3},
                                       {"Apk", rms_per_peak}, {"mApk", 1e-3 * rms_per_peak}},
                                      1.0, "250mA"),
                 ampere);
}

// An average power: "1", "1W", "1000mW".
[[nodiscard]] inline power parse_power(std::string_view text) {
    return in_si(detail::parse_scaled(text, "a power", {{"W", 1.0}, {"mW", 1e-3}, {"uW", 1e-6}}, 1.0, "200mW"), watt);
}

// An impedance: "300", "300ohm", "300 Ω", "1.2kohm".
[[nodiscard]] inline impedance parse_impedance(std::string_view text) {
    return in_si(detail::parse_scaled(text, "an impedance",
                                      {{"ohm", 1.0}, {"ohms", 1.0}, {"Ω", 1.0}, {"kohm", 1e3}, {"kΩ", 1e3}}, 1.0,
                                      "300ohm"),
                 ohm);
}

// A frequency: "1000", "1000Hz", "1kHz".
[[nodiscard]] inline frequency parse_frequency(std::string_view text) {
    return in_si(detail::parse_scaled(text, "a frequency", {{"Hz", 1.0}, {"kHz", 1e3}}, 1.0, "1kHz"), hertz);
}

// A gain or crest factor in dB: "6", "6dB", "-4.5 dB".
[[nodiscard]] inline gain parse_gain(std::string_view text) {
    return gain::of_db(detail::parse_scaled(text, "a gain in dB", {{"dB", 1.0}}, 1.0, "6dB"));
}

// A sound pressure level: "85", "85dB", "85 dB SPL".
[[nodiscard]] inline spl parse_spl(std::string_view text) {
    return spl::of_db(detail::parse_scaled(text, "a level in dB SPL", {{"dB", 1.0}, {"dBSPL", 1.0}, {"dB SPL", 1.0}},
                                           1.0, "85dB"));
}

// A sensitivity in one of the four published forms; the unit is required:
//   "97dB/mW"  "102.2dB/V"  "94.6dB@5mA"  "327mV@94dB"  ("dB SPL" may stand for "dB", "Vrms" for "V").
[[nodiscard]] inline sensitivity parse_sensitivity(std::string_view text) {
    const std::string t{text};
    const auto fail = [&t] {
        return parse_error{"'" + t +
                           "' is not a sensitivity: give its unit, as in 97dB/mW, 102.2dB/V, 94.6dB@5mA or 327mV@94dB"};
    };
    const auto strip_db = [](std::string_view s) -> std::string_view {
        s = detail::trim(s);
        for (std::string_view suffix : {"dB SPL", "dBSPL", "dB"})
            if (s.ends_with(suffix)) return detail::trim(s.substr(0, s.size() - suffix.size()));
        return {};
    };
    const auto number_only = [&](std::string_view s) {
        const auto [value, rest] = detail::split_number(s, "a number");
        if (!rest.empty()) throw fail();
        return value;
    };
    const auto at = t.find('@');
    if (at != std::string::npos) {
        const std::string_view left = std::string_view{t}.substr(0, at);
        const std::string_view right = std::string_view{t}.substr(at + 1);
        if (const auto level = strip_db(left); !level.empty())  // "94.6dB@5mA"
            return sensitivity::at_current(spl::of_db(number_only(level)), parse_current(right));
        const auto level = strip_db(right);  // "327mV@94dB"
        if (level.empty()) throw fail();
        return sensitivity::voltage_for(parse_voltage(left), spl::of_db(number_only(level)));
    }
    const auto slash = t.rfind('/');
    if (slash == std::string::npos) throw fail();
    const auto level = strip_db(std::string_view{t}.substr(0, slash));
    const auto per = detail::trim(std::string_view{t}.substr(slash + 1));
    if (level.empty()) throw fail();
    if (per == "mW") return sensitivity::per_milliwatt(spl::of_db(number_only(level)));
    if (per == "V" || per == "Vrms") return sensitivity::per_volt(spl::of_db(number_only(level)));
    throw fail();
}

// A spec sheet's power into a load: "1.2W@32ohm", "300mW @ 300" (a bare load is in ohm, a bare power in W).
[[nodiscard]] inline power_point parse_power_point(std::string_view text) {
    const auto at = text.find('@');
    if (at == std::string_view::npos)
        throw parse_error{"'" + std::string{text} + "' is not a power into a load (e.g. 1.2W@32ohm)"};
    return {parse_power(text.substr(0, at)), parse_impedance(text.substr(at + 1))};
}

}  // namespace headroom
