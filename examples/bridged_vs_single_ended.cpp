// Does a balanced (bridged) output give four times the power? Only where the voltage limits: a bridged pair of
// amplifiers swings twice the voltage into the same load, but each side still delivers at most its own current,
// so into low impedances, where the current limits, the gain shrinks to nothing (docs/physics.md section 4).
#include <headroom/analysis.hpp>
#include <headroom/literals.hpp>

#include <cstdio>
#include <string>

int main() {
    using namespace headroom;
    using namespace headroom::literals;

    // An illustrative single-ended output: 5 Vrms open-circuit, 150 mA, 1 ohm.
    const output_stage se{"single-ended", {.open_circuit_voltage = 5_V, .current_limit = 150_mA, .output_impedance = 1_ohm}};
    const output_stage bal = bridge(se);

    std::printf("%8s  %-24s  %-24s  %s\n", "load", "single-ended", "bridged", "power ratio");
    for (const double ohms : {16.0, 32.0, 50.0, 80.0, 150.0, 300.0, 600.0}) {
        // Sensitivity does not change the power an output can deliver; any value will do.
        const headphone load{std::to_string(ohms), in_si(ohms, ohm), sensitivity::per_volt(spl::of_db(100))};
        const operating_point a = max_output(se, load);
        const operating_point b = max_output(bal, load);
        const double pa = value_in(a.load_power, watt);
        const double pb = value_in(b.load_power, watt);
        std::printf("%5.0f ohm  %7.1f mW (%-7s limit)  %7.1f mW (%-7s limit)  x%.2f\n", ohms, 1e3 * pa,
                    to_string(a.binding).data(), 1e3 * pb, to_string(b.binding).data(), pb / pa);
    }
}
