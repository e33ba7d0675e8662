#include <doctest/doctest.h>

#include "headroom/format.hpp"
#include "headroom/literals.hpp"

using namespace headroom;
using namespace headroom::literals;

TEST_CASE("quantities format with a readable SI prefix") {
    CHECK(fmt::format("{}", 250_mA) == "250 mA");
    CHECK(fmt::format("{}", 7.5_V) == "7.5 V");
    CHECK(fmt::format("{}", 3_uV) == "3 uV");
    CHECK(fmt::format("{}", 1.2_kHz) == "1.2 kHz");
    CHECK(fmt::format("{}", 300_ohm) == "300 ohm");
    CHECK(fmt::format("{}", 0.5_ohm) == "0.5 ohm");  // not "500 mohm"
    CHECK(fmt::format("{}", in_si(1200.0, ohm)) == "1.2 kohm");
    CHECK(fmt::format("{:.2f}", 19.95_mW) == "19.95 mW");
    CHECK(fmt::format("{}", 0_W) == "0 W");
}

TEST_CASE("decibels format with their meaning") {
    CHECK(fmt::format("{}", 6.0206_dB) == "+6.02 dB");
    CHECK(fmt::format("{}", -3_dB) == "-3.00 dB");
    CHECK(fmt::format("{:.1f}", 12_dB) == "12.0 dB");
    CHECK(fmt::format("{}", spl::of_db(85)) == "85.00 dB SPL");
    CHECK(fmt::format("{:.0f}", spl::of_db(110.2)) == "110 dB SPL");
}
