// Uses the installed batch engine (headroom::batch) the way a catalog study would; exits non-zero if its answer
// differs from the scalar model's.
#include <headroom/batch/pack.hpp>
#include <headroom/batch/sweep.hpp>
#include <headroom/headroom.hpp>

#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

int main() {
    using namespace headroom;
    using namespace headroom::literals;
    const std::vector<headphone> hps{{"Sennheiser HD600", 300_ohm, sensitivity::per_milliwatt(spl::of_db(97))},
                                     {"a 16 ohm IEM", 16_ohm, sensitivity::per_milliwatt(spl::of_db(110))}};
    const std::vector<output_stage> amps{{"amp", {.open_circuit_voltage = 10_V, .output_impedance = 1_ohm}}};
    const auto r = batch::sweep(batch::pack<double>(std::span<const output_stage>{amps}),
                                batch::pack<double>(std::span<const headphone>{hps}), spl::of_db(85),
                                sine_crest_factor, {.top_k = 1});
    bool ok = r.pairs() == 2;
    for (std::size_t i = 0; i < hps.size(); ++i) {
        const double batch_db = r.best(i)[0].max_spl.db(), scalar_db = max_output(amps[0], hps[i]).max_level.db();
        std::printf("%s: %.4f dB SPL max (batch engine, %s path), %.4f (scalar model)\n", hps[i].name().c_str(),
                    batch_db, std::string{batch::to_string(r.path())}.c_str(), scalar_db);
        ok = ok && std::abs(batch_db - scalar_db) < 1e-9;
    }
    return ok ? 0 : 1;
}
