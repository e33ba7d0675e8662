#pragma once

// How the commands describe gear: one line of text and one JSON object for an output stage, and the words for a
// binding limit. Every command (pair, catalog, plot, sweep, need) uses these, so gear reads the same everywhere.

#include "headroom/analysis.hpp"
#include "headroom/output_stage.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace headroom::cli {

using ojson = nlohmann::ordered_json;

// "single-ended: V_oc 7.5 V, I_max 250 mA, rated 1.2 W @ 32 ohm .. 130 mW @ 600 ohm, Z_out 0.5 ohm"
[[nodiscard]] std::string describe_output(const output_stage& out);

// Why the binding limit matters, in the words a headphone owner uses.
[[nodiscard]] std::string_view limit_meaning(limit l, const output_stage& out);

// "2 h 31 min", "more than 24 h", "45 s".
[[nodiscard]] std::string human_duration(duration d);

}  // namespace headroom::cli
