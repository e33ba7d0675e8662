#pragma once

// Values with units from text, written the way spec sheets and people write them: "7.5V", "250 mA", "6.5Vpp",
// "97dB/mW", "327mV@94dB". Used by the command line and the catalog loader, so both accept the same spellings.
// A bare number means the SI base unit (V, A, ohm, W) where that is the documented default; a sensitivity
// always needs its unit, because "97 dB" alone could be dB/mW or dB/V, a 5-15 dB difference.

#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/power_point.hpp"
#include "headroom/sensitivity.hpp"
#include "headroom/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

// Floating-point std::from_chars is missing from some standard libraries (libc++ before 17, which emscripten 3.1.6
// ships): there the same grammar is scanned by hand and converted by strtod (see detail::read_double).
// A test may define HEADROOM_FLOAT_FROM_CHARS 0 to run the fallback where from_chars exists.
#ifndef HEADROOM_FLOAT_FROM_CHARS
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#define HEADROOM_FLOAT_FROM_CHARS 1
#else
#define HEADROOM_FLOAT_FROM_CHARS 0
#endif
#endif
#if !HEADROOM_FLOAT_FROM_CHARS
#include <cerrno>
#include <cstdlib>
#endif

namespace headroom {

// Text that is not a value of the expected kind. The message says what was expected, with an example.
class parse_error : public error {
public:
    using error::error;
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

// Text quoted for a message: whole when short, else its start and its length, so that a 5 MB line pasted or read
// by mistake is not echoed back whole.
[[nodiscard]] inline std::string quoted(std::string_view text) {
    constexpr std::size_t most = 80;
    std::string q;
    q.reserve(std::min(text.size(), most) + 32);
    q += '\'';
    if (text.size() <= most) {
        q.append(text);
        q += '\'';
        return q;
    }
    std::size_t cut = 60;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;  // not inside a UTF-8 character
    q.append(text.substr(0, cut));
    q.append("...' (");
    q.append(std::to_string(text.size()));
    q.append(" characters)");
    return q;
}

// ASCII lower case: names and keywords compare ignoring case (a UTF-8 name's other bytes are left as they are).
[[nodiscard]] inline std::string lower(std::string_view s) {
    std::string out{s};
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// std::from_chars(first, last, value, std::chars_format::general): where the text starts with a number, stores it
// and returns the end of the number; else returns nullptr and leaves value alone.
[[nodiscard]] inline const char* read_double(const char* first, const char* last, double& value) {
#if HEADROOM_FLOAT_FROM_CHARS
    const auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
    return ec == std::errc{} ? end : nullptr;
#else
    // from_chars' grammar: an optional '-', then inf, infinity, nan, nan(chars), or digits with an optional
    // fraction and an optional exponent (taken only when complete). No '+', no leading space, no hex.
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    const auto starts = [&](const char* p, std::string_view word) {
        if (static_cast<std::size_t>(last - p) < word.size()) return false;
        for (std::size_t k = 0; k < word.size(); ++k)
            if (lower(p[k]) != word[k]) return false;
        return true;
    };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const char* p = first;
    if (p != last && *p == '-') ++p;
    if (starts(p, "infinity")) {
        p += 8;
    } else if (starts(p, "inf")) {
        p += 3;
    } else if (starts(p, "nan")) {
        p += 3;
        if (p != last && *p == '(') {
            const char* q = p + 1;
            while (q != last && (digit(*q) || (lower(*q) >= 'a' && lower(*q) <= 'z') || *q == '_')) ++q;
            if (q != last && *q == ')') p = q + 1;
        }
    } else {
        const char* mantissa = p;
        while (p != last && digit(*p)) ++p;
        bool digits = p != mantissa;
        if (p != last && *p == '.') {
            const char* fraction = ++p;
            while (p != last && digit(*p)) ++p;
            digits = digits || p != fraction;
        }
        if (!digits) return nullptr;
        if (p != last && (*p == 'e' || *p == 'E')) {
            const char* q = p + 1;
            if (q != last && (*q == '+' || *q == '-')) ++q;
            const char* exponent = q;
            while (q != last && digit(*q)) ++q;
            if (q != exponent) p = q;
        }
    }
    const std::string text{first, p};
    errno = 0;
    const double v = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE && (v == 0.0 || std::isinf(v))) return nullptr;  // from_chars: result_out_of_range
    value = v;
    return p;
#endif
}

// Splits "7.5 mV" into 7.5 and "mV". Throws unless the text starts with a finite number.
[[nodiscard]] inline std::pair<double, std::string_view> split_number(std::string_view text, std::string_view what) {
    const std::string_view s = trim(text);
    double value = 0.0;
    const char* first = s.data();
    // from_chars does not take a leading '+'; skip one, but not in "+-5", which would then read as -5.
    if (s.size() > 1 && s.front() == '+' && s[1] != '-') ++first;
    const char* end = read_double(first, s.data() + s.size(), value);
    if (end == nullptr || s.empty())
        throw parse_error{detail::quoted(text) + " is not " + std::string{what}};
    if (!std::isfinite(value)) throw parse_error{detail::quoted(text) + " is not a finite number"};
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
    throw parse_error{detail::quoted(text) + " is not " + std::string{what} + " (units: " + expected +
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

// A sensitivity as a spec sheet states it, and the frequency it names, if any.
struct stated_sensitivity {
    sensitivity value;
    std::optional<frequency> at;  // "97 dB/mW @ 500 Hz": where the maker measured it
};

namespace detail {

// Lower case, "µ" as "u", and whitespace kept: the sensitivity parser works on this spelling.
[[nodiscard]] inline std::string folded_sensitivity(std::string_view text) {
    std::string t;
    for (std::size_t k = 0; k < text.size(); ++k) {
        const auto c = static_cast<unsigned char>(text[k]);
        if (c == 0xC2 && k + 1 < text.size() && static_cast<unsigned char>(text[k + 1]) == 0xB5) {  // µ
            t += 'u';
            ++k;
        } else if (c == 0xC2 && k + 1 < text.size() && static_cast<unsigned char>(text[k + 1]) == 0xB1) {  // ±
            t += "+/-";
            ++k;
        } else {
            t += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
    }
    return t;
}

inline void erase_all(std::string& t, std::string_view what) {
    for (auto at = t.find(what); at != std::string::npos; at = t.find(what)) t.erase(at, what.size());
}

[[nodiscard]] inline bool number_char(char c) noexcept { return (c >= '0' && c <= '9') || c == '.'; }

// Takes "<number> [k]hz" out of t (with a connector before it: "@", "at", "/", ","), returning it in Hz.
[[nodiscard]] inline std::optional<double> take_frequency(std::string& t, std::string_view original) {
    const auto hz = t.find("hz");
    if (hz == std::string::npos) return std::nullopt;
    std::size_t start = hz;
    double scale = 1.0;
    if (start > 0 && t[start - 1] == 'k') --start, scale = 1e3;
    while (start > 0 && t[start - 1] == ' ') --start;
    std::size_t number = start;
    while (number > 0 && number_char(t[number - 1])) --number;
    if (number == start) throw parse_error{detail::quoted(original) + " names a frequency without its number"};
    // The run of digits and points must be one number ("1.2.3 hz" and ". hz" are not): read as every number here
    // is (from_chars, whatever the locale), never by std::stod, which throws its own exceptions.
    const std::string_view run = std::string_view{t}.substr(number, start - number);
    if (std::count(run.begin(), run.end(), '.') > 1 || run.find_first_of("0123456789") == std::string_view::npos)
        throw parse_error{detail::quoted(original) + " names a frequency that is not a number"};
    const double value = split_number(run, "a number").first * scale;
    std::size_t from = number;
    while (from > 0 && t[from - 1] == ' ') --from;
    if (from >= 2 && t.compare(from - 2, 2, "at") == 0) from -= 2;
    else if (from >= 1 && (t[from - 1] == '@' || t[from - 1] == '/' || t[from - 1] == ',')) from -= 1;
    t.erase(from, hz + 2 - from);
    if (t.find("hz") != std::string::npos) throw parse_error{detail::quoted(original) + " names two frequencies"};
    return value;
}

// A tolerance after the level ("97 dB +/-3 dB") says nothing about the sensitivity itself: dropped.
inline void erase_tolerance(std::string& t) {
    for (const std::string_view sign : {"+/-", "+-"}) {
        for (auto at = t.find(sign); at != std::string::npos; at = t.find(sign, at + 1)) {
            if (at == 0) continue;  // "+-97dB/mW" is a malformed level, not a tolerance
            std::size_t end = at + sign.size();
            while (end < t.size() && (t[end] == ' ' || number_char(t[end]))) ++end;
            if (t.compare(end, 2, "db") != 0) continue;
            t.erase(at, end + 2 - at);
            at = 0;
        }
    }
}

}  // namespace detail

// A sensitivity in the forms makers and measurers publish. The unit is required; spellings seen on spec sheets are
// accepted: "97dB/mW", "97 dB SPL/1mW", "96dB(1mW)", "102.2dB/V", "96dB/1Vrms", "94.6dB@5mA", "327mV@94dB",
// "94dB@100mV", "97 dB/mW +/-3 dB", "98 dB SPL/1 mW @ 1 kHz", "104 dB SPL (1 kHz, 1 Vrms)", "95dB@10mW". A
// frequency, where one is named, is returned beside the sensitivity.
[[nodiscard]] inline stated_sensitivity parse_stated_sensitivity(std::string_view text) {
    const std::string original{text};
    const auto fail = [&original] {
        return parse_error{detail::quoted(original) + " is not a sensitivity: give its unit, as in 97dB/mW, 102.2dB/V, 94.6dB@5mA or 327mV@94dB"};
    };
    std::string t = detail::folded_sensitivity(text);
    detail::erase_tolerance(t);
    detail::erase_all(t, "spl");
    detail::erase_all(t, "rms");
    std::optional<frequency> at;
    if (const auto hz = detail::take_frequency(t, original)) at = in_si(*hz, hertz);
    // Punctuation: brackets are another way to write "/", commas and spaces say nothing.
    std::string u;
    for (const char c : t) {
        if (c == ' ' || c == '\t' || c == ')' || c == ']' || c == ',' || c == ';') continue;
        u += (c == '(' || c == '[') ? '/' : c;
    }
    detail::erase_all(u, "//");
    while (!u.empty() && (u.back() == '/' || u.back() == '@')) u.pop_back();
    const auto number_only = [&](std::string_view s) {
        try {
            const auto [value, rest] = detail::split_number(s, "a number");
            if (rest.empty()) return value;
        } catch (const parse_error&) {
        }
        throw fail();
    };
    // A reference quantity after the level: its number and unit ("5ma", "100mv", "10mw"; bare is a current in A).
    const auto with_reference = [&](double level, std::string_view ref) -> sensitivity {
        if (ref == "mw" || ref == "1mw") return sensitivity::per_milliwatt(spl::of_db(level));
        if (ref == "v" || ref == "1v") return sensitivity::per_volt(spl::of_db(level));
        double value = 0.0;
        std::string_view unit;
        try {
            std::tie(value, unit) = detail::split_number(ref, "a number");
        } catch (const parse_error&) {
            throw fail();
        }
        constexpr std::pair<std::string_view, double> currents[] = {{"", 1.0}, {"a", 1.0}, {"ma", 1e-3}, {"ua", 1e-6}};
        constexpr std::pair<std::string_view, double> voltages[] = {{"v", 1.0}, {"mv", 1e-3}, {"uv", 1e-6}};
        constexpr std::pair<std::string_view, double> powers[] = {{"mw", 1e-3}, {"uw", 1e-6}};
        for (const auto& [name, scale] : currents)
            if (unit == name) return sensitivity::at_current(spl::of_db(level), in_si(value * scale, ampere));
        for (const auto& [name, scale] : voltages)
            if (unit == name) return sensitivity::voltage_for(in_si(value * scale, volt), spl::of_db(level));
        for (const auto& [name, scale] : powers)
            if (unit == name) {
                if (!(value > 0.0)) throw parse_error{detail::quoted(original) + ": the reference power must be positive"};
                return sensitivity::per_milliwatt(spl::of_db(level) - gain::of_power_ratio(value * scale / 1e-3));
            }
        throw fail();
    };
    const auto level_of = [&](std::string_view s) -> std::optional<double> {  // "97db"
        if (s.size() < 3 || s.substr(s.size() - 2) != "db") return std::nullopt;
        return number_only(s.substr(0, s.size() - 2));
    };
    if (const auto sep = u.find('@'); sep != std::string::npos) {  // "94.6db@5ma", "94db@100mv", "327mv@94db"
        const std::string_view left = std::string_view{u}.substr(0, sep), right = std::string_view{u}.substr(sep + 1);
        if (const auto level = level_of(left)) {
            if (right.empty()) throw fail();
            return {with_reference(*level, right), at};
        }
        if (const auto level = level_of(right)) {
            double value = 0.0;
            std::string_view unit;
            try {
                std::tie(value, unit) = detail::split_number(left, "a number");
            } catch (const parse_error&) {
                throw fail();
            }
            constexpr std::pair<std::string_view, double> voltages[] = {{"", 1.0}, {"v", 1.0}, {"mv", 1e-3}, {"uv", 1e-6}};
            for (const auto& [name, scale] : voltages)
                if (unit == name) return {sensitivity::voltage_for(in_si(value * scale, volt), spl::of_db(*level)), at};
        }
        throw fail();
    }
    if (const auto db = u.find("db"); db != std::string::npos) {  // "97db/mw", "96db/1v"
        const auto slash = u.find('/', db);
        if (slash == std::string::npos || slash + 1 == u.size()) throw fail();
        if (const auto level = level_of(std::string_view{u}.substr(0, slash)))
            return {with_reference(*level, std::string_view{u}.substr(slash + 1)), at};
    }
    throw fail();
}

// A sensitivity in one of the published forms, for text that names no frequency other than 1 kHz (use
// parse_stated_sensitivity to keep a stated frequency).
[[nodiscard]] inline sensitivity parse_sensitivity(std::string_view text) {
    const stated_sensitivity s = parse_stated_sensitivity(text);
    if (s.at && value_in(*s.at, hertz) != 1000.0)
        throw parse_error{detail::quoted(text) + " is stated at " + std::to_string(value_in(*s.at, hertz)) +
                          " Hz: keep the frequency with the sensitivity (parse_stated_sensitivity)"};
    return s.value;
}

// A spec sheet's power into a load: "1.2W@32ohm", "300mW @ 300" (a bare load is in ohm, a bare power in W).
[[nodiscard]] inline power_point parse_power_point(std::string_view text) {
    const auto at = text.find('@');
    if (at == std::string_view::npos)
        throw parse_error{detail::quoted(text) + " is not a power into a load (e.g. 1.2W@32ohm)"};
    return {parse_power(text.substr(0, at)), parse_impedance(text.substr(at + 1))};
}

}  // namespace headroom
