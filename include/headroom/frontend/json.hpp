#pragma once

// The figures of an analysis as JSON, under the keys and in the units every face reports them with: SI base units
// and dB, the unit in the key (`_db`, `_vrms`, `_arms`, `_w`, `_ohm`, `_hz`). The command line's `--json` output,
// the web page's answers and the Python module's results are all made here, so that a key means the same thing
// everywhere and is written once. Compiled in headroom::frontend (src/frontend/), which needs the catalog readers
// (headroom::io) and nlohmann-json, and neither the command line nor the batch engine (sweep_json.hpp has the
// sweep's keys).

#include "headroom/analysis.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/catalog.hpp"
#include "headroom/compare.hpp"
#include "headroom/eq.hpp"
#include "headroom/fit.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/response.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::frontend {

using ojson = nlohmann::ordered_json;

// ---- one output stage driving one headphone (`pair --json`) -------------------------------------------------

// The analysis of one pair: topology, sensitivity, the maximum sine (max_spl_db, limit, load_*), damping and the
// 1/8 rule, hiss and whether it is heard (hiss_audibility: inaudible, quiet_room, audible, or null where the noise is
// not known), and with a programme its requirement, headroom_db / headroom_limit, the exposure, the gain stage
// (gain_db, gain_needed_db, gain_headroom_db) and where the volume sits (volume_attenuation_db, null without a
// programme); "attenuator" (null without one) what an attenuator buys and costs; and across frequency what `across`
// holds.
[[nodiscard]] ojson pair_json(const output_stage& out, const headphone& hp, const std::optional<programme>& p,
                              const pair_analysis& a, const frequency_analysis* across = nullptr);

// ---- across frequency (an impedance curve, an EQ) ------------------------------------------------------------

// ---- what a headphone needs (`need --json`) ------------------------------------------------------------------

// With an EQ, `n` is what the programme needs at its largest boost, which the eq_max_boost_* keys give.
// With an attenuator, "attenuator" holds what the amplifier delivers at its own terminals (else null).
[[nodiscard]] ojson need_json(const headphone& hp, const programme& p, const requirement& n,
                              const std::optional<impedance>& zout, voltage source, const eq_response* eq = nullptr,
                              const attenuator* att = nullptr);

// ---- the outputs of one amplifier compared (`pair --amp A --json`) -------------------------------------------

// {"outputs": [every option with the pair keys, its gain setting and gain stage], "verdict": {...}}.
[[nodiscard]] ojson comparison_json(const headphone& hp, const comparison& c);

// One ranked option of a recommendation (a row of `sweep --headphone H --json`): output, gain_setting, topology,
// headroom_db, headroom_limit, max_spl_db, limit, hiss_spl_db(_max), zout_ohm. The caller adds rank and names.
[[nodiscard]] ojson recommendation_json(const compared_option& r);

// One ranked table of a recommendation (`sweep --headphone H`, `sweep --amp A`, the Python module's rank_*): the rows
// that qualify (enough headroom and, with a hiss limit, a known hiss as heard within it) first, in their ranked
// order; how many qualify; with a hiss limit, how many have the headroom but no known noise (never listed as
// passing). `name` is the amplifier's (a headphone's table) or the headphone's (an amplifier's).
struct ranked_row {
    std::string name;
    const compared_option* option;
};
struct ranked_table {
    std::vector<ranked_row> rows;
    std::size_t qualifying = 0;
    std::optional<std::size_t> noise_unknown;  // with a hiss limit
};
[[nodiscard]] ranked_table qualify(std::vector<ranked_row> ranked, gain enough, const std::optional<spl>& max_hiss);

// {owner_key: owner, "attenuator": its name or null, "qualifying", "noise_unknown", rows_key: [at most `shown` qualifying
// rows, each {"rank", the name under "amplifier" or "headphone", recommendation_json's keys}]}.
[[nodiscard]] ojson ranked_table_json(std::string_view owner_key, const std::string& owner, const ranked_table& t, std::size_t shown,
                                      const attenuator* att);

// ---- gear ----------------------------------------------------------------------------------------------------

// An output stage's stated figures in SI base units; absent ones are null, so every key is always there.
[[nodiscard]] ojson output_json(const output_stage& out);

// A sensitivity in the catalog's spelling, the shortest text that reads back as the same value: "97dB/mW",
// "102.5dB/V", "94.6dB@0.005A", "0.1V@94dB".
[[nodiscard]] std::string sensitivity_text(const sensitivity& s);

// Catalog entries as the catalog format writes them (headroom-catalog-1, read back by the loader), with what
// headroom derives under "computed" (`catalog headphones --json`, `catalog amps --json`).
[[nodiscard]] ojson headphone_entry_json(const headphone_entry& h);
[[nodiscard]] ojson amplifier_entry_json(const amplifier_entry& a);

// A power table's fitted limits and the error at each stated point (`fit --json`).
[[nodiscard]] ojson fit_json(const stage_fit& f);

}  // namespace headroom::frontend
