// Graph data (headroom/frontend/plots.hpp).

#include "headroom/frontend/plots.hpp"

#include "headroom/analysis.hpp"

#include <algorithm>
#include <cmath>

namespace headroom::frontend {

namespace {

template <class StageAt>
load_sweep sweep(std::pair<double, double> range, int steps, StageAt stage_at, const attenuator* att) {
    load_sweep s;
    for (int i = 0; i <= steps; ++i) {
        const double r = range.first * std::pow(range.second / range.first, static_cast<double>(i) / steps);
        const auto [v, which] = limits::binding_of(att != nullptr ? detail::load_voltage_limits(stage_at(r), *att, r)
                                                                  : detail::load_voltage_limits(stage_at(r), in_si(r, ohm)));
        s.load_ohm.push_back(r);
        s.power_w.push_back(v * v / r);
        s.voltage_vrms.push_back(v);
        s.binding.push_back(which);
    }
    return s;
}

}  // namespace

std::pair<double, double> load_range(std::optional<double> headphone_ohm) {
    if (!headphone_ohm) return {8.0, 600.0};
    return {std::min(8.0, *headphone_ohm / 1.25), std::max(600.0, *headphone_ohm * 1.25)};
}

load_sweep sweep_loads(const output_stage& stage, std::pair<double, double> range, int steps, const attenuator* att) {
    return sweep(range, steps, [&](double) -> const output_stage& { return stage; }, att);
}

load_sweep sweep_loads(const amplifier_output& load_sensed, std::pair<double, double> range, int steps, const attenuator* att) {
    // The device senses the load at its jack: through an attenuator, the load the attenuator makes.
    return sweep(
        range, steps,
        [&](double r) -> const output_stage& {
            return load_sensed.mode_for(in_si(att != nullptr ? att->amplifier_load(r).real() : r, ohm)).stage;
        },
        att);
}

}  // namespace headroom::frontend
