#pragma once

// Gear from the catalog or from a spec sheet's power table, for the commands that analyse pairs. The bundled
// catalog is found beside an installed command (share/headroom), in the source tree's data/, or under the
// configured install prefix; a --catalog-dir flag overrides all three.

#include "recommend.hpp"
#include "headroom/catalog.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace headroom::cli {

// The folder holding headphones.json and amplifiers.json: `flag` when given, else the bundled catalog.
[[nodiscard]] std::filesystem::path catalog_dir(const std::string& flag);

// The catalog files in that folder; errors become usage_error (one line, exit 2).
[[nodiscard]] std::vector<headphone_entry> headphone_catalog(const std::string& dir_flag);
[[nodiscard]] std::vector<amplifier_entry> amplifier_catalog(const std::string& dir_flag);
// attenuators.json in that folder; none where the folder has no such file.
[[nodiscard]] std::vector<attenuator_entry> attenuator_catalog(const std::string& dir_flag);

// The gear an output stage belongs to, by name: a name may itself hold " / " ("3.5mm / 4.4mm"), so the stage's
// name "Amp / output / gain" cannot be split back into these.
struct stage_names {
    std::string amplifier, output, gain;  // output and gain may be empty
};

// Every output stage (one per output and gain setting, named "Amp / output / gain") and every headphone of two
// catalog files that the selection keeps, for a sweep; an empty file name means the bundled catalog's.
struct sweep_catalog {
    selected_gear gear;
    std::vector<output_stage> outputs;
    std::vector<stage_names> output_names;  // one per output stage
    std::vector<headphone> headphones;
};
[[nodiscard]] sweep_catalog load_sweep_catalog(const std::string& amps_file, const std::string& headphones_file,
                                               const gear_selection& selection = {});

}  // namespace headroom::cli
