// Uses the installed header-only model the way another audio tool would; exits non-zero if the answer is wrong.
#include <headroom/headroom.hpp>

#include <cmath>
#include <cstdio>

int main() {
    using namespace headroom;
    using namespace headroom::literals;
    const headphone hd600{"Sennheiser HD600", 300_ohm, sensitivity::per_milliwatt(spl::of_db(97))};
    const output_stage amp{"amp", {.open_circuit_voltage = 10_V}};
    const auto need = requirement_for(hd600, programme{spl::of_db(110)});
    const double mw = value_in(need.load_power, watt) * 1e3;  // NwAvGuy: 19.95 mW for a 110 dB sine
    std::printf("headroom %s: %.2f mW for 110 dB, max %.2f dB SPL\n", HEADROOM_VERSION_STRING, mw,
                max_output(amp, hd600).max_level.db());
    return std::abs(mw - 19.95) < 0.01 ? 0 : 1;
}
