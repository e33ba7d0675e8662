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

std::vector<headphone> with_realistic_curves(const std::vector<headphone>& headphones, std::uint64_t seed) {
    std::mt19937_64 rng{seed ^ 0x9e3779b97f4a7c15ULL};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto between = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
    std::vector<headphone> out;
    out.reserve(headphones.size());
    for (std::size_t k = 0; k < headphones.size(); ++k) {
        const headphone& h = headphones[k];
        const double z = value_in(h.nominal_impedance(), ohm);
        headphone_details d;
        switch (k % 3) {
            case 0: {  // dynamic: Z = Re + j w Le + Re Qms/Qes / (1 + j Qms (f/fs - fs/f)); the peak is Re (1 + Qms/Qes)
                const double peak = between(1.5, 6.0);
                const double qms = between(2.0, 8.0);
                d.curve = impedance_curve::driver(driver_model{in_si(0.9 * z, ohm), in_si(z * between(0.2e-6, 1.5e-6), henry),
                                                               in_si(between(40.0, 120.0), hertz), qms, qms / (peak - 1.0)},
                                                  "synthetic dynamic");
                break;
            }
            case 1:  // planar: flat
                d.curve = impedance_curve::tabulated({{in_si(20.0, hertz), in_si(z, ohm), 0.0},
                                                      {in_si(1000.0, hertz), in_si(z * between(0.98, 1.02), ohm), 0.0},
                                                      {in_si(20000.0, hertz), in_si(z * between(0.98, 1.02), ohm), 0.0}},
                                                     "synthetic planar");
                break;
            default: {  // multi-driver IEM: a deep minimum between the crossovers, phase swinging either side
                const double f_min = between(2000.0, 6000.0);
                const double depth = between(0.2, 0.6);
                const double swing = between(15.0, 45.0);
                d.curve = impedance_curve::tabulated({{in_si(20.0, hertz), in_si(z, ohm), 0.0},
                                                      {in_si(between(300.0, 900.0), hertz), in_si(z * between(1.0, 1.4), ohm), swing},
                                                      {in_si(f_min, hertz), in_si(z * depth, ohm), -swing},
                                                      {in_si(f_min * between(1.8, 3.0), hertz), in_si(z * between(0.8, 1.6), ohm), swing / 2.0},
                                                      {in_si(20000.0, hertz), in_si(z * between(0.5, 1.2), ohm), -swing / 2.0}},
                                                     "synthetic multi-driver IEM");
                break;
            }
        }
        out.emplace_back(h.name(), h.nominal_impedance(), h.stated_sensitivity(), std::move(d));
    }
    return out;
}

}  // namespace headroom::batch
