// Can a desktop amplifier drive a Sennheiser HD600, single-ended and bridged, for music with 18 dB peaks?
#include <headroom/analysis.hpp>
#include <headroom/literals.hpp>

#include <cstdio>

int main() {
    using namespace headroom;
    using namespace headroom::literals;

    // HD600: 300 ohm, 97 dB SPL/mW (maker's figure, as quoted by Sound On Sound).
    const headphone hd600{"Sennheiser HD600", 300_ohm, sensitivity::per_milliwatt(spl::of_db(97))};
    // A typical desktop amplifier leg: 7.5 Vrms swing, 250 mA, 0.5 ohm.
    const output_stage se{"desktop amp", {.open_circuit_voltage = 7.5_V, .current_limit = 250_mA, .output_impedance = 0.5_ohm}};
    const programme music{spl::of_db(90), 18_dB};

    for (const output_stage& out : {se, bridge(se)}) {
        const auto max = max_output(out, hd600);
        const auto h = headroom_for(out, hd600, music);
        std::printf("%-22s max %.1f dB SPL (%s-limited), headroom for 90 dB music with 18 dB peaks: %+.1f dB\n",
                    out.name().c_str(), max.max_level.db(), to_string(max.binding).data(), h.margin.db());
    }
}
