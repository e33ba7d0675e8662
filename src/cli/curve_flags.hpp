#pragma once

// The flags that take the analysis across frequency: an impedance curve (measured CSV or driver model) and a
// parametric EQ. Shared by pair (figures and report lines) and plot (the response graph).

#include "headroom/analysis.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/response.hpp"
#include "report/json.hpp"

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

std::optional<impedance_curve> make_curve(const curve_flags& f);
std::optional<parametric_eq> make_eq(const curve_flags& f);

// The headphone with the curve --impedance-curve or --driver give, if any (it replaces a catalog entry's own).
headphone with_curve_flags(const curve_flags& f, headphone hp);

// Everything pair reports across 20 Hz-20 kHz (report/json.hpp); none when the headphone has no curve and no
// --eq is given.
using report::frequency_analysis;
std::optional<frequency_analysis> analyse_frequency(const curve_flags& f, const output_stage& out, const headphone& hp,
                                                    const std::optional<programme>& p);

// Without a stated output impedance the response deviation is unknown (0 ohm would make it flat): the report
// says so rather than print 0 dB. (The JSON keeps the 0 ohm figure beside "zout_stated": false.)
void print_frequency_report(std::ostream& os, const frequency_analysis& a, bool output_impedance_stated);

}  // namespace headroom::cli
