#include "headroom/batch/synthetic.hpp"

#include <cmath>
#include <random>
#include <string>

namespace headroom::batch {

synthetic_catalog make_synthetic(std::size_t outputs, std::size_t headphones, std::uint64_t seed) {
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto between = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
    synthetic_catalog c;
    c.outputs.reserve(outputs);
    for (std::size_t k = 0; k < outputs; ++k) {
        output_spec s;
        s.open_circuit_voltage = in_si(between(0.5, 20.0), volt);
        s.current_limit = in_si(between(0.02, 1.0), ampere);
        s.output_impedance = in_si(between(0.0, 10.0), ohm);
        s.clipping_power = in_si(between(0.05, 5.0), watt);
        c.outputs.emplace_back("synthetic output " + std::to_string(k), s);
    }
    c.headphones.reserve(headphones);
    for (std::size_t k = 0; k < headphones; ++k) {
        const double r = 8.0 * std::pow(600.0 / 8.0, u(rng));
        c.headphones.emplace_back("synthetic headphone " + std::to_string(k), in_si(r, ohm),
                                  sensitivity::per_volt(spl::of_db(between(90.0, 125.0))));
    }
    return c;
}

}  // namespace headroom::batch
