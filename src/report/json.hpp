#pragma once

// The figures of an analysis as JSON, under the keys and in the units every front end reports them with: SI base
// units and dB, the unit in the key (`_db`, `_vrms`, `_arms`, `_w`, `_ohm`, `_hz`). The command line's `--json`
// output and the Python module's results are both made here, so that a key means the same thing everywhere and
// is written once. Compiled in the headroom_report target (src/report/), which needs the catalog readers
// (headroom::io) and nlohmann-json, and neither the command line nor CLI11.

#include "headroom/analysis.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/catalog.hpp"
#include "headroom/compare.hpp"
#include "headroom/eq.hpp"
#include "headroom/fit.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/response.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace headroom::report {

using ojson = nlohmann::ordered_json;

// ---- one output stage driving one headphone (`pair --json`) -------------------------------------------------

// The analysis of one pair: topology, sensitivity, the maximum sine (max_spl_db, limit, load_*), damping and the
// 1/8 rule, hiss, and with a programme its requirement, headroom_db / headroom_limit and the exposure.
[[nodiscard]] ojson pair_json(const output_stage& out, const headphone& hp, const std::optional<programme>& p,
                              const pair_analysis& a);

// The gain a programme needs after the stated source, and what the stated gain leaves to spare.
struct gain_stage {
    voltage full_scale;
    gain stated, needed;
};

// None without a stated source and gain, or without a programme.
[[nodiscard]] std::optional<gain_stage> gain_stage_of(const output_stage& out, const pair_analysis& a);

// Adds gain_db, gain_needed_db and gain_headroom_db when there is a gain stage.
void add_gain_stage_json(ojson& j, const std::optional<gain_stage>& g);

// ---- across frequency (an impedance curve, an EQ) ------------------------------------------------------------

// Everything a pair's analysis adds across 20 Hz-20 kHz; each part is present when its inputs are.
struct frequency_analysis {
    std::string curve_source;  // the curve's name (a file or driver parameters), or the nominal impedance
    bool has_curve = false;    // false: only an EQ, on a resistive load of the nominal impedance
    impedance at_1khz;
    impedance nominal;  // the stated impedance, which the sensitivity conversions use
    response_deviation response;
    frequency_operating_points max;
    std::optional<eq_response> eq;
    std::optional<frequency_headroom> headroom;  // with a programme; includes the EQ's boost when there is one
    std::optional<gain> eq_programme_headroom;   // with a programme and an EQ: headroom for the programme's spectrum
};

// None when the headphone has no impedance curve and no EQ is given.
[[nodiscard]] std::optional<frequency_analysis> analyse_frequency(const output_stage& out, const headphone& hp,
                                                                  const parametric_eq* eq, const std::optional<programme>& p);

// Adds fr_deviation_db, min_impedance_*, worst_max_spl_*, worst_headroom_* and eq_* as far as they are known.
void add_frequency_json(ojson& j, const frequency_analysis& a);

// ---- what a headphone needs (`need --json`) ------------------------------------------------------------------

[[nodiscard]] ojson need_json(const headphone& hp, const programme& p, const requirement& n,
                              const std::optional<impedance>& zout, voltage source);

// ---- the outputs of one amplifier compared (`pair --amp A --json`) -------------------------------------------

// {"outputs": [every option with the pair keys, its gain setting and gain stage], "verdict": {...}}.
[[nodiscard]] ojson comparison_json(const headphone& hp, const comparison& c);

// One ranked option of a recommendation (a row of `sweep --headphone H --json`): output, gain_setting, topology,
// headroom_db, headroom_limit, max_spl_db, limit, hiss_spl_db(_max), zout_ohm. The caller adds rank and names.
[[nodiscard]] ojson recommendation_json(const compared_option& r);

// ---- a catalog sweep (`sweep --json`) -------------------------------------------------------------------------

// The statistics of a batch sweep: sizes, time, threads, path, precision, the programme and threshold,
// headroom_db {min, mean, max}, above_threshold(_fraction) and binding counts per limit. cpu_seconds (with
// pairs_per_cpu_second) where the caller measured it.
[[nodiscard]] ojson sweep_json(const batch::sweep_result& r, bool single_precision, double seconds,
                               std::optional<double> cpu_seconds = std::nullopt);

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

}  // namespace headroom::report
