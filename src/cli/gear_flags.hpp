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
    std::string vmax, imax, pmax, zout = "0", source, gain, noise;
    bool zout_given = false;
    bool bridge = false, balanced = false;
    // or the gear from the catalog (then --gain names a gain setting), or an output from its power table
    std::string headphone, amp, output, catalog_dir;
    std::vector<std::string> power;
    // programme
    std::string target, crest;
};

// Registers the flags on `app`, storing into `f` (which must outlive parsing).
void add_gear_flags(CLI::App& app, gear_flags& f);

// An output stage, and whether its output impedance was stated (by --zout or the catalog's zout). When it was
// not, the stage uses 0 ohm, and reports must say that Z_out is unknown rather than ideal.
struct chosen_output {
    output_stage stage;  // already bridged when --bridge
    bool output_impedance_stated;
};

headphone make_headphone(const gear_flags& f);
chosen_output make_output(const gear_flags& f);
std::optional<programme> make_programme(const gear_flags& f);

}  // namespace headroom::cli
