#pragma once

// The frequencies analyses across the audio band are evaluated at, held in Eigen arrays: every figure across
// frequency (response deviation, worst-case headroom, EQ boost, plots) is a reduction over such a grid.

#include "headroom/error.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/units.hpp"

#include <Eigen/Core>

#include <cmath>
#include <vector>

namespace headroom {

// The frequencies in Hz, ascending. One of them is exactly 1 kHz, the frequency at which sensitivity and nominal
// impedance are stated, so deviations "from 1 kHz" need no interpolation.
struct frequency_grid {
    Eigen::ArrayXd hz;
    Eigen::Index reference_index = 0;  // where hz == 1000 exactly

    [[nodiscard]] Eigen::Index size() const noexcept { return hz.size(); }
    [[nodiscard]] frequency at(Eigen::Index i) const noexcept { return in_si(hz[i], hertz); }
};

// 20 Hz to 20 kHz in steps of 1/steps_per_octave octave anchored at 1 kHz (f = 1 kHz * 2^(k/n)), with the band
// edges 20 Hz and 20 kHz themselves added: 1/48 octave (the default) resolves a Q = 10 resonance to 0.1 dB.
[[nodiscard]] inline frequency_grid audio_band_grid(int steps_per_octave = 48) {
    if (steps_per_octave < 1 || steps_per_octave > 10000)
        throw spec_error{"frequency grid", "steps per octave", "must lie within 1 to 10000"};
    const double n = steps_per_octave;
    const auto k_low = static_cast<int>(std::floor(n * std::log2(20.0 / 1000.0)));
    const auto k_high = static_cast<int>(std::ceil(n * std::log2(20000.0 / 1000.0)));
    std::vector<double> hz{20.0};
    Eigen::Index reference = 0;
    for (int k = k_low; k <= k_high; ++k) {
        const double f = k == 0 ? 1000.0 : 1000.0 * std::exp2(k / n);
        if (f <= 20.0 * (1.0 + 1e-9) || f >= 20000.0 * (1.0 - 1e-9)) continue;  // the exact edges are added
        if (k == 0) reference = static_cast<Eigen::Index>(hz.size());
        hz.push_back(f);
    }
    hz.push_back(20000.0);
    frequency_grid g;
    g.hz = Eigen::Map<const Eigen::ArrayXd>(hz.data(), static_cast<Eigen::Index>(hz.size()));
    g.reference_index = reference;
    return g;
}

// Z on every frequency of the grid, in ohm.
[[nodiscard]] inline Eigen::ArrayXcd ohms_on(const impedance_curve& z, const frequency_grid& g) {
    Eigen::ArrayXcd out(g.size());
    for (Eigen::Index i = 0; i < g.size(); ++i) out[i] = z.ohms_at(g.at(i));
    return out;
}

}  // namespace headroom
