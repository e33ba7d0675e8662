#pragma once

// Catalogs of real gear: headphones and amplifier outputs with the figures their makers or measurers publish,
// each entry with its source. The format is documented in docs/catalog-format.md; the bundled catalogs live in
// data/. Loading validates every field once, at this boundary: an error names the file, the entry and the field
// ("data/amplifiers.json: amplifier 'Foo' output 'balanced': vmax: '-3V' must be positive"), and bad JSON gives
// file:line:column. Outputs stated as power-vs-load points keep them as a rating table (output_stage.hpp); an
// output with settings (gains, load-sensed modes, output-impedance selectors) becomes one output stage per setting. A headphone's impedance curve (a CSV file or a
// driver model) is read at load and travels with the headphone.
//
// The parsing is compiled (src/io/catalog.cpp, target headroom::io) so that only it depends on a JSON library.

#include "headroom/attenuator.hpp"
#include "headroom/headphone.hpp"
#include "headroom/io.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/units.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

// A catalog that does not follow the format: io_error, whose what() is one line,
// "file[:line:column]: entry: field: problem".
using catalog_error = io_error;

// Where a figure comes from: the maker's spec sheet, an independent measurement, or the user's own (a personal
// catalog; the bundled one never uses it). Where maker and measurement disagree a catalog keeps both, as two entries.
enum class figure_basis : std::uint8_t { spec, measured, own };

enum class headphone_type : std::uint8_t { over_ear_dynamic, over_ear_planar, over_ear_electrostatic, on_ear, iem, earbud };
enum class amplifier_kind : std::uint8_t { desktop, portable, dongle, dap, phone, laptop };

[[nodiscard]] std::string_view to_string(figure_basis b) noexcept;
[[nodiscard]] std::string_view to_string(headphone_type t) noexcept;
[[nodiscard]] std::string_view to_string(amplifier_kind k) noexcept;

struct headphone_entry {
    headphone model;        // named after the entry; carries its sensitivity frequency and impedance curve
    headphone_type type;
    std::string impedance_curve;  // as written in the file (a CSV path relative to it), empty when none
    std::filesystem::path impedance_curve_file;  // the file it was read from, absolute: what `catalog --json` writes
    bool curve_reconstructed = false;  // the curve joins points a source states in text, rather than a measured trace
    std::string driver;           // a driver model's parameters as written, empty when none
    std::string drivers;          // the driver complement as the maker states it ("1DD+4BA")
    figure_basis basis;
    std::string source;            // empty only for basis "own"
    std::string secondary_source;
    std::string note;

    [[nodiscard]] const std::string& name() const noexcept { return model.name(); }
};

// One setting of one output (docs/physics.md section 8): the stage the analysis uses. An output without settings
// has one, with an empty gain_name. The settings of one output are all of one kind.
struct output_setting {
    std::string gain_name;            // the setting's name: "high", "8R", "load below 150 ohm"
    std::optional<gain> stated_gain;  // the setting's voltage gain, when stated
    output_stage stage;
    setting_kind kind = setting_kind::gain;
    // A load-sensed mode: the device uses it for loads from load_min (inclusive) to load_max (exclusive); an absent
    // bound is open.
    std::optional<impedance> load_min{}, load_max{};

    // Whether a load-sensed device uses this mode for a load (always true for the other kinds).
    [[nodiscard]] bool selected_for(impedance load) const noexcept {
        if (kind != setting_kind::load_sensed) return true;
        return (!load_min || load >= *load_min) && (!load_max || load < *load_max);
    }
};

struct amplifier_output {
    std::string name;
    topology kind;
    std::string connector;
    std::vector<output_setting> settings;  // never empty

    [[nodiscard]] setting_kind settings_kind() const noexcept { return settings.front().kind; }
    // The settings a user has with this headphone: every one, but of load-sensed modes only the mode the device
    // selects for the load it senses (limit_load(): the curve's minimum where known; through an attenuator, the
    // load the amplifier sees). Where no mode's loads hold it, the mode that gives the least voltage there, so that
    // the answer errs low.
    [[nodiscard]] std::vector<const output_setting*> settings_for(const headphone& hp, const attenuator* att = nullptr) const;
    // Of load-sensed modes, the one the device selects for a resistive load (where none claims it, the one that gives
    // the least voltage there); of other settings, the first.
    [[nodiscard]] const output_setting& mode_for(impedance load) const;
};

struct amplifier_entry {
    std::string name;
    amplifier_kind kind;
    figure_basis basis;
    std::string source;  // empty only for basis "own"
    std::string secondary_source;
    std::string note;
    std::vector<amplifier_output> outputs;  // never empty

    // Its balanced output, if it has one (the first, when several).
    [[nodiscard]] const amplifier_output* balanced_output() const noexcept;
};

// An attenuator or impedance adapter that is sold or published (data/attenuators.json), with its resistor values
// and their source: an adapter has a series resistor only, an attenuator a shunt as well.
struct attenuator_entry {
    attenuator model;
    figure_basis basis;
    std::string source;  // empty only for basis "own"
    std::string secondary_source;
    std::string note;

    [[nodiscard]] const std::string& name() const noexcept { return model.name(); }
};

// From text: `file` names the source in messages; relative impedance-curve paths resolve against `base_dir`.
[[nodiscard]] std::vector<headphone_entry> parse_headphone_catalog(std::string_view json, const std::string& file,
                                                                   const std::filesystem::path& base_dir = {});
[[nodiscard]] std::vector<amplifier_entry> parse_amplifier_catalog(std::string_view json, const std::string& file);

// A catalog file holding either list or both: a personal catalog (`--own-catalog FILE`, `catalog import --add FILE`), where one
// file keeps all of a user's own gear. The same checks as the files of one list.
struct catalog_file {
    std::vector<headphone_entry> headphones;
    std::vector<amplifier_entry> amplifiers;
};
[[nodiscard]] catalog_file parse_catalog_file(std::string_view json, const std::string& file,
                                              const std::filesystem::path& base_dir = {});
[[nodiscard]] catalog_file load_catalog_file(const std::filesystem::path& file);

// From files: the messages name the path as given. Names are looked up by headroom/frontend/lookup.hpp.
[[nodiscard]] std::vector<headphone_entry> load_headphone_catalog(const std::filesystem::path& file);
[[nodiscard]] std::vector<amplifier_entry> load_amplifier_catalog(const std::filesystem::path& file);

// {"format": "headroom-catalog-1", "attenuators": [{"name", "series", "shunt", "resistor_rating", "basis", "source",
// "secondary_source", "note"}]}.
[[nodiscard]] std::vector<attenuator_entry> parse_attenuator_catalog(std::string_view json, const std::string& file);
[[nodiscard]] std::vector<attenuator_entry> load_attenuator_catalog(const std::filesystem::path& file);

}  // namespace headroom
