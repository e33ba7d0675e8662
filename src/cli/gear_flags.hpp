#pragma once

// The flags that describe a headphone, an amplifier output and a programme, shared by every subcommand that
// analyses one pair (pair, plot, need): registered from the fields table (headroom/fields.hpp), so that each field
// has its flag wherever it applies, and read into a request of the front-end core (headroom/frontend/request.hpp),
// which turns it into model objects and names the flag in every error.

#include "catalog_select.hpp"
#include "curve_flags.hpp"
#include "headroom/fields.hpp"
#include "headroom/frontend/request.hpp"

#include <CLI/CLI.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace headroom::cli {

struct gear_flags {
    std::array<std::string, fields::headphone_rows.size()> headphone_figures;
    std::array<std::string, fields::output_rows.size()> output_figures;
    std::vector<std::string> power;  // --power, repeatable
    std::array<std::string, fields::programme_rows.size()> programme;
    std::string headphone, amp, output, gain;  // --gain: a setting's name with --amp, else a gain in dB
    catalog_files catalog;                     // --catalog-dir, --own
    bool bridge = false, balanced = false;
    std::array<std::string, fields::attenuator_rows.size()> attenuator_figures;  // --series, --shunt, --resistor-rating
    std::string attenuator;                                                      // --attenuator NAME
};

// Which flags a subcommand takes.
struct gear_scope {
    bool amplifier = true;        // the amplifier flags (need has none but --zout)
    bool programme = true;
    bool target_required = false;
    bool headphone_figures = true;  // all of them; false: only --impedance (a graph marks the load)
    // Of an amplifier's typed-in figures: all, those that set its output into a load (no noise), or only --zout
    // (a response graph), with --bridge and --balanced where the figures can be wired.
    enum class figures : std::uint8_t { all, load, zout } output_figures = figures::all;
    bool bridge = true;  // --bridge (a load graph draws the bridge of typed-in single-ended figures anyway)
    // An attenuator between the output and the headphone (--series, --shunt, --attenuator), and the rating its
    // resistors' dissipation is judged against (--resistor-rating: only where the maximum level is reported).
    bool attenuator = true;
    bool resistor_rating = true;
};

// The attenuator the flags put between the output and the headphone, if any (--attenuator from the catalog's
// attenuators.json beside the other files).
[[nodiscard]] std::optional<attenuator> make_attenuator(const frontend::gear_request& r, const std::string& catalog_dir);

// Registers the flags on `app`, storing into `f` (which must outlive parsing).
void add_gear_flags(CLI::App& app, gear_flags& f, gear_scope scope = {});

// The request the flags (and the curve flags) make.
[[nodiscard]] frontend::gear_request request_of(const gear_flags& f, const curve_flags& curves = {});

// The model objects, with the catalog the flags name.
[[nodiscard]] headphone make_headphone(const frontend::gear_request& r, const catalog_files& catalog);
// `att`: the attenuator the options drive the headphone through, which changes the load a load-sensed output senses.
[[nodiscard]] std::vector<output_option> make_options(const frontend::gear_request& r, const headphone& hp, const catalog_files& catalog,
                                                      const attenuator* att = nullptr);

}  // namespace headroom::cli
