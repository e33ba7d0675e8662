#include "calculator.hpp"

#include "headroom/analysis.hpp"
#include "headroom/compare.hpp"
#include "headroom/eq.hpp"
#include "headroom/fields.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/frontend/json.hpp"
#include "headroom/frontend/lookup.hpp"
#include "headroom/frontend/plots.hpp"
#include "headroom/frontend/request.hpp"
#include "headroom/frontend/words.hpp"
#include "headroom/parse.hpp"
#include "headroom/recommend.hpp"
#include "headroom/response.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <utility>

namespace headroom::web {

namespace {

using ojson = nlohmann::ordered_json;
using fields::request_field;

// A request field's text, trimmed; empty when absent. A value that is not text is refused at its field.
std::string text_of(const ojson& obj, std::string_view key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(std::string{key});
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) throw input_error{std::string{key}, "must be text"};
    return std::string{detail::trim(it->get_ref<const std::string&>())};
}

// "1.2W@32ohm, 300mW@300ohm" or one per line.
std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::string item;
    const auto flush = [&] {
        const std::string_view t = detail::trim(item);
        if (!t.empty()) items.emplace_back(t);
        item.clear();
    };
    for (const char c : text) {
        if (c == ',' || c == ';' || c == '\n' || c == '\r') {
            flush();
        } else {
            item += c;
        }
    }
    flush();
    return items;
}

// The request's JSON as the core's request (headroom/frontend/request.hpp), every key spelled as the fields table
// spells it for the web.
frontend::gear_request request_of(const ojson& r) {
    frontend::gear_request q;
    q.from = face::web;
    const ojson h = r.value("headphone", ojson::object());
    if (h.is_object() && h.contains("name")) {
        q.headphone = text_of(h, "name");
        if (q.headphone.empty()) throw input_error{"headphone", "pick a headphone from the catalog (type part of its name)"};
    } else {
        for (std::size_t k = 0; k < fields::headphone_rows.size(); ++k)
            if (const std::string v = text_of(h, fields::headphone_rows[k].web); !v.empty())
                q.headphone_figures.set(static_cast<fields::headphone_field>(k), v);
    }
    const ojson a = r.value("amp", ojson::object());
    if (a.is_object() && a.contains("name")) {
        q.amp = text_of(a, "name");
        if (q.amp.empty()) throw input_error{"amp", "pick an amplifier from the catalog (type part of its name)"};
    } else {
        for (std::size_t k = 0; k < fields::output_rows.size(); ++k) {
            const auto& row = fields::output_rows[k];
            if (row.web.empty()) continue;
            const std::string v = text_of(a, row.web);
            if (v.empty()) continue;
            if (row.kind == fields::value_kind::power_table)
                q.amp_figures.set(static_cast<fields::output_field>(k), split_list(v));
            else
                q.amp_figures.set(static_cast<fields::output_field>(k), v);
        }
        // Typed-in settings after the source level: "low=0dB, high=12dB", or bare gains named by their text.
        for (const auto& item : split_list(text_of(a, "gains"))) {
            const auto sep = item.find_first_of("=:");
            const std::string name{detail::trim(sep == std::string::npos ? item : item.substr(0, sep))};
            const std::string value{detail::trim(sep == std::string::npos ? item : item.substr(sep + 1))};
            if (name.empty()) throw input_error{"gains", "'" + item + "' has no name before its gain (low=0dB)"};
            q.gain_settings.emplace_back(name, fields::given{value});
        }
        const std::string topology = text_of(a, frontend::key_of(request_field::balanced, face::web));
        if (!topology.empty() && topology != "single_ended" && topology != "balanced")
            throw input_error{"topology", "'" + topology + "' is not single_ended or balanced"};
        q.balanced = topology == "balanced";
        const std::string bridge = text_of(a, frontend::key_of(request_field::bridge, face::web));
        if (!bridge.empty() && bridge != "1" && bridge != "true" && bridge != "0" && bridge != "false")
            throw input_error{"bridge", "'" + bridge + "' is not 1 or 0"};
        if (bridge == "1" || bridge == "true") q.bridge = frontend::bridging::also;
    }
    for (std::size_t k = 0; k < fields::programme_rows.size(); ++k)
        if (const std::string v = text_of(r, fields::programme_rows[k].web); !v.empty())
            q.programme.set(static_cast<fields::programme_field>(k), v);
    // An attenuator between the output and the headphone: from the catalog by name, or its resistors by the fields
    // table's web keys.
    const ojson att = r.value("attenuator", ojson::object());
    if (att.is_object() && att.contains("name")) {
        q.attenuator_name = text_of(att, "name");
    } else {
        for (std::size_t k = 0; k < fields::attenuator_rows.size(); ++k)
            if (const std::string v = text_of(att, fields::attenuator_rows[k].web); !v.empty())
                q.attenuator_figures.set(static_cast<fields::attenuator_field>(k), v);
    }
    if (const auto it = r.find("eq"); it != r.end() && it->is_object()) {
        q.eq_name = text_of(*it, "name");
        if (q.eq_name.empty()) q.eq_name = "EQ";
        q.eq_text = it->value("text", std::string{});
        // A file the user chose that holds nothing is refused at its field, never taken as "no EQ".
        if (detail::trim(q.eq_text).empty()) throw input_error{"eq", "'" + q.eq_name + "' is empty: it holds no filters"};
    }
    return q;
}

