#pragma once

// The flags that describe a headphone, an amplifier output and a programme, shared by every subcommand that
// analyses one pair (pair, plot). Each flag's text is kept as given and parsed on use, so that every error names
// the flag it came from.

#include "headroom/analysis.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace headroom::cli {

struct gear_flags {
    // headphone
    std::string impedance, sensitivity, rated_power;
    // amplifier output
    std::string vmax, imax, pmax, thermal, source_resistance, zout, source, gain, noise;
    bool bridge = false, balanced = false;
    // or the gear from the catalog (then --gain names a gain setting), or an output from its power table
    std::string headphone, amp, output, catalog_dir;
    std::vector<std::string> power;
    // programme
    std::string target, crest;
};

// Registers the flags on `app`, storing into `f` (which must outlive parsing).
void add_gear_flags(CLI::App& app, gear_flags& f);

headphone make_headphone(const gear_flags& f);
// The output stage the flags describe: typed-in figures (bridged when --bridge), a spec sheet's --power table, or
// a catalog amplifier's output (--bridge then picks its own balanced output: a catalog device's balanced figures
// are never derived). An output without --zout has an unstated output impedance (output_stage says so).
output_stage make_output(const gear_flags& f);
std::optional<programme> make_programme(const gear_flags& f);

}  // namespace headroom::cli
