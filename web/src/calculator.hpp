#pragma once

// The web page's calculator: the library's model behind three calls that take and give JSON text, so that the
// page's JavaScript only draws. Requests carry the fields as the user typed them; the answers carry full-precision
// numbers under the same keys as `headroom pair --json`, so the page and the command line can be compared key by key.
//
// Request (every value a string as typed; absent or empty means not given):
//   {"headphone": {"name": "Sennheiser HD600"} | {"impedance", "sensitivity", "rated_power"},
//    "amp": {"name": "FiiO K19"} | {"vmax", "imax", "pmax", "power", "thermal_power", "zout", "source", "gains",
//                                   "noise", "topology": "single_ended" | "balanced", "bridge": "1"},
//    "target", "crest", "output", "gain", "eq": {"name", "text"},
//    "attenuator": {"name": "Etymotic ER4PT P-to-S adapter"} | {"series", "shunt", "resistor_rating"}}
// An answer is {"ok": true, ...} or {"ok": false, "field": "<request field>", "message": "..."}.

#include "headroom/catalog.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::web {

class calculator {
public:
    // Reads headphones.json and amplifiers.json (and the curves they name) from the folder.
    explicit calculator(const std::filesystem::path& catalog_dir);

    // Names and headline figures of every catalog entry, for the page's pickers.
    [[nodiscard]] std::string catalog_json() const;

    // The fields of typed-in gear and of the programme (the fields table, headroom/fields.hpp): key, label, example
    // and help of each, for the page to build its inputs from.
    [[nodiscard]] static std::string fields_json();

    // Every output (and gain setting) of the amplifier for the headphone and programme, with the verdict, the
    // load and response plots' data, and the EQ's figures.
    [[nodiscard]] std::string analyse(std::string_view request) const;

    // Every output of the catalog for the request's headphone and programme, fittest first.
    [[nodiscard]] std::string rank(std::string_view request) const;

private:
    std::vector<headphone_entry> headphones_;
    std::vector<amplifier_entry> amplifiers_;
    std::vector<attenuator_entry> attenuators_;  // attenuators.json, where the folder has one
};

}  // namespace headroom::web