// ---- the answer -------------------------------------------------------------------------------------------

// The keys of `headroom pair --json` for one option, across frequency too (made where the command line makes them),
// with the words of its report and the option's place in the comparison.
ojson option_json(const compared_option& o, const headphone& hp, const std::optional<programme>& p) {
    const output_stage& out = o.option.stage;
    const pair_analysis& a = o.analysis;
    ojson j = frontend::pair_json(out, hp, p, a, o.across ? &*o.across : nullptr);
    j["output"] = o.option.output;
    j["gain_setting"] = o.option.gain_setting.empty() ? ojson(nullptr) : ojson(o.option.gain_setting);
    j["recommended_gain"] = o.recommended_gain;
    j["setting_kind"] = to_string(o.option.kind);
    j["label"] = frontend::option_label(o.option);
    j["description"] = frontend::describe_output(out);
    j["limit_meaning"] = frontend::limit_meaning(a.max.binding, out);
    j["zout_ohm"] = value_in(out.output_impedance(), ohm);
    if (p) {
        j["exposure_text"] = frontend::exposure_sentence(*a.exposure);
        if (const auto& src = out.source()) j["source_vrms"] = value_in(src->full_scale(), volt);
    }
    // The report's sentences for whether the hiss is heard, where the volume sits, and what an attenuator buys and costs.
    j["hiss_audibility_text"] = a.audibility ? ojson(frontend::hiss_audibility_sentence(*a.audibility)) : ojson(nullptr);
    j["volume_text"] = a.volume ? ojson(frontend::volume_sentence(*a.volume)) : ojson(nullptr);
    ojson lines = ojson::array();
    for (const auto& [label, text] : frontend::attenuator_lines(a, o.across ? &*o.across : nullptr)) lines.push_back({label, text});
    j["attenuator_lines"] = lines;
    return j;
}

ojson eq_json(const eq_response& eq, const std::string& name, std::size_t filters) {
    ojson j;
    j["name"] = name;
    j["filters"] = filters;
    j["eq_max_boost_db"] = eq.peak.boost.db();
    j["eq_max_boost_hz"] = value_in(eq.peak.at, hertz);
    j["eq_preamp_db"] = eq.preamp.db();
    j["eq_programme_increase_db"] = eq.programme_increase.db();
    j["eq_spectrum"] = to_string(eq.spectrum);
    j["eq_digital_clipping_db"] = eq.digital_overshoot.db();
    j["clips_digitally"] = eq.clips_digitally();
    j["gain_db"] = std::vector<double>(eq.gain_db.data(), eq.gain_db.data() + eq.gain_db.size());
    return j;
}

