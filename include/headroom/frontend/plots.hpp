#pragma once

// The data of the graphs every face draws (the command line through gnuplot, the web page in its canvas): the
// maximum sine into a range of loads, with the limit that binds at each, for an output stage or for a load-sensed
// output (the mode the device selects at each load). Compiled in headroom::frontend.

#include "headroom/attenuator.hpp"
#include "headroom/catalog.hpp"
#include "headroom/limit.hpp"
#include "headroom/output_stage.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace headroom::frontend {

struct load_sweep {
    std::vector<double> load_ohm, power_w, voltage_vrms;
    std::vector<limit> binding;
};

// 8-600 ohm (IEMs to 600 ohm studio headphones), widened to show a headphone of this impedance.
[[nodiscard]] std::pair<double, double> load_range(std::optional<double> headphone_ohm = std::nullopt);

// steps + 1 loads spaced evenly on a logarithmic axis over [low, high]; through an attenuator, where one is given,
// the power and voltage at the headphone (the limits act at the amplifier's terminals: analysis.hpp).
[[nodiscard]] load_sweep sweep_loads(const output_stage& stage, std::pair<double, double> range, int steps = 240,
                                     const attenuator* att = nullptr);
[[nodiscard]] load_sweep sweep_loads(const amplifier_output& load_sensed, std::pair<double, double> range, int steps = 240,
                                     const attenuator* att = nullptr);

}  // namespace headroom::frontend
