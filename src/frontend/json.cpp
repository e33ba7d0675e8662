#include "headroom/frontend/json.hpp"

#include "headroom/frequency_grid.hpp"
#include "headroom/frontend/words.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>

namespace headroom::frontend {

namespace {

template <class Q, class Unit>
ojson optional_json(const std::optional<Q>& q, Unit unit) {
    return q ? ojson(value_in(*q, unit)) : ojson(nullptr);
}

}  // namespace

namespace {

void add_gain_stage_json(ojson& j, const std::optional<gain_stage>& g) {
    if (!g) return;
    j["gain_db"] = g->stated.db();
    j["gain_needed_db"] = g->needed.db();
    j["gain_headroom_db"] = (g->stated - g->needed).db();
}

void add_frequency_json(ojson& j, const frequency_analysis& a);

// Whether the hiss is heard (hearing.hpp): null where the noise is not known.
void add_audibility_json(ojson& j, const std::optional<hiss_judgement>& h) {
    j["hiss_audibility"] = h ? ojson(to_string(h->verdict)) : ojson(nullptr);
    if (!h) return;
    j["hiss_spl_dba"] = h->hiss_a.db();
    j["hiss_threshold_dba"] = h->threshold_a.db();
    j["hiss_background_dba"] = h->background_a.db();
    j["hiss_audibility_margin_db"] = h->margin.db();
    // true: the hiss judged errs loud (noise derived from an SNR, its weighting not stated, or a range's higher end).
    j["hiss_audibility_upper_bound"] = h->upper_bound;
}

// Where the volume sits (analysis.hpp, volume_position): null keys without a programme.
void add_volume_json(ojson& j, const std::optional<volume_position>& v, const output_stage& out) {
    j["volume_attenuation_db"] = v ? ojson(v->attenuation.db()) : ojson(nullptr);
    j["volume_control"] = out.volume() ? ojson(to_string(*out.volume())) : ojson(nullptr);
    if (!v) return;
    j["volume_reference"] = to_string(v->reference);
    j["volume_full_output_vrms"] = optional_json(v->full_output, volt);
    j["volume_dynamic_range_db"] = v->dynamic_range ? ojson(v->dynamic_range->db()) : ojson(nullptr);
    j["volume_remaining_range_db"] = v->remaining_range ? ojson(v->remaining_range->db()) : ojson(nullptr);
    // What the setting runs into, for the control the output has (both where it is not stated): "analog_tracking"
    // (beyond the 40 dB a dual-gang potentiometer is specified to track), "digital_resolution" (the programme's peaks
    // less than 96.3 dB above the output's noise).
    ojson warnings = ojson::array();
    const bool analog = !v->control || *v->control == volume_control::analog;
    const bool digital = !v->control || *v->control == volume_control::digital;
    if (analog && v->beyond_analog_tracking) warnings.push_back("analog_tracking");
    if (digital && v->beyond_digital_range) warnings.push_back("digital_resolution");
    j["volume_warnings"] = warnings;
}

// What an attenuator buys and costs (analysis.hpp, attenuator_effect); null without one.
void add_attenuator_json(ojson& j, const std::optional<attenuator_effect>& e, const pair_analysis& a) {
    if (!e) {
        j["attenuator"] = nullptr;
        return;
    }
    const attenuator& t = e->adapter;
    ojson x;
    x["name"] = t.name();
    x["series_ohm"] = value_in(t.series(), ohm);
    x["shunt_ohm"] = optional_json(t.shunt(), ohm);
    x["source_ratio_db"] = e->source_ratio.db();  // 20 lg(V_th / V_oc)
    x["source_impedance_ohm"] = value_in(e->source_impedance, ohm);  // Z_th
    x["amplifier_load_ohm"] = value_in(e->at_max.load, ohm);
    x["amplifier_voltage_vrms"] = value_in(e->at_max.terminal_voltage, volt);
    x["amplifier_current_arms"] = value_in(e->at_max.terminal_current, ampere);
    x["amplifier_power_w"] = value_in(e->at_max.terminal_power, watt);
    x["series_dissipation_w"] = value_in(e->series_dissipation, watt);
    x["shunt_dissipation_w"] = optional_json(e->shunt_dissipation, watt);
    x["resistor_rating_w"] = value_in(t.rating(), watt);
    x["resistor_rating_stated"] = t.stated_rating().has_value();
    x["series_exceeds_rating"] = e->series_over_rating;
    x["shunt_exceeds_rating"] = e->shunt_dissipation ? ojson(e->shunt_over_rating) : ojson(nullptr);
    x["insertion_loss_db"] = e->insertion_loss.db();
    // What it buys: less hiss at the listener; what it costs: maximum level (and response flatness: fr_deviation_*).
    x["hiss_reduction_db"] = a.hiss && e->hiss_without ? ojson((e->hiss_without->high - a.hiss->high).db()) : ojson(nullptr);
    x["hiss_spl_db_without"] = e->hiss_without ? ojson(e->hiss_without->high.db()) : ojson(nullptr);
    x["max_spl_db_without"] = e->max_without.max_level.db();
    x["limit_without"] = to_string(e->max_without.binding);
    x["max_spl_change_db"] = (a.max.max_level - e->max_without.max_level).db();
    x["headroom_db_without"] = e->headroom_without ? ojson(e->headroom_without->margin.db()) : ojson(nullptr);
    j["attenuator"] = x;
}

}  // namespace

ojson pair_json(const output_stage& out, const headphone& hp, const std::optional<programme>& p, const pair_analysis& a,
                const frequency_analysis* across) {
    ojson j;
    j["topology"] = to_string(out.kind());
    j["derived"] = out.derived();
    j["sensitivity_db_per_v"] = hp.sensitivity_per_volt().db();
    j["sensitivity_frequency_hz"] = optional_json(hp.sensitivity_frequency(), hertz);
    j["max_spl_db"] = a.max.max_level.db();
    j["limit"] = to_string(a.max.binding);
    j["load_voltage_vrms"] = value_in(a.max.load_voltage, volt);
    j["load_current_arms"] = value_in(a.max.load_current, ampere);
    j["load_power_w"] = value_in(a.max.load_power, watt);
    if (const auto& x = a.max.extrapolated)
        j["extrapolated"] = {{"below", x->below}, {"stated_load_ohm", value_in(x->stated_load, ohm)}, {"factor", x->factor}};
    else
        j["extrapolated"] = nullptr;
    j["damping_factor"] = a.damping_factor ? ojson(*a.damping_factor) : ojson(nullptr);
    j["zout_loss_db"] = a.output_impedance_loss.db();
    j["meets_one_eighth_rule"] = a.meets_one_eighth_rule ? ojson(*a.meets_one_eighth_rule) : ojson(nullptr);
    j["one_eighth_rule_load_ohm"] = value_in(a.one_eighth_rule_load, ohm);
    // false: no output impedance was stated, and the figures above (and fr_deviation_db) assume 0 ohm.
    j["zout_stated"] = out.output_impedance_stated();
    if (a.exceeds_rated_power) j["exceeds_rated_power"] = *a.exceeds_rated_power;
    if (a.hiss) {
        j["hiss_spl_db"] = a.hiss->low.db();
        j["hiss_spl_db_max"] = a.hiss->high.db();
        j["hiss_weighting"] = to_string(a.hiss->weighting);
        // "derived": the noise behind the hiss comes from a stated SNR, an upper bound where its level was not stated.
        j["hiss_noise_basis"] = out.noise()->derivation() ? "derived" : "stated";
        j["dynamic_range_db"] = a.dynamic_range->db();
    }
    if (p) {
        j["target_spl_db"] = p->average_level().db();
        j["crest_factor_db"] = p->crest_factor().db();
        j["required_voltage_vrms"] = value_in(a.need->load_voltage, volt);
        j["required_current_arms"] = value_in(a.need->load_current, ampere);
        j["required_power_w"] = value_in(a.need->load_power, watt);
        j["required_peak_voltage_v"] = value_in(a.need->peak_voltage, volt);
        j["required_peak_current_a"] = value_in(a.need->peak_current, ampere);
        j["required_sine_power_w"] = value_in(a.need->sine_power, watt);
        j["required_open_circuit_voltage_vrms"] = value_in(a.need->open_circuit_voltage, volt);
        j["headroom_db"] = a.headroom->margin.db();
        j["headroom_limit"] = to_string(a.headroom->binding);
        if (a.hiss_below_programme) j["hiss_below_target_db"] = a.hiss_below_programme->db();
        const auto& e = *a.exposure;
        j["exposure_dba"] = e.a_weighted_level.db();
        j["a_weighting_db"] = e.a_weighting.db();
        j["exposure_spectrum"] = to_string(e.spectrum);
        j["exposure_minutes"] = value_in(e.niosh_daily, second) / 60.0;
        j["who_weekly_hours"] = value_in(e.who_weekly, second) / 3600.0;
    }
    add_gain_stage_json(j, a.source_gain_stage);
    add_audibility_json(j, a.audibility);
    add_volume_json(j, a.volume, out);
    add_attenuator_json(j, a.attenuation, a);
    if (across != nullptr) add_frequency_json(j, *across);
    return j;
}

namespace {

void add_frequency_json(ojson& j, const frequency_analysis& a) {
    if (a.has_curve) {
        j["fr_deviation_db"] = a.response.spread.db();
        j["min_impedance_ohm"] = value_in(a.response.min_impedance, ohm);
        j["min_impedance_hz"] = value_in(a.response.min_impedance_at, hertz);
        j["worst_max_spl_db"] = a.max.lowest_max_level.db();
        j["worst_max_spl_hz"] = value_in(a.max.lowest_max_level_at, hertz);
        j["worst_max_spl_limit"] = to_string(a.max.lowest_binding);
    }
    if (a.headroom) {
        j["worst_headroom_db"] = a.headroom->worst.db();
        j["worst_headroom_hz"] = value_in(a.headroom->worst_at, hertz);
        j["worst_headroom_limit"] = to_string(a.headroom->worst_binding);
    }
    if (a.eq) {
        j["eq_max_boost_db"] = a.eq->peak.boost.db();
        j["eq_max_boost_hz"] = value_in(a.eq->peak.at, hertz);
        j["eq_preamp_db"] = a.eq->preamp.db();
        j["eq_programme_increase_db"] = a.eq->programme_increase.db();
        j["eq_spectrum"] = to_string(a.eq->spectrum);
        j["eq_digital_clipping_db"] = a.eq->digital_overshoot.db();
    }
    if (a.eq_programme_headroom) j["eq_programme_headroom_db"] = a.eq_programme_headroom->db();
    // The response flatness an attenuator costs, from the curve (with it: fr_deviation_db).
    if (a.has_curve && a.spread_without_attenuator && j.contains("attenuator") && j["attenuator"].is_object()) {
        j["attenuator"]["fr_deviation_without_db"] = a.spread_without_attenuator->db();
        j["attenuator"]["fr_deviation_change_db"] = (a.response.spread - *a.spread_without_attenuator).db();
    }
}

}  // namespace

ojson need_json(const headphone& hp, const programme& p, const requirement& n, const std::optional<impedance>& zout, voltage source,
                const eq_response* eq, const attenuator* att) {
    ojson j;
    j["impedance_ohm"] = value_in(hp.nominal_impedance(), ohm);
    j["sensitivity_db_per_v"] = hp.sensitivity_per_volt().db();
    j["target_spl_db"] = p.average_level().db();
    j["crest_factor_db"] = p.crest_factor().db();
    j["required_voltage_vrms"] = value_in(n.load_voltage, volt);
    j["required_current_arms"] = value_in(n.load_current, ampere);
    j["required_power_w"] = value_in(n.load_power, watt);
    j["required_peak_voltage_v"] = value_in(n.peak_voltage, volt);
    j["required_peak_current_a"] = value_in(n.peak_current, ampere);
    j["required_sine_power_w"] = value_in(n.sine_power, watt);
    j["required_open_circuit_voltage_vrms"] = value_in(n.open_circuit_voltage, volt);
    j["zout_ohm"] = optional_json(zout, ohm);
    j["source_vrms"] = value_in(source, volt);
    j["gain_after_source_db"] = n.gain_after(source).db();
    if (eq != nullptr) {
        j["eq_max_boost_db"] = eq->peak.boost.db();
        j["eq_max_boost_hz"] = value_in(eq->peak.at, hertz);
    }
    // What the headphone's other figures say about it, where it states them.
    if (const auto f = hp.sensitivity_frequency()) j["sensitivity_frequency_hz"] = value_in(*f, hertz);
    if (limit_load(hp) < hp.nominal_impedance()) j["load_ohm"] = value_in(limit_load(hp), ohm);  // a curve's minimum
    if (const auto rated = hp.rated_power()) {
        j["rated_power_w"] = value_in(*rated, watt);
        j["peaks_exceed_rated_power"] = n.sine_power > *rated;  // the sine rating the peaks need, against it
    }
    if (att != nullptr) {
        // What the amplifier itself delivers through the attenuator, at its own terminals.
        const amplifier_demand avg = attenuated_demand(*att, hp, n.load_voltage);
        const amplifier_demand peak = attenuated_demand(*att, hp, n.peak_voltage);
        ojson x;
        x["name"] = att->name();
        x["series_ohm"] = value_in(att->series(), ohm);
        x["shunt_ohm"] = att->shunt() ? ojson(value_in(*att->shunt(), ohm)) : ojson(nullptr);
        x["source_impedance_ohm"] = att->thevenin_impedance(zout ? value_in(*zout, ohm) : 0.0);
        x["amplifier_load_ohm"] = value_in(avg.load, ohm);
        x["amplifier_voltage_vrms"] = value_in(avg.terminal_voltage, volt);
        x["amplifier_current_arms"] = value_in(avg.terminal_current, ampere);
        x["amplifier_power_w"] = value_in(avg.terminal_power, watt);
        x["amplifier_peak_voltage_v"] = value_in(peak.terminal_voltage, volt);
        x["amplifier_peak_current_a"] = value_in(peak.terminal_current, ampere);
        j["attenuator"] = x;
    } else {
        j["attenuator"] = nullptr;
    }
    return j;
}

ojson comparison_json(const headphone& hp, const comparison& c) {
    ojson j;
    ojson outputs = ojson::array();
    for (const auto& o : c.options) {
        ojson e;
        e["output"] = o.option.output;
        e["gain_setting"] = o.option.gain_setting.empty() ? ojson(nullptr) : ojson(o.option.gain_setting);
        e["recommended_gain"] = o.recommended_gain;
        e["setting_kind"] = to_string(o.option.kind);
        e["fails_one_eighth_rule_for_headroom"] = o.fails_one_eighth_for_headroom;
        // The single-output keys, across frequency too where the comparison went there.
        const ojson single = pair_json(o.option.stage, hp, c.programme_used, o.analysis, o.across ? &*o.across : nullptr);
        for (const auto& [k, v] : single.items()) e[k] = v;
        outputs.push_back(e);
    }
    j["outputs"] = outputs;
    ojson v;
    const auto& best = c.best();
    v["output"] = best.option.output;
    v["gain_setting"] = best.option.gain_setting.empty() ? ojson(nullptr) : ojson(best.option.gain_setting);
    v["ranking"] = c.ranking;
    v["enough_headroom_db"] = c.enough.db();
    v["sensitive_headphone"] = c.sensitive_headphone;
    if (c.best_balanced && c.best_single_ended) {
        const auto& bal = c.options[*c.best_balanced].analysis;
        const auto& se = c.options[*c.best_single_ended].analysis;
        ojson b;
        b["balanced"] = c.options[*c.best_balanced].option.output;
        b["single_ended"] = c.options[*c.best_single_ended].option.output;
        b["max_spl_db"] = bal.max.max_level.db() - se.max.max_level.db();
        const auto hb = decisive_headroom(c.options[*c.best_balanced]), hs = decisive_headroom(c.options[*c.best_single_ended]);
        b["headroom_db"] = hb && hs ? ojson(hb->db() - hs->db()) : ojson(nullptr);
        b["hiss_db"] = bal.hiss && se.hiss ? ojson(bal.hiss->high.db() - se.hiss->high.db()) : ojson(nullptr);
        b["hiss_db_min"] = bal.hiss && se.hiss ? ojson(bal.hiss->low.db() - se.hiss->low.db()) : ojson(nullptr);
        v["balanced_vs_single_ended"] = b;
    } else {
        v["balanced_vs_single_ended"] = nullptr;
    }
    v["lines"] = verdict_lines(c);
    j["verdict"] = v;
    return j;
}

ojson recommendation_json(const compared_option& r) {
    ojson e;
    e["output"] = r.option.output;
    e["gain_setting"] = r.option.gain_setting.empty() ? ojson(nullptr) : ojson(r.option.gain_setting);
    e["topology"] = to_string(r.option.stage.kind());
    // The keys and meanings of pair --json. Without a programme the ranking is by level, and there is no headroom.
    const auto& a = r.analysis;
    e["headroom_db"] = a.headroom ? ojson(a.headroom->margin.db()) : ojson(nullptr);
    e["headroom_limit"] = a.headroom ? ojson(to_string(a.headroom->binding)) : ojson(nullptr);
    e["max_spl_db"] = a.max.max_level.db();
    e["limit"] = to_string(a.max.binding);
    e["hiss_spl_db"] = a.hiss ? ojson(a.hiss->low.db()) : ojson(nullptr);
    e["hiss_spl_db_max"] = a.hiss ? ojson(a.hiss->high.db()) : ojson(nullptr);
    e["zout_ohm"] = r.option.stage.output_impedance_stated() ? ojson(value_in(r.option.stage.output_impedance(), ohm)) : ojson(nullptr);
    if (r.across && r.across->headroom) e["worst_headroom_db"] = r.across->headroom->worst.db();  // where a curve or an EQ is known
    e["hiss_audibility"] = a.audibility ? ojson(to_string(a.audibility->verdict)) : ojson(nullptr);
    e["hiss_spl_dba"] = a.audibility ? ojson(a.audibility->hiss_a.db()) : ojson(nullptr);
    e["volume_attenuation_db"] = a.volume ? ojson(a.volume->attenuation.db()) : ojson(nullptr);
    return e;
}

ranked_table qualify(std::vector<ranked_row> ranked, gain enough, const std::optional<spl>& max_hiss) {
    ranked_table t;
    const auto qualifies = [&](const ranked_row& r) { return has_enough(*r.option, enough) && within_hiss(*r.option, max_hiss); };
    std::stable_partition(ranked.begin(), ranked.end(), qualifies);
    t.qualifying = static_cast<std::size_t>(std::count_if(ranked.begin(), ranked.end(), qualifies));
    if (max_hiss)
        t.noise_unknown = static_cast<std::size_t>(std::count_if(ranked.begin(), ranked.end(), [&](const ranked_row& r) {
            return has_enough(*r.option, enough) && !r.option->analysis.audibility;
        }));
    t.rows = std::move(ranked);
    return t;
}

ojson ranked_table_json(std::string_view owner_key, const std::string& owner, const ranked_table& t, std::size_t shown,
                        const attenuator* att) {
    const bool of_outputs = owner_key == "headphone";
    ojson rows = ojson::array();
    for (std::size_t k = 0; k < std::min(shown, t.qualifying); ++k) {
        ojson e;
        e["rank"] = k + 1;
        e[of_outputs ? "amplifier" : "headphone"] = t.rows[k].name;
        const ojson row = recommendation_json(*t.rows[k].option);  // the keys and meanings of pair --json
        for (const auto& [key, value] : row.items()) e[key] = value;
        rows.push_back(std::move(e));
    }
    ojson j;
    j[std::string{owner_key}] = owner;
    j["attenuator"] = att != nullptr ? ojson(att->name()) : ojson(nullptr);
    j["qualifying"] = t.qualifying;
    j["noise_unknown"] = t.noise_unknown ? ojson(*t.noise_unknown) : ojson(nullptr);
    j[of_outputs ? "outputs" : "headphones"] = std::move(rows);
    return j;
}

ojson output_json(const output_stage& out) {
    ojson j;
    j["topology"] = to_string(out.kind());
    j["derived"] = out.derived();
    j["vmax_vrms"] = optional_json(out.open_circuit_voltage(), volt);
    j["source_resistance_ohm"] = optional_json(out.spec().source_resistance, ohm);
    j["imax_arms"] = optional_json(out.current_limit(), ampere);
    j["pclip_w"] = optional_json(out.clipping_power(), watt);
    j["thermal_power_w"] = optional_json(out.thermal_power(), watt);
    ojson ratings = ojson::array();
    if (const auto& t = out.ratings())
        for (const auto& p : t->points()) ratings.push_back({{"power_w", value_in(p.output, watt)}, {"load_ohm", value_in(p.load, ohm)}});
    j["ratings"] = ratings;
    j["zout_ohm"] = value_in(out.output_impedance(), ohm);
    j["zout_stated"] = out.output_impedance_stated();  // false: zout_ohm is the 0 ohm assumed
    j["gain_limited_vrms"] = optional_json(out.gain_limited_voltage(), volt);
    j["volume_control"] = out.volume() ? ojson(to_string(*out.volume())) : ojson(nullptr);
    if (const auto& n = out.noise()) {
        j["noise_vrms"] = value_in(n->low(), volt);
        j["noise_vrms_max"] = value_in(n->high(), volt);
        j["noise_weighting"] = to_string(n->weighting());
        // "stated", or "derived" from an SNR as V_ref / 10^(SNR/20) (docs/physics.md section 9).
        j["noise_basis"] = n->derivation() ? "derived" : "stated";
        j["noise_snr_db"] = n->derivation() ? ojson(n->derivation()->snr.db()) : ojson(nullptr);
        j["noise_reference_vrms"] = n->derivation() ? ojson(value_in(n->derivation()->reference, volt)) : ojson(nullptr);
    } else {
        j["noise_vrms"] = nullptr;
        j["noise_vrms_max"] = nullptr;
        j["noise_weighting"] = nullptr;
        j["noise_basis"] = nullptr;
        j["noise_snr_db"] = nullptr;
        j["noise_reference_vrms"] = nullptr;
    }
    return j;
}

namespace {

// Values written back in the catalog's own spellings, with the shortest text that reads back as the same double.
std::string with_unit(double v, std::string_view unit) { return fmt::format("{}{}", v, unit); }

// One gain setting's (or a whole output's) stated figures, in the catalog's spellings.
void put_figures(ojson& j, const output_setting& s) {
    const output_stage& st = s.stage;
    const output_spec& spec = st.spec();
    if (spec.open_circuit_voltage) j["vmax"] = with_unit(value_in(*spec.open_circuit_voltage, volt), "V");
    if (spec.current_limit) j["imax"] = with_unit(value_in(*spec.current_limit, ampere), "A");
    if (spec.clipping_power) j["pmax"] = with_unit(value_in(*spec.clipping_power, watt), "W");
    if (spec.thermal_power) j["thermal_power"] = with_unit(value_in(*spec.thermal_power, watt), "W");
    if (spec.source_resistance) j["source_resistance"] = with_unit(value_in(*spec.source_resistance, ohm), "ohm");
    if (spec.output_impedance) j["zout"] = with_unit(value_in(*spec.output_impedance, ohm), "ohm");
    if (spec.noise) {
        if (const auto& d = spec.noise->derivation()) {  // as stated, so that it reads back to the same derivation
            j["snr"] = with_unit(d->snr.db(), "dB");
            if (d->reference_stated) j["snr_reference"] = with_unit(value_in(d->reference, volt), "V");
        } else {
            j["noise"] = with_unit(value_in(spec.noise->low(), volt), "V");
        }
        if (spec.noise->weighting() != noise_weighting::not_stated) j["noise_weighting"] = to_string(spec.noise->weighting());
    }
    if (spec.volume) j["volume"] = to_string(*spec.volume);
    if (spec.source) {
        j["source_level"] = with_unit(value_in(spec.source->full_scale(), volt), "V");
        j["gain"] = with_unit(spec.source->amplifier_gain().db(), "dB");
    } else if (s.stated_gain) {
        j["gain"] = with_unit(s.stated_gain->db(), "dB");
    }
    if (spec.ratings) {
        ojson pts = ojson::array();
        for (const auto& p : spec.ratings->points())
            pts.push_back(fmt::format("{}W@{}ohm", value_in(p.output, watt), value_in(p.load, ohm)));
        j["power"] = pts;
    }
    j["computed"] = output_json(st);
}

}  // namespace

std::string sensitivity_text(const sensitivity& s) {
    const double level = s.stated_level().db();
    switch (s.stated_form()) {
        case sensitivity::form::db_per_milliwatt: return fmt::format("{}dB/mW", level);
        case sensitivity::form::db_per_volt: return fmt::format("{}dB/V", level);
        case sensitivity::form::db_at_current: return fmt::format("{}dB@{}A", level, s.reference_value());
        case sensitivity::form::voltage_for_level: return fmt::format("{}V@{}dB", s.reference_value(), level);
    }
    return {};
}

ojson headphone_entry_json(const headphone_entry& h) {
    const headphone& m = h.model;
    ojson j;
    j["name"] = h.name();
    j["type"] = to_string(h.type);
    j["impedance"] = with_unit(value_in(m.nominal_impedance(), ohm), "ohm");
    j["sensitivity"] = sensitivity_text(m.stated_sensitivity());
    if (const auto f = m.sensitivity_frequency()) j["sensitivity_frequency"] = with_unit(value_in(*f, hertz), "Hz");
    if (const auto p = m.rated_power()) j["rated_power"] = with_unit(value_in(*p, watt), "W");
    // The curve's points themselves, so that the JSON reads back the same curve from anywhere (a path would tie it to
    // this machine's folders and say where they are).
    if (const auto* curve = m.curve(); curve != nullptr && !curve->points().empty()) {
        ojson points = ojson::array();
        for (const auto& p : curve->points()) points.push_back({value_in(p.at, hertz), value_in(p.magnitude, ohm), p.phase_deg});
        j["impedance_curve_points"] = std::move(points);
    }
    if (h.curve_reconstructed) j["impedance_curve_basis"] = "reconstructed";
    if (!h.driver.empty()) j["driver"] = h.driver;
    if (!h.drivers.empty()) j["drivers"] = h.drivers;
    j["basis"] = to_string(h.basis);
    if (!h.source.empty()) j["source"] = h.source;
    if (!h.secondary_source.empty()) j["secondary_source"] = h.secondary_source;
    if (!h.note.empty()) j["note"] = h.note;
    ojson c;
    c["impedance_ohm"] = value_in(m.nominal_impedance(), ohm);
    c["sensitivity_db_per_v"] = m.sensitivity_per_volt().db();
    c["sensitivity_db_per_mw"] = m.stated_sensitivity().per_milliwatt(m.nominal_impedance()).db();
    if (const auto* curve = m.curve()) {
        const auto min = curve->minimum();
        c["min_impedance_ohm"] = value_in(min.magnitude, ohm);
        c["min_impedance_hz"] = value_in(min.at, hertz);
    }
    j["computed"] = c;
    return j;
}

ojson amplifier_entry_json(const amplifier_entry& a) {
    ojson j;
    j["name"] = a.name;
    j["kind"] = to_string(a.kind);
    j["basis"] = to_string(a.basis);
    if (!a.source.empty()) j["source"] = a.source;
    if (!a.secondary_source.empty()) j["secondary_source"] = a.secondary_source;
    if (!a.note.empty()) j["note"] = a.note;
    auto outputs = ojson::array();
    for (const auto& o : a.outputs) {
        ojson out;
        out["name"] = o.name;
        out["topology"] = to_string(o.kind);
        if (!o.connector.empty()) out["connector"] = o.connector;
        if (o.settings.size() == 1 && o.settings.front().gain_name.empty()) {
            put_figures(out, o.settings.front());
        } else {
            auto gains = ojson::array();
            for (const auto& s : o.settings) {
                ojson g;
                g["name"] = s.gain_name;
                if (s.kind != setting_kind::gain) g["kind"] = to_string(s.kind);
                if (s.load_min) g["load_min"] = with_unit(value_in(*s.load_min, ohm), "ohm");
                if (s.load_max) g["load_max"] = with_unit(value_in(*s.load_max, ohm), "ohm");
                put_figures(g, s);
                gains.push_back(g);
            }
            out["gains"] = gains;
        }
        outputs.push_back(out);
    }
    j["outputs"] = outputs;
    return j;
}

ojson fit_json(const stage_fit& f) {
    ojson j;
    j["model"] = to_string(f.model);
    j["vmax_vrms"] = optional_json(f.open_circuit_voltage, volt);
    j["vmax_is_lower_bound"] = f.voltage_is_lower_bound;
    j["source_resistance_ohm"] = optional_json(f.source_resistance, ohm);
    j["imax_arms"] = optional_json(f.current_limit, ampere);
    j["pmax_w"] = optional_json(f.clipping_power, watt);
    j["zout_ohm"] = value_in(f.stage.output_impedance(), ohm);
    auto points = ojson::array();
    for (const auto& p : f.points) {
        ojson q;
        q["load_ohm"] = value_in(p.stated.load, ohm);
        q["power_w"] = value_in(p.stated.output, watt);
        q["model_power_w"] = value_in(p.model_power, watt);
        q["error_db"] = p.error.db();
        q["limit"] = to_string(p.binding);
        points.push_back(q);
    }
    j["points"] = points;
    j["max_error_db"] = f.max_error.db();
    return j;
}

}  // namespace headroom::frontend