ojson load_series(const frontend::load_sweep& s, const output_option& o, const output_stage& stage) {
    std::vector<std::string_view> binding;
    for (const limit l : s.binding) binding.push_back(to_string(l));
    ojson j;
    j["output"] = o.output;
    j["gain_setting"] = o.gain_setting.empty() ? ojson(nullptr) : ojson(o.gain_setting);
    j["topology"] = to_string(stage.kind());
    j["derived"] = stage.derived();
    j["load_ohm"] = s.load_ohm;
    j["power_w"] = s.power_w;
    j["voltage_vrms"] = s.voltage_vrms;
    j["limit"] = binding;
    return j;
}

// The option the page details: the request's output and setting where they name one (a name the amplifier lacks is
// refused at its field, with the nearest names), the output's advised setting where only the output is named, else
// the best.
std::size_t selected_option(const comparison& c, const std::string& output, const std::string& setting) {
    if (output.empty()) {
        if (!setting.empty()) throw input_error{"gain", "names a setting: name its output too"};
        return c.ranking.front();
    }
    std::vector<std::string> outputs, settings;
    for (const auto& o : c.options) {
        if (std::find(outputs.begin(), outputs.end(), o.option.output) == outputs.end()) outputs.push_back(o.option.output);
    }
    const std::string want = detail::lower(output);
    const auto named_output = std::find_if(outputs.begin(), outputs.end(), [&](const std::string& n) { return detail::lower(n) == want; });
    if (named_output == outputs.end()) {
        const auto near = frontend::near_names(outputs, output);
        std::string list;
        for (const auto& n : near.empty() ? outputs : near) list += (list.empty() ? "'" : ", '") + n + "'";
        throw input_error{"output", "'" + output + "' is not an output here; " + (near.empty() ? "outputs: " : "did you mean ") + list};
    }
    if (!setting.empty()) {
        for (std::size_t k = 0; k < c.options.size(); ++k)
            if (c.options[k].option.output == *named_output && detail::lower(c.options[k].option.gain_setting) == detail::lower(setting)) return k;
        for (const auto& o : c.options)
            if (o.option.output == *named_output && !o.option.gain_setting.empty()) settings.push_back(o.option.gain_setting);
        std::string list;
        for (const auto& n : settings) list += (list.empty() ? "'" : ", '") + n + "'";
        throw input_error{"gain", "'" + setting + "' is not a setting of '" + *named_output + "'" + (list.empty() ? std::string{": it has none"} : "; settings: " + list)};
    }
    for (const std::size_t k : c.ranking)
        if (c.options[k].option.output == *named_output) return k;
    return c.ranking.front();
}

ojson headphone_json(const headphone& hp) {
    ojson j;
    j["name"] = hp.name();
    j["impedance_ohm"] = value_in(hp.nominal_impedance(), ohm);
    j["sensitivity_db_per_v"] = hp.sensitivity_per_volt().db();
    j["sensitivity_db_per_mw"] = hp.stated_sensitivity().per_milliwatt(hp.nominal_impedance()).db();
    j["sensitivity_frequency_hz"] = hp.sensitivity_frequency() ? ojson(value_in(*hp.sensitivity_frequency(), hertz)) : ojson(nullptr);
    j["rated_power_w"] = hp.rated_power() ? ojson(value_in(*hp.rated_power(), watt)) : ojson(nullptr);
    j["curve"] = hp.curve() != nullptr ? ojson(hp.curve()->name()) : ojson(nullptr);
    return j;
}

ojson programme_json(const std::optional<programme>& p) {
    if (!p) return nullptr;
    return {{"target_spl_db", p->average_level().db()}, {"crest_factor_db", p->crest_factor().db()}};
}

template <class Body>
std::string answer(std::string_view request, Body&& body) {
    ojson out;
    try {
        const ojson r = ojson::parse(request);
        if (!r.is_object()) throw input_error{"", "the request must be a JSON object"};
        out = body(r);
        out["ok"] = true;
    } catch (const input_error& e) {
        out = {{"ok", false}, {"field", e.key()}, {"message", e.entity().empty() ? e.problem() : e.entity() + ": " + e.problem()}};
    } catch (const std::exception& e) {
        out = {{"ok", false}, {"field", ""}, {"message", e.what()}};
    }
    return out.dump();
}

}  // namespace

