// parse.hpp's reader for where the standard library has no floating-point std::from_chars (emscripten's libc++,
// which the web page is built with): compiled here with the fallback forced, and held to std::from_chars on the
// same texts, so that the page and the command line accept and read the same numbers. A program of its own,
// because a translation unit with the fallback must not share parse.hpp's inline functions with the main suite.

#define HEADROOM_FLOAT_FROM_CHARS 0
#include "headroom/parse.hpp"

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace {

// What std::from_chars makes of the text: the characters it reads (-1: none) and the value.
struct reading {
    long used;
    double value;
};

reading with_from_chars(const std::string& s) {
    double v = -12345.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    return {ec == std::errc{} ? static_cast<long>(end - s.data()) : -1L, v};
}

reading with_fallback(const std::string& s) {
    double v = -12345.0;
    const char* end = headroom::detail::read_double(s.data(), s.data() + s.size(), v);
    return {end != nullptr ? static_cast<long>(end - s.data()) : -1L, v};
}

void same(const std::string& s) {
    const reading a = with_from_chars(s), b = with_fallback(s);
    INFO("text: '" << s << "'");
    CHECK(a.used == b.used);
    if (a.used >= 0 && b.used >= 0) {
        if (std::isnan(a.value)) {
            CHECK(std::isnan(b.value));
        } else {
            CHECK(std::memcmp(&a.value, &b.value, sizeof(double)) == 0);  // the same bits, signed zero included
        }
    }
}

}  // namespace

TEST_CASE("the fallback reads what std::from_chars reads, to the bit") {
    const std::vector<std::string> texts{
        "7.5", "7.5V", "7500mV", "300ohm", "0.25", ".5", "5.", "-3", "-0", "0", "00012", "1e3", "1E3", "1e", "1e+", "1e-2",
        "1.2e+3W", "2.5e-3mA", "97dB/mW", "327mV@94dB", "inf", "-inf", "Infinity", "INF", "nan", "nan(123)", "nan(",
        "+5", "-", ".", "-.", "e5", "", " 5", "0x1p3", "0x10", "1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e308",
        "0.1", "0.30000000000000004", "123456789012345678901234567890", "1.5 dB", "12..5", "3.0103dB", "1_000"};
    for (const auto& s : texts) same(s);
}

TEST_CASE("the fallback and std::from_chars agree on random decimal texts") {
    std::mt19937_64 rng{20240607};
    std::uniform_real_distribution<double> mantissa{-1000.0, 1000.0};
    std::uniform_int_distribution<int> exponent{-30, 30}, digits{1, 17};
    for (int k = 0; k < 20000; ++k) {
        char buffer[64];
        const double v = mantissa(rng) * std::pow(10.0, exponent(rng));
        const int n = std::snprintf(buffer, sizeof buffer, k % 2 ? "%.*e" : "%.*g", digits(rng), v);
        same(std::string{buffer, static_cast<std::size_t>(n)} + (k % 3 ? "" : "mV"));
    }
}

TEST_CASE("parse.hpp's readers give the same quantities through the fallback") {
    using namespace headroom;
    CHECK(value_in(parse_voltage("6.5Vpp"), volt) == doctest::Approx(6.5 / 2.0 / std::sqrt(2.0)).epsilon(1e-15));
    CHECK(value_in(parse_impedance("1.2kohm"), ohm) == 1200.0);
    CHECK(parse_stated_sensitivity("327mV@94dB").value.per_volt(in_si(300.0, ohm)).db() ==
          doctest::Approx(94.0 - 20.0 * std::log10(0.327)).epsilon(1e-15));
    CHECK_THROWS_AS((void)parse_voltage("+-5V"), parse_error);
    CHECK_THROWS_AS((void)parse_voltage("1e400V"), parse_error);
    CHECK_THROWS_AS((void)parse_voltage("inf"), parse_error);
}
