#pragma once

// fmt formatters for the library's quantities and decibel types (opt-in: include this header to get them).
// Quantities print with an SI prefix chosen for readability ("250 mA", "7.5 V", "19.95 mW"); the format spec
// applies to the number ({:.3g} -> "19.9 mW"). Decibels print with their meaning: "+6.02 dB", "85.00 dB SPL".

#include "headroom/decibel.hpp"
#include "headroom/units.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string_view>
#include <type_traits>

namespace headroom::detail {

// Picks the SI prefix that puts |v| in [1, 1000): micro, milli, none or kilo.
struct prefixed {
    double value;
    std::string_view prefix;
};
// Impedances go down to fractions of an ohm without a prefix (nobody writes 500 mohm): small_prefixes = false.
[[nodiscard]] inline prefixed with_prefix(double v, bool small_prefixes = true) noexcept {
    const double a = std::abs(v);
    if (a == 0.0 || !std::isfinite(a) || (a >= 1.0 && a < 1e3) || (a < 1.0 && !small_prefixes)) return {v, ""};
    if (a >= 1e3) return {v * 1e-3, "k"};
    if (a >= 1e-3) return {v * 1e3, "m"};
    return {v * 1e6, "u"};
}

// Formats a number with the caller's spec (default {:.4g}) followed by a suffix.
template <class Suffix>
struct number_formatter {
    fmt::formatter<double> number;
    bool has_spec = false;

    constexpr auto parse(fmt::format_parse_context& ctx) {
        has_spec = ctx.begin() != ctx.end() && *ctx.begin() != '}';
        return number.parse(ctx);
    }
    template <class Context>
    auto write(double v, std::string_view suffix, Context& ctx) const {
        auto out = has_spec ? number.format(v, ctx) : fmt::format_to(ctx.out(), "{:.4g}", v);
        return fmt::format_to(out, "{}", suffix);
    }
};

template <class Unit>
[[nodiscard]] constexpr std::string_view unit_symbol() noexcept {
    namespace si = boost::units::si;
    if constexpr (std::is_same_v<Unit, si::electric_potential>) return "V";
    else if constexpr (std::is_same_v<Unit, si::current>) return "A";
    else if constexpr (std::is_same_v<Unit, si::resistance>) return "ohm";
    else if constexpr (std::is_same_v<Unit, si::power>) return "W";
    else if constexpr (std::is_same_v<Unit, si::frequency>) return "Hz";
    else if constexpr (std::is_same_v<Unit, si::time>) return "s";
    else static_assert(sizeof(Unit) == 0, "no symbol for this unit");
}

}  // namespace headroom::detail

template <class Unit>
struct fmt::formatter<boost::units::quantity<Unit>> : headroom::detail::number_formatter<Unit> {
    template <class Context>
    auto format(boost::units::quantity<Unit> q, Context& ctx) const {
        const auto p = headroom::detail::with_prefix(q.value(), !std::is_same_v<Unit, boost::units::si::resistance>);
        const std::string suffix = fmt::format(" {}{}", p.prefix, headroom::detail::unit_symbol<Unit>());
        return this->write(p.value, suffix, ctx);
    }
};

template <>
struct fmt::formatter<headroom::gain> : headroom::detail::number_formatter<headroom::gain> {
    template <class Context>
    auto format(headroom::gain g, Context& ctx) const {
        if (!this->has_spec) return fmt::format_to(ctx.out(), "{:+.2f} dB", g.db());
        return this->write(g.db(), " dB", ctx);
    }
};

template <class Reference>
struct fmt::formatter<headroom::level<Reference>> : headroom::detail::number_formatter<Reference> {
    template <class Context>
    auto format(headroom::level<Reference> l, Context& ctx) const {
        const std::string suffix = fmt::format(" {}", Reference::unit);
        if (!this->has_spec) return fmt::format_to(ctx.out(), "{:.2f}{}", l.db(), suffix);
        return this->write(l.db(), suffix, ctx);
    }
};