calculator::calculator(const std::filesystem::path& catalog_dir)
    : headphones_{load_headphone_catalog(catalog_dir / "headphones.json")},
      amplifiers_{load_amplifier_catalog(catalog_dir / "amplifiers.json")} {
    std::error_code ec;
    if (std::filesystem::is_regular_file(catalog_dir / "attenuators.json", ec))
        attenuators_ = load_attenuator_catalog(catalog_dir / "attenuators.json");
}

std::string calculator::catalog_json() const {
    ojson j;
    ojson hps = ojson::array();
    for (const auto& h : headphones_) {
        hps.push_back({{"name", h.name()},
                       {"type", to_string(h.type)},
                       {"impedance_ohm", value_in(h.model.nominal_impedance(), ohm)},
                       {"sensitivity_db_per_v", h.model.sensitivity_per_volt().db()},
                       {"basis", to_string(h.basis)},
                       {"drivers", h.drivers},
                       {"curve", h.model.curve() != nullptr}});
    }
    ojson amps = ojson::array();
    for (const auto& a : amplifiers_) {
        ojson outputs = ojson::array();
        for (const auto& o : a.outputs) {
            ojson gains = ojson::array();
            for (const auto& s : o.settings)
                if (!s.gain_name.empty()) gains.push_back(s.gain_name);
            outputs.push_back({{"name", o.name}, {"topology", to_string(o.kind)}, {"connector", o.connector}, {"gains", gains}});
        }
        amps.push_back({{"name", a.name}, {"kind", to_string(a.kind)}, {"basis", to_string(a.basis)}, {"outputs", outputs}});
    }
    ojson atts = ojson::array();
    for (const auto& a : attenuators_)
        atts.push_back({{"name", a.name()},
                        {"series_ohm", value_in(a.model.series(), ohm)},
                        {"shunt_ohm", a.model.shunt() ? ojson(value_in(*a.model.shunt(), ohm)) : ojson(nullptr)},
                        {"basis", to_string(a.basis)}});
    j["headphones"] = hps;
    j["amplifiers"] = amps;
    j["attenuators"] = atts;
    return j.dump();
}

std::string calculator::fields_json() {
    // The inputs of typed-in gear, from the fields table: the page builds its inputs from these, so a new field
    // needs no edit of the page.
    const auto rows_of = [](const auto& rows) {
        ojson list = ojson::array();
        for (const fields::field& row : rows) {
            if (row.web.empty()) continue;  // a field the page takes another way
            std::string label{row.model};
            if (!label.empty()) label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
            list.push_back({{"key", row.web}, {"label", label}, {"example", row.example}, {"help", row.help}});
        }
        return list;
    };
    ojson j;
    j["headphone"] = rows_of(fields::headphone_rows);
    j["amp"] = rows_of(fields::output_rows);
    j["programme"] = rows_of(fields::programme_rows);
    j["attenuator"] = rows_of(fields::attenuator_rows);
    return j.dump();
}

