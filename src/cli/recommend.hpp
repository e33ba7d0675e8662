#pragma once

// The sweep as a recommender: which gear to sweep (--headphone, --amp, --kind, --connector) and, for the selected
// headphones or amplifiers, aligned tables of what qualifies (--min-headroom), best first (include/headroom/
// recommend.hpp), in text and JSON.

#include "headroom/analysis.hpp"
#include "headroom/catalog.hpp"
#include "headroom/decibel.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace headroom::cli {

// What the flags select; each list is repeatable and matched ignoring case.
struct gear_selection {
    std::vector<std::string> headphones;  // --headphone NAME: exact names, a miss suggests near ones
    std::vector<std::string> amps;        // --amp NAME
    std::vector<std::string> kinds;       // --kind: headphone kinds (iem, over-ear, ...) and amplifier kinds (dongle, ...)
    std::vector<std::string> connectors;  // --connector: outputs with this connector (4.4mm, XLR4, ...)

    [[nodiscard]] bool any() const noexcept { return !headphones.empty() || !amps.empty() || !kinds.empty() || !connectors.empty(); }
};

void add_selection_flags(CLI::App& app, gear_selection& s);

// The words --kind takes (for completion and messages).
[[nodiscard]] std::vector<std::string> kind_names();

// The catalog cut down to the selection. `per_headphone`: a table per headphone (headphones named, or chosen by
// kind with no amplifier named); else `per_amplifier` when amplifiers were named: a table per amplifier of the
// selected headphones; else neither (a summary of the selection).
struct selected_gear {
    std::vector<headphone_entry> headphones;
    std::vector<amplifier_entry> amps;  // only the outputs with a selected connector
    bool per_headphone = false;
    bool per_amplifier = false;
};

// Throws usage_error naming the flag: an unknown name (with near names), an unknown kind or connector, or a
// selection that leaves no headphone or no output.
[[nodiscard]] selected_gear select_gear(std::vector<headphone_entry> headphones, std::vector<amplifier_entry> amps,
                                        const gear_selection& s);

struct listing {
    programme job;
    gain min_headroom;
    std::optional<std::size_t> rows;  // rows per table; nullopt: all for one table, 10 each for several
    const attenuator* for_iems = nullptr;  // --attenuator: between every output and every IEM
    std::optional<spl> max_hiss;           // --max-hiss: the most hiss at the listener a listed output may make (dB(A))
    // --across-frequency: each pair is reported by its worst headroom over 20 Hz-20 kHz, its frequency and its
    // binding limit (pair --json's worst_headroom_*), where the headphone's curve or its EQ gives one; a headphone
    // with neither is flat across the band, so its headroom is the one at its load.
    bool across = false;
    std::vector<const parametric_eq*> eqs;  // --eq: per selected headphone (in selected_gear's order), null for none
};

void print_recommendations(std::ostream& os, const selected_gear& g, const listing& l);
[[nodiscard]] nlohmann::ordered_json recommendations_json(const selected_gear& g, const listing& l);

}  // namespace headroom::cli
