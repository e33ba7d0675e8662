#pragma once

// Recommendations across a catalog: for one headphone, every output (jack) of every amplifier at its advised gain
// setting, ranked by fitness for the programme; for one amplifier, every headphone with the output that suits it
// best. The ranking and the gain advice are compare.hpp's, so a sweep's list, `pair`'s comparison, the Python
// module and the web page agree on what "best" means.

#include "headroom/catalog.hpp"
#include "headroom/compare.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace headroom {

// What an amplifier offers a headphone: one option per setting of each output (of the one output `only` names,
// when given), but of load-sensed modes only the mode the device selects for this headphone
// (amplifier_output::settings_for). The one place catalog gear becomes options to compare.
[[nodiscard]] inline std::vector<output_option> options_of(const amplifier_entry& a, const headphone& hp,
                                                           const amplifier_output* only = nullptr, const attenuator* att = nullptr) {
    std::vector<output_option> options;
    for (const amplifier_output& o : a.outputs) {
        if (only != nullptr && &o != only) continue;
        for (const output_setting* s : o.settings_for(hp, att)) options.push_back({o.name, s->gain_name, s->stage, s->kind});
    }
    return options;
}

// One output of one amplifier, at the gain setting advised for the headphone and programme.
struct output_recommendation {
    const amplifier_entry* amplifier;
    compared_option advised;  // advised.option.output is the output's name, advised.option.gain_setting the setting
};

// Every output of every amplifier for `hp`, best first by compare.hpp's fitness rule (enough headroom, then for a
// sensitive headphone less hiss and a lower output impedance, then more headroom). `enough` is the headroom that
// counts as enough, for the ranking and for the gain advice. Without a programme, the loudest setting of each
// output is advised and the loudest output ranks first (for a sensitive headphone, after hiss and Z_out).
// Through an attenuator, where one is given (sweep --attenuator: every output drives the headphone through it);
// with an EQ, where one is given, across frequency as compare_outputs takes it (sweep --across-frequency --eq).
[[nodiscard]] inline std::vector<output_recommendation> rank_outputs(const headphone& hp, std::span<const amplifier_entry> amps,
                                                                     const std::optional<programme>& p, gain enough = gain::of_db(0.0),
                                                                     const attenuator* att = nullptr, const parametric_eq* eq = nullptr) {
    std::vector<output_recommendation> ranked;
    for (const amplifier_entry& a : amps) {
        std::vector<output_option> options = options_of(a, hp, nullptr, att);
        if (options.empty()) continue;
        comparison c = compare_outputs(std::move(options), hp, p, enough, eq, att);
        for (const std::size_t k : c.ranking) ranked.push_back({&a, std::move(c.options[k])});
    }
    const bool sensitive = is_sensitive(hp);
    std::stable_sort(ranked.begin(), ranked.end(), [&](const output_recommendation& x, const output_recommendation& y) {
        return fitter(x.advised, y.advised, enough, sensitive);
    });
    return ranked;
}

// One headphone on one amplifier: the amplifier's best output for it, at the advised gain setting.
struct headphone_recommendation {
    const headphone_entry* headphone;
    compared_option best;
};

// Every headphone on `amp`, each with the amplifier's fittest output for it, ordered by that output's headroom
// (most first): which headphones this amplifier drives, and how easily. `for_iems`, where given, stands between the
// amplifier and every IEM (sweep --attenuator). `across`: each headphone's headroom is its worst across the band
// (where its impedance curve or its EQ gives one: `eqs`, per headphone, null for none), as pair reports it.
[[nodiscard]] inline std::vector<headphone_recommendation> rank_headphones(const amplifier_entry& amp,
                                                                           std::span<const headphone_entry> headphones,
                                                                           const programme& p, gain enough = gain::of_db(0.0),
                                                                           const attenuator* for_iems = nullptr, bool across = false,
                                                                           std::span<const parametric_eq* const> eqs = {}) {
    std::vector<headphone_recommendation> ranked;
    for (std::size_t i = 0; i < headphones.size(); ++i) {
        const headphone_entry& h = headphones[i];
        const attenuator* att = h.type == headphone_type::iem ? for_iems : nullptr;
        const parametric_eq* eq = i < eqs.size() ? eqs[i] : nullptr;
        comparison c = compare_outputs(options_of(amp, h.model, nullptr, att), h.model, p, enough, eq, att);
        ranked.push_back({&h, std::move(c.options[c.ranking.front()])});
    }
    const auto headroom_of = [across](const compared_option& o) {
        const frequency_headroom* w = across ? band_worst(o) : nullptr;
        return w != nullptr ? w->worst : o.analysis.headroom->margin;
    };
    std::stable_sort(ranked.begin(), ranked.end(), [&](const headphone_recommendation& x, const headphone_recommendation& y) {
        return headroom_of(x.best) > headroom_of(y.best);
    });
    return ranked;
}

}  // namespace headroom