std::string calculator::analyse(std::string_view request) const {
    return answer(request, [&](const ojson& r) {
        const frontend::gear_request q = request_of(r);
        const headphone hp = frontend::headphone_of(q, headphones_);
        const std::optional<attenuator> att = frontend::attenuator_of(q, attenuators_);
        const attenuator* through = att ? &*att : nullptr;
        const std::vector<output_option> options = frontend::options_of(q, hp, amplifiers_, through);
        const std::optional<programme> p = frontend::programme_of(q);
        const std::optional<parametric_eq> eq = frontend::eq_of(q);
        const comparison c = fields::checked(
            face::web, "amp", [&] { return compare_outputs(options, hp, p, gain::of_db(0.0), eq ? &*eq : nullptr, through); });
        const frequency_grid g = audio_band_grid();
        std::optional<eq_response> eq_r;
        if (eq) eq_r = eq_response_on(*eq, g, p ? p->spectrum() : programme_spectrum::pink);

        ojson j;
        j["headphone"] = headphone_json(hp);
        j["programme"] = programme_json(p);
        ojson list = ojson::array();
        for (const auto& o : c.options) list.push_back(option_json(o, hp, p));
        j["options"] = std::move(list);
        j["ranking"] = c.ranking;
        const std::size_t selected = selected_option(c, text_of(r, "output"), text_of(r, "gain"));
        j["selected"] = selected;
        j["sensitive_headphone"] = is_sensitive(hp);
        j["verdict"] = frontend::verdict_lines(c);
        j["eq"] = eq_r ? eq_json(*eq_r, q.eq_name, eq->filters().size()) : ojson(nullptr);
        j["attenuator"] = att ? ojson{{"name", att->name()}, {"description", frontend::describe_attenuator(*att)}} : ojson(nullptr);

        // One option per output for the plots: the selected one for its output, the advised setting for the others.
        std::vector<std::size_t> shown;
        for (const std::size_t k : c.ranking) {
            const auto same_output = [&](std::size_t s) { return c.options[s].option.output == c.options[k].option.output; };
            shown.push_back(same_output(selected) ? selected : k);
        }
        std::sort(shown.begin(), shown.end());

        const double r_hp = value_in(hp.nominal_impedance(), ohm);
        const auto range = frontend::load_range(r_hp);
        const amplifier_entry* amp = q.amp.empty() ? nullptr : &frontend::find_amplifier(amplifiers_, q.amp);
        ojson series = ojson::array();
        ojson notes = ojson::array();
        for (const std::size_t k : shown) {
            const output_option& o = c.options[k].option;
            // A load-sensed output is drawn in the mode the device selects at each load.
            const amplifier_output* sensed = nullptr;
            if (amp != nullptr && o.kind == setting_kind::load_sensed) sensed = &frontend::find_output(*amp, o.output);
            series.push_back(load_series(sensed ? frontend::sweep_loads(*sensed, range) : frontend::sweep_loads(o.stage, range), o, o.stage));
            // Through the attenuator as well: what reaches the headphone.
            if (through != nullptr) {
                ojson s = load_series(sensed ? frontend::sweep_loads(*sensed, range, 240, through) : frontend::sweep_loads(o.stage, range, 240, through),
                                      o, o.stage);
                s["attenuator"] = through->name();
                series.push_back(std::move(s));
            }
        }
        // Typed-in single-ended figures without their bridge: draw the bridge too, as `headroom plot load` does, where
        // the model allows it (a bridge past the model's ranges is left out, and the page says why). A catalog
        // device's balanced output is never derived.
        const bool has_balanced = std::any_of(c.options.begin(), c.options.end(),
                                              [](const compared_option& o) { return o.option.stage.kind() == topology::balanced; });
        if (amp == nullptr && !has_balanced) {
            const output_option& leg = c.options[selected].option;
            try {
                const output_stage bridged = bridge(leg.stage);
                series.push_back(load_series(frontend::sweep_loads(bridged, range), {"balanced (bridged)", leg.gain_setting, bridged, leg.kind}, bridged));
            } catch (const spec_error& e) {
                notes.push_back("no bridged curve: " + std::string{e.what()});
            }
        }
        j["load_plot"] = {{"range_ohm", {range.first, range.second}}, {"headphone_ohm", r_hp}, {"series", series}, {"notes", notes}};

        if (const impedance_curve* curve = hp.curve()) {
            const Eigen::ArrayXcd z = ohms_on(*curve, g);
            std::vector<double> mag, phase;
            for (Eigen::Index i = 0; i < g.size(); ++i) {
                mag.push_back(std::abs(z[i]));
                phase.push_back(std::arg(z[i]) * 180.0 / std::numbers::pi);
            }
            ojson outputs = ojson::array();
            for (const std::size_t k : shown) {
                const output_stage& out = c.options[k].option.stage;
                const response_deviation d = analyse_response(*curve, out.output_impedance(), g);
                outputs.push_back({{"output", c.options[k].option.output},
                                   {"attenuator", nullptr},
                                   {"zout_ohm", value_in(out.output_impedance(), ohm)},
                                   {"zout_stated", out.output_impedance_stated()},
                                   {"spread_db", d.spread.db()},
                                   {"deviation_db", std::vector<double>(d.deviation_db.data(), d.deviation_db.data() + d.deviation_db.size())}});
                // With the attenuator: the deviation behind the source it makes, Z_th.
                if (through != nullptr) {
                    const impedance z_th = source_impedance(out, through);
                    const response_deviation t = analyse_response(*curve, z_th, g);
                    outputs.push_back({{"output", c.options[k].option.output},
                                       {"attenuator", through->name()},
                                       {"zout_ohm", value_in(z_th, ohm)},
                                       {"zout_stated", true},
                                       {"spread_db", t.spread.db()},
                                       {"deviation_db", std::vector<double>(t.deviation_db.data(), t.deviation_db.data() + t.deviation_db.size())}});
                }
            }
            const auto m = curve->minimum();
            j["response"] = {{"curve", curve->name()},
                             {"z_ohm", mag},
                             {"phase_deg", phase},
                             {"min_impedance_ohm", value_in(m.magnitude, ohm)},
                             {"min_impedance_hz", value_in(m.at, hertz)},
                             {"outputs", outputs}};
        } else {
            j["response"] = nullptr;
        }
        // The frequencies of the response's and the EQ's arrays.
        j["grid_hz"] = hp.curve() != nullptr || eq_r ? ojson(std::vector<double>(g.hz.data(), g.hz.data() + g.size())) : ojson(nullptr);
        return j;
    });
}

