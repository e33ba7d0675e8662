// Uses the installed library the way another audio tool would; exits non-zero if the answer is wrong.
#include <headroom/batch/pack.hpp>
#include <headroom/batch/sweep.hpp>
#include <headroom/catalog.hpp>
#include <headroom/headroom.hpp>

#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

int main() {
    using namespace headroom;
    using namespace headroom::literals;
    const headphone hd600{"Sennheiser HD600", 300_ohm, sensitivity::per_milliwatt(spl::of_db(97))};
    const output_stage amp{"amp", {.open_circuit_voltage = 10_V}};
    const auto need = requirement_for(hd600, programme{spl::of_db(110)});
    const double mw = value_in(need.load_power, watt) * 1e3;  // NwAvGuy: 19.95 mW for a 110 dB sine
    std::printf("headroom %s: %.2f mW for 110 dB, max %.2f dB SPL\n", HEADROOM_VERSION_STRING, mw,
                max_output(amp, hd600).max_level.db());
    // The compiled catalog loader, from headroom::catalog.
    const auto phones = parse_headphone_catalog(
        R"({"format": "headroom-catalog-1", "headphones": [{"name": "Sennheiser HD600", "type": "over-ear dynamic",
            "impedance": "300ohm", "sensitivity": "97dB/mW", "basis": "spec",
            "source": "https://www.soundonsound.com/reviews/sennheiser-hd600"}]})",
        "inline.json");
    const bool catalog_ok = phones.size() == 1 && phones.front().name() == "Sennheiser HD600";
    // The compiled batch engine, from headroom::batch: the same maximum level as the scalar model.
    const std::vector<output_stage> amps{amp};
    const std::vector<headphone> hps{hd600};
    const auto r = batch::sweep(batch::pack<double>(std::span<const output_stage>{amps}), batch::pack<double>(std::span<const headphone>{hps}),
                                spl::of_db(85), sine_crest_factor, {.top_k = 1});
    const bool batch_ok = std::abs(r.best(0)[0].max_spl.db() - max_output(amp, hd600).max_level.db()) < 1e-9;
    std::printf("batch engine: %s path, %.2f dB SPL max\n", std::string{batch::to_string(r.path())}.c_str(), r.best(0)[0].max_spl.db());
    return std::abs(mw - 19.95) < 0.01 && catalog_ok && batch_ok ? 0 : 1;
}
