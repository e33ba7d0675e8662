#pragma once

// Decibels with a point/difference split. A `gain` is a ratio (a difference of levels); a `level<Reference>` is
// a point on a scale with a reference (dB SPL re 20 uPa). level - level = gain, level + gain = level;
// level + level is meaningless and deleted. Nothing converts silently from a bare double: a number becomes a
// decibel value only through a named factory that says whether it is a power ratio (10 lg) or a root-power
// ratio (20 lg), or through the `_dB` literal.

#include <cmath>
#include <compare>
#include <numbers>

namespace headroom {

namespace detail {
// 20 lg x written as (20 / ln 10) ln x: log() vectorises where log10() does not, and this keeps scalar and batch
// arithmetic identical to the last bit.
inline constexpr double db20_per_neper = 20.0 / std::numbers::ln10;
inline constexpr double db10_per_neper = 10.0 / std::numbers::ln10;
}  // namespace detail

// A ratio in decibels: an amplifier's gain, headroom, a crest factor, the loss across an output impedance.
class gain {
public:
    constexpr gain() noexcept = default;

    // No gain(double): say which ratio it is (of_db, of_power_ratio, of_voltage_ratio) or write 6.0_dB.
    gain(double) = delete;

    [[nodiscard]] static constexpr gain of_db(double db) noexcept { return gain{db, tag{}}; }
    // 10 lg of a power ratio (P2 / P1).
    [[nodiscard]] static gain of_power_ratio(double ratio) noexcept {
        return gain{detail::db10_per_neper * std::log(ratio), tag{}};
    }
    // 20 lg of a root-power (field) ratio: voltage, current, sound pressure.
    [[nodiscard]] static gain of_voltage_ratio(double ratio) noexcept {
        return gain{detail::db20_per_neper * std::log(ratio), tag{}};
    }

    [[nodiscard]] constexpr double db() const noexcept { return db_; }
    [[nodiscard]] double power_ratio() const noexcept { return std::pow(10.0, db_ / 10.0); }
    [[nodiscard]] double voltage_ratio() const noexcept { return std::pow(10.0, db_ / 20.0); }

    [[nodiscard]] friend constexpr gain operator+(gain a, gain b) noexcept { return of_db(a.db_ + b.db_); }
    [[nodiscard]] friend constexpr gain operator-(gain a, gain b) noexcept { return of_db(a.db_ - b.db_); }
    [[nodiscard]] friend constexpr gain operator-(gain a) noexcept { return of_db(-a.db_); }
    [[nodiscard]] friend constexpr gain operator*(double k, gain a) noexcept { return of_db(k * a.db_); }
    [[nodiscard]] friend constexpr auto operator<=>(gain a, gain b) noexcept = default;

private:
    struct tag {};
    constexpr gain(double db, tag) noexcept : db_{db} {}
    double db_ = 0.0;
};

// A level on the scale fixed by Reference (which names itself through Reference::unit).
template <class Reference>
class level {
public:
    using reference = Reference;

    constexpr level() noexcept = default;

    // No level(double): a level needs its reference; write level::of_db(85) or spl::of_db(85).
    level(double) = delete;

    [[nodiscard]] static constexpr level of_db(double db) noexcept { return level{db, tag{}}; }
    [[nodiscard]] constexpr double db() const noexcept { return db_; }

    [[nodiscard]] friend constexpr gain operator-(level a, level b) noexcept { return gain::of_db(a.db_ - b.db_); }
    [[nodiscard]] friend constexpr level operator+(level a, gain g) noexcept { return of_db(a.db_ + g.db()); }
    [[nodiscard]] friend constexpr level operator+(gain g, level a) noexcept { return of_db(a.db_ + g.db()); }
    [[nodiscard]] friend constexpr level operator-(level a, gain g) noexcept { return of_db(a.db_ - g.db()); }
    [[nodiscard]] friend constexpr auto operator<=>(level a, level b) noexcept = default;

    // Adding two levels has no meaning (two 80 dB sources make 83 dB, not 160): subtract to get a gain instead.
    friend level operator+(level, level) = delete;

private:
    struct tag {};
    constexpr level(double db, tag) noexcept : db_{db} {}
    double db_ = 0.0;
};

struct spl_reference {
    static constexpr const char* unit = "dB SPL";  // re 20 uPa
};

// Sound pressure level, dB re 20 uPa.
using spl = level<spl_reference>;

// The crest factor of a sine: peak / RMS = sqrt(2), 3.0103 dB.
inline constexpr gain sine_crest_factor = gain::of_db(3.0102999566398120);  // 10 lg 2

// 10^((3.0103 dB - CF) / 20): the RMS voltage a peak-type limit (rated for a sine) allows a programme of this crest
// factor, per volt of its sine rating. Exactly 1 for a sine.
[[nodiscard]] inline double peak_scale(gain crest_factor) noexcept {
    return (sine_crest_factor - crest_factor).voltage_ratio();
}

}  // namespace headroom
