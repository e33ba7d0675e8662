#include "calculator.hpp"

#include "headroom/frontend/words.hpp"  // the command line's words for gear, limits and durations, so both read the same
#include "headroom/analysis.hpp"
#include "headroom/compare.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/io.hpp"
#include "headroom/parse.hpp"
#include "headroom/recommend.hpp"
#include "headroom/response.hpp"
#include "headroom/frontend/json.hpp"  // the JSON keys of `headroom pair --json`, written once

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace headroom::web {

namespace {

using ojson = nlohmann::ordered_json;

// A request field the user must correct: the page marks that input and shows the message beside it.
class input_error : public std::runtime_error {
public:
    input_error(std::string field, const std::string& message) : std::runtime_error{message}, field_{std::move(field)} {}
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

// A field's text, trimmed; empty when absent.
std::string text_of(const ojson& obj, const char* key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) throw input_error{key, std::string{key} + " must be text"};
    return std::string{detail::trim(it->get_ref<const std::string&>())};
}

template <class Parse>
auto field_value(const char* field, const std::string& text, Parse&& parse) {
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {  // parse_error, spec_error, or a catalog miss with its suggestions
        throw input_error{field, e.what()};
    }
}

template <class Q, class Unit>
std::optional<Q> optional_positive(const char* field, const std::string& text, Q (*parse)(std::string_view), Unit unit) {
    if (text.empty()) return std::nullopt;
    const Q q = field_value(field, text, parse);
    if (!(value_in(q, unit) > 0.0)) throw input_error{field, "'" + text + "' must be positive"};
    return q;
}

// The request field a model's spec_error is about (the model names its fields in words: "open-circuit voltage").
std::string_view request_field(std::string_view model_field) noexcept {
    constexpr std::pair<std::string_view, std::string_view> fields[] = {
        {"open-circuit voltage", "vmax"}, {"current limit", "imax"},       {"clipping power", "pmax"},
        {"thermal power", "thermal_power"}, {"output impedance", "zout"},  {"source level", "source"},
        {"gain", "gains"},                {"noise", "noise"},              {"power", "power"},
        {"load", "power"},                {"impedance", "impedance"},      {"sensitivity", "sensitivity"},
        {"level", "sensitivity"},         {"reference current", "sensitivity"}, {"voltage", "sensitivity"},
        {"rated power", "rated_power"},   {"average level", "target"},     {"crest factor", "crest"},
    };
    for (const auto& [model, request] : fields)
        if (model == model_field) return request;
    return {};
}

template <class Make>
auto model_from(Make&& make, const char* fallback_field) {
    try {
        return make();
    } catch (const spec_error& e) {
        const std::string_view f = request_field(e.field());
        throw input_error{std::string{f.empty() ? std::string_view{fallback_field} : f}, e.what()};
    }
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

std::string lower(std::string_view s) {
    std::string out{s};
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// ---- the request ------------------------------------------------------------------------------------------

headphone make_headphone(const ojson& request, const std::vector<headphone_entry>& catalog) {
    const ojson h = request.value("headphone", ojson::object());
    if (h.is_object() && h.contains("name")) {  // from the catalog
        const std::string name = text_of(h, "name");
        if (name.empty()) throw input_error{"headphone", "pick a headphone from the catalog (type part of its name)"};
        return field_value("headphone", name, [&](const std::string& n) { return find_headphone(catalog, n).model; });
    }
    const std::string z_text = text_of(h, "impedance"), s_text = text_of(h, "sensitivity");
    if (z_text.empty()) throw input_error{"impedance", "give the headphone's impedance (300ohm), or pick one from the catalog"};
    if (s_text.empty())
        throw input_error{"sensitivity", "give the headphone's sensitivity with its unit: 97dB/mW, 102.2dB/V, 94.6dB@5mA or 327mV@94dB"};
    const impedance z = *optional_positive("impedance", z_text, parse_impedance, ohm);
    const stated_sensitivity s = field_value("sensitivity", s_text, parse_stated_sensitivity);
    headphone_details details;
    details.sensitivity_frequency = s.at;
    details.rated_power = optional_positive("rated_power", text_of(h, "rated_power"), parse_power, watt);
    return model_from([&] { return headphone{"headphone", z, s.value, details}; }, "sensitivity");
}

// A typed-in amplifier's gain settings: "low=0dB, high=12dB", or bare gains ("0dB, 12dB") named by their text.
std::vector<std::pair<std::string, gain>> gain_settings(const std::string& text) {
    std::vector<std::pair<std::string, gain>> settings;
    for (const auto& item : split_list(text)) {
        const auto sep = item.find_first_of("=:");
        const std::string name{detail::trim(sep == std::string::npos ? item : item.substr(0, sep))};
        const std::string value{detail::trim(sep == std::string::npos ? item : item.substr(sep + 1))};
        if (name.empty()) throw input_error{"gains", "'" + item + "' has no name before its gain (low=0dB)"};
        const gain g = field_value("gains", value, parse_gain);
        for (const auto& s : settings)
            if (lower(s.first) == lower(name)) throw input_error{"gains", "the setting '" + name + "' is given twice"};
        settings.emplace_back(name, g);
    }
    return settings;
}

std::vector<output_option> typed_outputs(const ojson& a) {
    output_spec spec;
    if (const auto points_text = split_list(text_of(a, "power")); !points_text.empty()) {
        std::vector<power_point> points;
        for (const auto& t : points_text) {
            const power_point p = field_value("power", t, [](const std::string& s) { return parse_power_point(s); });
            if (!(value_in(p.output, watt) > 0.0) || !(value_in(p.load, ohm) > 0.0))
                throw input_error{"power", "'" + t + "': the power and the load must be positive"};
            points.push_back(p);
        }
        spec.ratings = model_from([&] { return rating_table{std::move(points), "power"}; }, "power");
    }
    spec.open_circuit_voltage = optional_positive("vmax", text_of(a, "vmax"), parse_voltage, volt);
    spec.current_limit = optional_positive("imax", text_of(a, "imax"), parse_current, ampere);
    spec.clipping_power = optional_positive("pmax", text_of(a, "pmax"), parse_power, watt);
    spec.thermal_power = optional_positive("thermal_power", text_of(a, "thermal_power"), parse_power, watt);
    if (const std::string z = text_of(a, "zout"); !z.empty()) {
        spec.output_impedance = field_value("zout", z, [](const std::string& s) { return parse_impedance(s); });
        if (value_in(*spec.output_impedance, ohm) < 0.0) throw input_error{"zout", "'" + z + "' must not be negative"};
    }
    if (const std::string n = text_of(a, "noise"); !n.empty()) {
        const voltage v = field_value("noise", n, [](const std::string& s) { return parse_voltage(s); });
        spec.noise = model_from([&] { return output_noise{v}; }, "noise");
    }
    const std::string source_text = text_of(a, "source"), gains_text = text_of(a, "gains");
    std::optional<voltage> source;
    if (!source_text.empty()) source = *optional_positive("source", source_text, parse_voltage, volt);
    const auto settings = gain_settings(gains_text);
    if (source && settings.empty())
        throw input_error{"gains", "give the gain after the source level: one setting (6dB) or several (low=0dB, high=12dB)"};
    if (!source && !settings.empty()) throw input_error{"source", "gain settings need the source's full-scale level they follow (2V)"};
    if (!spec.open_circuit_voltage && !spec.current_limit && !spec.clipping_power && !spec.thermal_power && !spec.ratings && !source)
        throw input_error{"vmax", "state at least one amplifier limit: V_oc, I_max, a power rating, power at loads, thermal "
                                  "power, or a source level with its gain"};
    const std::string topology_text = text_of(a, "topology");
    if (!topology_text.empty() && topology_text != "single_ended" && topology_text != "balanced")
        throw input_error{"topology", "'" + topology_text + "' is not single_ended or balanced"};
    spec.kind = topology_text == "balanced" ? topology::balanced : topology::single_ended;
    const std::string output_name = spec.kind == topology::balanced ? "balanced" : "single-ended";
    const std::string bridge_text = text_of(a, "bridge");
    const bool with_bridge = spec.kind == topology::single_ended && (bridge_text == "1" || bridge_text == "true");

    std::vector<output_option> options;
    const auto add = [&](const std::string& setting) {
        const output_stage stage = model_from([&] { return output_stage{"amplifier output", spec}; }, "vmax");
        options.push_back({output_name, setting, stage});
    };
    if (settings.empty()) {
        add("");
    } else {
        for (const auto& setting : settings) {
            spec.source = model_from([&] { return source_gain{*source, setting.second}; }, "gains");
            add(setting.first);
        }
    }
    if (with_bridge) {
        const std::size_t legs = options.size();
        for (std::size_t k = 0; k < legs; ++k) {
            const output_stage bridged = model_from([&] { return bridge(options[k].stage); }, "vmax");
            options.push_back({"balanced (bridged)", options[k].gain_setting, bridged});
        }
    }
    return options;
}

struct amplifier_choice {
    std::vector<output_option> options;
    bool from_catalog = false;
};

amplifier_choice make_amplifier(const ojson& request, const std::vector<amplifier_entry>& catalog) {
    const ojson a = request.value("amp", ojson::object());
    if (a.is_object() && a.contains("name")) {  // from the catalog
        const std::string name = text_of(a, "name");
        if (name.empty()) throw input_error{"amp", "pick an amplifier from the catalog (type part of its name)"};
        const amplifier_entry& amp =
            field_value("amp", name, [&](const std::string& n) -> const amplifier_entry& { return find_amplifier(catalog, n); });
        amplifier_choice c{{}, true};
        for (const auto& o : amp.outputs)
            for (const auto& s : o.settings) c.options.push_back({o.name, s.gain_name, s.stage, s.kind});
        return c;
    }
    return {typed_outputs(a), false};
}

std::optional<programme> make_programme(const ojson& request) {
    const std::string target = text_of(request, "target"), crest = text_of(request, "crest");
    if (target.empty()) return std::nullopt;
    const spl level = field_value("target", target, [](const std::string& t) { return parse_spl(t); });
    const gain cf = crest.empty() ? sine_crest_factor : field_value("crest", crest, [](const std::string& t) { return parse_gain(t); });
    return model_from([&] { return programme{level, cf}; }, "target");
}

std::optional<parametric_eq> make_eq(const ojson& request) {
    const auto it = request.find("eq");
    if (it == request.end() || !it->is_object()) return std::nullopt;
    const std::string text = it->value("text", std::string{});
    if (detail::trim(text).empty()) return std::nullopt;
    std::string name = text_of(*it, "name");
    if (name.empty()) name = "EQ";
    return field_value("eq", name, [&](const std::string& n) { return read_parametric_eq(text, n); });
}

// ---- the answer -------------------------------------------------------------------------------------------

// The keys of `headroom pair --json` for one output stage and across frequency, made where the command line makes
// them (src/report), with the words of its report and the option's place in the comparison.
ojson option_json(const compared_option& o, const headphone& hp, const std::optional<programme>& p, const parametric_eq* eq) {
    const output_stage& out = o.option.stage;
    const pair_analysis& a = o.analysis;
    ojson j = frontend::pair_json(out, hp, p, a);
    frontend::add_gain_stage_json(j, frontend::gain_stage_of(out, a));
    if (const auto f = frontend::analyse_frequency(out, hp, eq, p)) frontend::add_frequency_json(j, *f);
    j["output"] = o.option.output;
    j["gain_setting"] = o.option.gain_setting.empty() ? ojson(nullptr) : ojson(o.option.gain_setting);
    j["recommended_gain"] = o.recommended_gain;
    j["description"] = frontend::describe_output(out);
    j["limit_meaning"] = frontend::limit_meaning(a.max.binding, out);
    j["zout_ohm"] = value_in(out.output_impedance(), ohm);
    if (p) {
        const auto& e = *a.exposure;
        j["exposure_text"] = fmt::format("{:.1f} dB(A) estimated ({}: {:+.2f} dB): NIOSH {} a day, WHO/ITU-T H.870 {} a week",
                                         e.a_weighted_level.db(), to_string(e.spectrum), e.a_weighting.db(),
                                         frontend::human_duration(e.niosh_daily), frontend::human_duration(e.who_weekly));
        if (const auto& src = out.source()) j["source_vrms"] = value_in(src->full_scale(), volt);
    }
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

// The loads the load plot sweeps, in ohm: 8-600 (IEMs to 600 ohm studio headphones), widened to show the headphone,
// as `headroom plot load` draws them.
std::pair<double, double> load_range(double headphone_ohm) {
    return {std::min(8.0, headphone_ohm / 1.25), std::max(600.0, headphone_ohm * 1.25)};
}

ojson load_series(const output_stage& out, const std::string& output, const std::string& gain_setting,
                  std::pair<double, double> range) {
    constexpr int steps = 240;
    std::vector<double> r, power_w, voltage_vrms;
    std::vector<std::string_view> binding;
    for (int i = 0; i <= steps; ++i) {
        const double load = range.first * std::pow(range.second / range.first, static_cast<double>(i) / steps);
        const auto [v, which] = limits::binding_of(detail::load_voltage_limits(out, in_si(load, ohm)));
        r.push_back(load);
        power_w.push_back(v * v / load);
        voltage_vrms.push_back(v);
        binding.push_back(to_string(which));
    }
    ojson j;
    j["output"] = output;
    j["gain_setting"] = gain_setting.empty() ? ojson(nullptr) : ojson(gain_setting);
    j["topology"] = to_string(out.kind());
    j["derived"] = out.derived();
    j["load_ohm"] = r;
    j["power_w"] = power_w;
    j["voltage_vrms"] = voltage_vrms;
    j["limit"] = binding;
    return j;
}

// The option the page details: the request's output and gain setting where they name one, the output's advised
// setting where only the output is named, else the best.
std::size_t selected_option(const comparison& c, const std::string& output, const std::string& gain_setting) {
    const std::string o = lower(output), g = lower(gain_setting);
    if (!o.empty()) {
        for (std::size_t k = 0; k < c.options.size(); ++k)
            if (lower(c.options[k].option.output) == o && !g.empty() && lower(c.options[k].option.gain_setting) == g) return k;
        for (const std::size_t k : c.ranking)
            if (lower(c.options[k].option.output) == o) return k;
    }
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
        out = {{"ok", false}, {"field", e.field()}, {"message", e.what()}};
    } catch (const std::exception& e) {
        out = {{"ok", false}, {"field", ""}, {"message", e.what()}};
    }
    return out.dump();
}

}  // namespace

calculator::calculator(const std::filesystem::path& catalog_dir)
    : headphones_{load_headphone_catalog(catalog_dir / "headphones.json")},
      amplifiers_{load_amplifier_catalog(catalog_dir / "amplifiers.json")} {}

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
    j["headphones"] = hps;
    j["amplifiers"] = amps;
    return j.dump();
}

std::string calculator::analyse(std::string_view request) const {
    return answer(request, [&](const ojson& r) {
        const headphone hp = make_headphone(r, headphones_);
        const amplifier_choice amp = make_amplifier(r, amplifiers_);
        const std::optional<programme> p = make_programme(r);
        const std::optional<parametric_eq> eq = make_eq(r);
        const comparison c = model_from([&] { return compare_outputs(amp.options, hp, p); }, "amp");
        const frequency_grid g = audio_band_grid();
        std::optional<eq_response> eq_r;
        if (eq) eq_r = eq_response_on(*eq, g, p ? p->spectrum() : programme_spectrum::pink);

        ojson j;
        j["headphone"] = headphone_json(hp);
        j["programme"] = programme_json(p);
        ojson options = ojson::array();
        for (const auto& o : c.options) {
            options.push_back(option_json(o, hp, p, eq ? &*eq : nullptr));
        }
        j["options"] = std::move(options);
        j["ranking"] = c.ranking;
        const std::size_t selected = selected_option(c, text_of(r, "output"), text_of(r, "gain"));
        j["selected"] = selected;
        j["sensitive_headphone"] = is_sensitive(hp);
        j["verdict"] = verdict_lines(c);
        j["eq"] = eq_r ? eq_json(*eq_r, text_of(r.at("eq"), "name"), eq->filters().size()) : ojson(nullptr);

        // One option per output for the plots: the selected one for its output, the advised setting for the others.
        std::vector<std::size_t> shown;
        for (const std::size_t k : c.ranking) {
            const auto same_output = [&](std::size_t s) { return c.options[s].option.output == c.options[k].option.output; };
            shown.push_back(same_output(selected) ? selected : k);
        }
        std::sort(shown.begin(), shown.end());

        const double r_hp = value_in(hp.nominal_impedance(), ohm);
        const auto range = load_range(r_hp);
        ojson series = ojson::array();
        for (const std::size_t k : shown)
            series.push_back(load_series(c.options[k].option.stage, c.options[k].option.output, c.options[k].option.gain_setting, range));
        // Typed-in single-ended figures without their bridge: draw the bridge too, as `headroom plot load` does.
        // A catalog device's balanced output is never derived.
        const bool has_balanced = std::any_of(c.options.begin(), c.options.end(),
                                              [](const compared_option& o) { return o.option.stage.kind() == topology::balanced; });
        if (!amp.from_catalog && !has_balanced) {
            const auto& leg = c.options[selected].option;
            series.push_back(load_series(bridge(leg.stage), "balanced (bridged)", leg.gain_setting, range));
        }
        j["load_plot"] = {{"range_ohm", {range.first, range.second}}, {"headphone_ohm", r_hp}, {"series", series}};

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
                                   {"zout_ohm", value_in(out.output_impedance(), ohm)},
                                   {"zout_stated", out.output_impedance_stated()},
                                   {"spread_db", d.spread.db()},
                                   {"deviation_db", std::vector<double>(d.deviation_db.data(), d.deviation_db.data() + d.deviation_db.size())}});
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
        const headphone hp = make_headphone(r, headphones_);
        const std::optional<programme> p = make_programme(r);
        // Every output of the catalog, fittest first, by the ranking the command line's sweep uses (recommend.hpp).
        const gain enough = gain::of_db(0.0);
        ojson rows = ojson::array();
        for (const output_recommendation& r : rank_outputs(hp, amplifiers_, p, enough)) {
            const compared_option& o = r.advised;
            const amplifier_entry* amp = r.amplifier;
            const pair_analysis& a = o.analysis;
            ojson row;
            row["amplifier"] = amp->name;
            row["kind"] = to_string(amp->kind);
            row["basis"] = to_string(amp->basis);
            row["output"] = o.option.output;
            row["gain_setting"] = o.option.gain_setting.empty() ? ojson(nullptr) : ojson(o.option.gain_setting);
            row["topology"] = to_string(o.option.stage.kind());
            row["max_spl_db"] = a.max.max_level.db();
            row["limit"] = to_string(a.max.binding);
            row["load_power_w"] = value_in(a.max.load_power, watt);
            row["headroom_db"] = a.headroom ? ojson(a.headroom->margin.db()) : ojson(nullptr);
            row["headroom_limit"] = a.headroom ? ojson(to_string(a.headroom->binding)) : ojson(nullptr);
            row["enough"] = has_enough(o, enough);
            row["hiss_spl_db_max"] = a.hiss ? ojson(a.hiss->high.db()) : ojson(nullptr);
            row["zout_ohm"] = value_in(o.option.stage.output_impedance(), ohm);
            row["zout_stated"] = o.option.stage.output_impedance_stated();
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
