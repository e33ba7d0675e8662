#pragma once

// The library's errors. Every one derives from headroom::error (itself a std::invalid_argument: all of them are
// input that cannot be used): spec_error for an invalid specification, naming the entity (a headphone, an output
// stage, a sensitivity) and the field, so that a caller can point the user at the exact bad value; parse_error
// (parse.hpp) for text that is not the quantity it should be; io_error (io.hpp) for a file or catalog that cannot be
// read; input_error (fields.hpp) for an input named as the face that took it spells it.

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

namespace headroom {

class error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

class spec_error : public error {
public:
    spec_error(std::string entity, std::string field, std::string problem)
        : error{entity + ": " + field + " " + problem},
          entity_{std::move(entity)},
          field_{std::move(field)},
          problem_{std::move(problem)} {}

    [[nodiscard]] const std::string& entity() const noexcept { return entity_; }
    [[nodiscard]] const std::string& field() const noexcept { return field_; }
    [[nodiscard]] const std::string& problem() const noexcept { return problem_; }  // "must be positive"

private:
    std::string entity_;
    std::string field_;
    std::string problem_;
};

namespace detail {

// Shared checks for constructors: throw naming entity and field, never return a half-valid object.
inline void require_finite(double v, const std::string& entity, const char* field) {
    if (!std::isfinite(v)) throw spec_error{entity, field, "must be a finite number"};
}
inline void require_positive(double v, const std::string& entity, const char* field) {
    require_finite(v, entity, field);
    if (!(v > 0.0)) throw spec_error{entity, field, "must be positive"};
}
inline void require_non_negative(double v, const std::string& entity, const char* field) {
    require_finite(v, entity, field);
    if (v < 0.0) throw spec_error{entity, field, "must not be negative"};
}

// A finite value within [lo, hi] (or (0, hi] with lo == 0 and `positive`), in `unit` for the message.
inline void require_within(double v, double lo, double hi, const std::string& entity, const char* field,
                           const char* unit, bool positive = false) {
    require_finite(v, entity, field);
    if (positive && !(v > 0.0)) throw spec_error{entity, field, "must be positive"};
    if (v < lo || v > hi) {
        const auto number = [](double x) {  // "1e-09", "10000": the shortest form people read, never a rounded 0
            char text[32];
            std::snprintf(text, sizeof text, "%g", x);
            return std::string{text};
        };
        throw spec_error{entity, field, "must lie within " + number(lo) + " to " + number(hi) + (*unit ? " " : "") + unit};
    }
}

}  // namespace detail

// The physical ranges the model accepts (docs/model.md, "Ranges"). Values outside them are typing errors or
// units mixed up (a 1e308 dB target, a 1000 dB EQ boost), and would only produce infinities further on.
namespace ranges {
inline constexpr double min_voltage_v = 1e-6, max_voltage_v = 1e3;  // limits, source levels
inline constexpr double min_current_a = 1e-6, max_current_a = 100.0;
inline constexpr double min_power_w = 1e-9, max_power_w = 1e4;
inline constexpr double min_impedance_ohm = 1e-2;   // a headphone's (a ribbon's can be 0.1 ohm); Z_out may be 0
inline constexpr double max_impedance_ohm = 1e6;    // headphones, output and source resistances
inline constexpr double min_noise_v = 1e-9, max_noise_v = 10.0;
inline constexpr double min_level_db = 0.0;         // dB SPL: targets, sensitivities
inline constexpr double max_level_db = 200.0;
inline constexpr double max_gain_db = 60.0;         // amplifier gains, EQ gains and preamps, within +-60 dB
inline constexpr double max_crest_factor_db = 40.0;
inline constexpr double min_q = 0.01;               // EQ filters and driver models
inline constexpr double max_q = 100.0;
inline constexpr double max_frequency_hz = 1e6;
}  // namespace ranges

namespace detail {

inline void require_voltage(double v, const std::string& entity, const char* field) {
    require_within(v, ranges::min_voltage_v, ranges::max_voltage_v, entity, field, "V", true);
}
inline void require_current(double a, const std::string& entity, const char* field) {
    require_within(a, ranges::min_current_a, ranges::max_current_a, entity, field, "A", true);
}
inline void require_power(double w, const std::string& entity, const char* field) {
    require_within(w, ranges::min_power_w, ranges::max_power_w, entity, field, "W", true);
}
inline void require_impedance(double ohm, const std::string& entity, const char* field, bool zero_allowed = false) {
    require_within(ohm, zero_allowed ? 0.0 : ranges::min_impedance_ohm, ranges::max_impedance_ohm, entity, field, "ohm",
                   !zero_allowed);
}
inline void require_level(double db, const std::string& entity, const char* field) {
    require_within(db, ranges::min_level_db, ranges::max_level_db, entity, field, "dB SPL");
}
inline void require_gain(double db, const std::string& entity, const char* field) {
    require_within(db, -ranges::max_gain_db, ranges::max_gain_db, entity, field, "dB");
}

}  // namespace detail
}  // namespace headroom
