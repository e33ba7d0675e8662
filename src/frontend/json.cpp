#include "headroom/frontend/json.hpp"

#include "headroom/frequency_grid.hpp"
#include "headroom/frontend/words.hpp"

#include <fmt/format.h>

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
}

}  // namespace

ojson need_json(const headphone& hp, const programme& p, const requirement& n, const std::optional<impedance>& zout, voltage source,
                const eq_response* eq) {
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
    return e;
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