std::string calculator::rank(std::string_view request) const {
    return answer(request, [&](const ojson& r) {
        const frontend::gear_request q = request_of(r);
        const headphone hp = frontend::headphone_of(q, headphones_);
        const std::optional<programme> p = frontend::programme_of(q);
        // Every output of the catalog, fittest first, by the ranking the command line's sweep uses (recommend.hpp).
        const gain enough = gain::of_db(0.0);
        const std::optional<attenuator> att = frontend::attenuator_of(q, attenuators_);
        ojson rows = ojson::array();
        for (const output_recommendation& r : rank_outputs(hp, amplifiers_, p, enough, att ? &*att : nullptr)) {
            const compared_option& o = r.advised;
            const amplifier_entry* amp = r.amplifier;
            const pair_analysis& a = o.analysis;
            ojson row;
            row["amplifier"] = amp->name;
            row["kind"] = to_string(amp->kind);
            row["basis"] = to_string(amp->basis);
            row["output"] = o.option.output;
            row["gain_setting"] = o.option.gain_setting.empty() ? ojson(nullptr) : ojson(o.option.gain_setting);
            row["setting_kind"] = to_string(o.option.kind);
            row["topology"] = to_string(o.option.stage.kind());
            row["max_spl_db"] = a.max.max_level.db();
            row["limit"] = to_string(a.max.binding);
            row["load_power_w"] = value_in(a.max.load_power, watt);
            row["headroom_db"] = a.headroom ? ojson(a.headroom->margin.db()) : ojson(nullptr);
            row["headroom_limit"] = a.headroom ? ojson(to_string(a.headroom->binding)) : ojson(nullptr);
            row["enough"] = has_enough(o, enough);
            row["hiss_spl_db_max"] = a.hiss ? ojson(a.hiss->high.db()) : ojson(nullptr);
            row["hiss_audibility"] = a.audibility ? ojson(to_string(a.audibility->verdict)) : ojson(nullptr);
            row["volume_attenuation_db"] = a.volume ? ojson(a.volume->attenuation.db()) : ojson(nullptr);
            row["zout_ohm"] = value_in(o.option.stage.output_impedance(), ohm);
            row["zout_stated"] = o.option.stage.output_impedance_stated();
            if (o.across && o.across->headroom) row["worst_headroom_db"] = o.across->headroom->worst.db();  // across the band
            rows.push_back(std::move(row));
        }
        ojson j;
        j["headphone"] = headphone_json(hp);
        j["programme"] = programme_json(p);
        j["sensitive_headphone"] = is_sensitive(hp);
        j["rows"] = std::move(rows);
        return j;
    });
}

}  // namespace headroom::web
