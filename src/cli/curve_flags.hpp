#pragma once

// The flags that take the analysis across frequency: an impedance curve (measured CSV or driver model) and a
// parametric EQ. Shared by pair (figures and report lines) and plot (the response graph).

#include "headroom/analysis.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/response.hpp"
#include "headroom/fields.hpp"
#include "headroom/frequency_analysis.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace headroom::cli {

struct curve_flags {
    std::string impedance_curve, driver, eq;
};

// Registers --impedance-curve, --driver (one or the other) and --eq on `app`.
void add_curve_flags(CLI::App& app, curve_flags& f);

// Without a stated output impedance the response deviation is unknown (0 ohm would make it flat): the report
// says so rather than print 0 dB. (The JSON keeps the 0 ohm figure beside "zout_stated": false.)
void print_frequency_report(std::ostream& os, const frequency_analysis& a, bool output_impedance_stated);

}  // namespace headroom::cli
