#pragma once

// Gear from the catalog or from a spec sheet's power table, for the commands that analyse pairs. The bundled
// catalog is found beside an installed command (share/headroom), in the source tree's data/, or under the
// configured install prefix; a --catalog-dir flag overrides all three.

#include "recommend.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/catalog.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace headroom::cli {

// The folder holding headphones.json and amplifiers.json: `flag` when given, else the bundled catalog.
[[nodiscard]] std::filesystem::path catalog_dir(const std::string& flag);

// The catalogs a command reads: the bundled one (or --catalog-dir's) and the user's own files (--own, repeatable),
// each a catalog of headphones, amplifiers or both (docs/catalog-format.md, "Adding your own gear"), checked by the
// same loader and merged; a name in two of them (ignoring case) is an error naming both files.
struct catalog_files {
    std::string dir;               // --catalog-dir; empty: the bundled catalog
    std::vector<std::string> own;  // --own-catalog FILE
};

// Registers --own-catalog (repeatable) on a command that reads the catalog.
CLI::Option* add_own_flag(CLI::App& app, std::vector<std::string>& own);

// The merged catalog; errors become usage_error (one line, exit 2).
[[nodiscard]] std::vector<headphone_entry> headphone_catalog(const catalog_files& files);
[[nodiscard]] std::vector<amplifier_entry> amplifier_catalog(const catalog_files& files);
// The bundled (or --catalog-dir) catalog alone.
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
    std::vector<batch::load_band> loads;    // one per output stage: a load-sensed mode's loads, else every load
    std::vector<headphone> headphones;
};
// `own`: the user's own catalog files, merged with the two lists.
[[nodiscard]] sweep_catalog load_sweep_catalog(const std::string& amps_file, const std::string& headphones_file,
                                               const gear_selection& selection = {}, const std::vector<std::string>& own = {});

}  // namespace headroom::cli
