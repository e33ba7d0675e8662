#pragma once

// The words every face uses (the command line's reports, the web page, the Python module's texts): how gear is
// described, what a binding limit means, durations, the exposure sentence, an option's label and the verdict of a
// comparison. Worded once here, so that they read the same everywhere; the model's headers carry no words.

#include "headroom/analysis.hpp"
#include "headroom/attenuator.hpp"
#include "headroom/compare.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/hearing.hpp"
#include "headroom/output_stage.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::frontend {

// "single-ended: V_oc 7.5 V, I_max 250 mA, rated 1.2 W @ 32 ohm .. 130 mW @ 600 ohm, Z_out 0.5 ohm"
[[nodiscard]] std::string describe_output(const output_stage& out);

// Why the binding limit matters, in the words a headphone owner uses.
[[nodiscard]] std::string_view limit_meaning(limit l, const output_stage& out);

// "2 h 31 min", "more than 24 h", "45 s".
[[nodiscard]] std::string human_duration(duration d);

// "97.1 dB(A) estimated (pink noise, 20 Hz-20 kHz: -2.86 dB): NIOSH 29 min a day, WHO/ITU-T H.870 46 min a week"
[[nodiscard]] std::string exposure_sentence(const exposure_estimate& e);

// "4.4mm balanced", "6.35mm (high gain)", "6.35mm (8R output impedance)", "3.5mm (load below 150 ohm, selected by
// the load)".
[[nodiscard]] std::string option_label(const output_option& o);

// "Etymotic ER4PT P-to-S adapter: 75 ohm in series", "10 ohm in series and 1 ohm across the headphone (an L-pad)"
// (typed-in resistors go by their values).
[[nodiscard]] std::string describe_attenuator(const attenuator& a);

// "audible: 13.5 dB(A), 4.5 dB over the threshold of hearing for a white hiss (9.0 dB(A)) and over the 10 dB(A) an
// ordinary room leaves through an IEM"; with "(an upper bound ...)" where the figure errs loud.
[[nodiscard]] std::string hiss_audibility_sentence(const hiss_judgement& h);

// "35.5 dB below full output (the source at full scale through the gain); digital: the peaks stay 84.5 dB above
// the hiss, less than the 96.3 dB of a 16-bit recording", with the warning that applies to the control (both, where
// its kind is not stated).
[[nodiscard]] std::string volume_sentence(const volume_position& v);

// What an attenuator buys and costs, one labelled line each ("source", "buys", "costs", "resistors"); the response
// line from the curve where the analysis across frequency has one.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> attenuator_lines(const pair_analysis& a, const frequency_analysis* across);

// The verdict of a comparison, one line each: balanced against single-ended where the amplifier has both ("4.4mm
// balanced: +6.2 dB headroom over 3.5mm; hiss +2.5 dB at 95 dB SPL"), the recommendation, and why a setting that
// fails the 1/8 rule is advised where one is.
[[nodiscard]] std::vector<std::string> verdict_lines(const comparison& c);

}  // namespace headroom::frontend
