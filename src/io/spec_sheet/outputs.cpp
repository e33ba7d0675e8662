// An amplifier's entry from its readings: each figure put on the output (jack) and gain setting its line names, what
// is stated once for the device put on every output, contradictions refused, and the outputs written as the catalog
// holds them.

#include "parts.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace headroom::spec_detail {

std::string output_name(const output_key& k) {
    if (k.topology == "bal") return k.connector.empty() ? "balanced" : k.connector + " balanced";
    return k.connector.empty() ? "single-ended" : k.connector;
}

void builder::drop(const placed& p, const std::string& why) {
    item_result& r = lines[p.line];
    r.readings[p.index].field.clear();  // marked: removed below
    add_note(r.note, why);
}

void builder::unused(const placed& p, const std::string& why) {
    if (p.line >= lines.size()) return;
    item_result& r = lines[p.line];
    r.readings[p.index].used = false;
    add_note(r.note, why);
}

namespace {

// Settings of one output: name -> field -> (value, where).
struct figure {
    std::string value;
    placed at;
    bool tagged = false;  // its text named its output
};
using figures = std::map<std::string, std::vector<figure>>;  // field -> values (power: several points)

struct output_build {
    output_key key;
    figures base;
    std::map<std::string, figures> settings;  // by name, in the order met
    std::vector<std::string> setting_order;
};


// Adds a figure, refusing a second, different value of a single-valued field (the first stays).
void put(figures& into, const std::string& field, const figure& fig, builder& b) {
    auto& list = into[field];
    if (field == "power") {
        for (const auto& other : list) {
            const auto at = other.value.find('@'), at2 = fig.value.find('@');
            if (other.value.substr(at + 1) == fig.value.substr(at2 + 1)) {
                if (other.value == fig.value) return;
                b.drop(fig.at, "a second power at " + fig.value.substr(at2 + 1) + " (" + fig.value.substr(0, at2) + "; line " +
                                   std::to_string(other.at.line + 1) + " has " + other.value.substr(0, at) + "): which?");
                return;
            }
        }
        list.push_back(fig);
        return;
    }
    if (!list.empty()) {
        // An SNR beside a dynamic range: the SNR is the figure asked for.
        if (field == "snr" && b.at(list.front().at).secondary != b.at(fig.at).secondary) {
            if (b.at(fig.at).secondary) {
                b.unused(fig.at, "not used: the SNR is stated");
            } else {
                b.unused(list.front().at, "not used: the SNR is stated");
                list.front() = fig;
            }
            return;
        }
        if (list.front().value != fig.value)
            b.drop(fig.at, field + " " + fig.value + " differs from " + list.front().value + " read before: the first is kept");
        return;
    }
    list.push_back(fig);
}

// Noise stated beside an SNR: the noise voltage is the figure; the SNR it would be derived from is not needed.
void prefer_noise(figures& f, builder& b) {
    if (!f.count("noise") || f["noise"].empty()) return;
    for (const char* key : {"snr", "snr_reference"}) {
        const auto it = f.find(key);
        if (it == f.end()) continue;
        for (const auto& fig : it->second) b.unused(fig.at, "not used: the noise voltage is stated");
        f.erase(it);
    }
}

bool has_limits(const figures& f) { return f.count("power") || f.count("vmax") || f.count("imax"); }

json figures_json(const figures& f) {
    json j = json::object();
    for (const char* key : {"vmax", "imax", "power", "zout", "noise", "noise_weighting", "snr", "snr_reference", "source_level", "gain"}) {
        const auto it = f.find(key);
        if (it == f.end() || it->second.empty()) continue;
        if (std::string{key} == "power") {
            json points = json::array();
            for (const auto& p : it->second) points.push_back(p.value);
            j[key] = points;
        } else {
            j[key] = it->second.front().value;
        }
    }
    return j;
}
}  // namespace

json amplifier_entry_json(amplifier_text text, builder& b, const spec_sheet_options& options, const std::string& name) {
    std::vector<item_result>& results = text.results;
    const std::vector<std::vector<item>>& items = text.items;
    std::vector<std::string>& notes = text.notes;
    std::vector<std::string>& problems = text.problems;
    json entry = json::object();
    // Outputs: the connectors the text names, then each figure's output.
    std::set<std::string> declared_se, declared_bal;
    const auto declare = [&](const std::string& connector) {
        if (connector.empty()) return;
        (topology_of_connector(connector) == "bal" ? declared_bal : declared_se).insert(connector);
    };
    for (const auto& line_items : items)
        for (const auto& it : line_items)
            for (const auto* side : {&it.label, &it.value}) {
                const auto t = tokenize(*side);
                for (const auto& x : t)
                    if (x.kind == tk::word) declare(connector_of(x.text));
            }
    const auto key_of = [&](const out_tag& t) -> std::optional<output_key> {
        if (!t.connector.empty()) return output_key{t.topology.empty() ? topology_of_connector(t.connector) : t.topology, t.connector};
        if (t.topology.empty()) return std::nullopt;
        const auto& declared = t.topology == "bal" ? declared_bal : declared_se;
        return output_key{t.topology, declared.size() == 1 ? *declared.begin() : std::string{}};
    };
    std::map<output_key, output_build> outputs;
    std::vector<output_key> order;
    const auto output = [&](const output_key& k) -> output_build& {
        auto it = outputs.find(k);
        if (it == outputs.end()) {
            order.push_back(k);
            it = outputs.emplace(k, output_build{k, {}, {}, {}}).first;
        }
        return it->second;
    };
    struct loose {
        std::string field, value, setting;
        placed at;
    };
    std::vector<loose> untagged;
    for (std::size_t l = 0; l < results.size(); ++l)
        for (std::size_t i = 0; i < results[l].readings.size(); ++i) {
            const reading& r = results[l].readings[i];
            if (in(r.field, {"name", "kind", "type", "drivers", ""})) continue;
            if (const auto k = key_of(r.output)) {
                output(*k);
            } else {
                untagged.push_back({r.field, r.value, r.setting, {l, i}});
            }
        }
    // A text that names a single-ended and a balanced jack but ties none of its limits to either gives no way to
    // tell whose they are: a balanced figure put on the single-ended jack would promise power it does not have,
    // so those lines are refused rather than guessed.
    const auto is_limit = [](const std::string& field) { return in(field, {"power", "vmax", "imax"}); };
    bool limits_tagged = false;
    for (const auto& line : results)
        for (const auto& r : line.readings)
            if (is_limit(r.field) && key_of(r.output)) limits_tagged = true;
    if (!declared_se.empty() && !declared_bal.empty() && !limits_tagged) {
        std::set<std::size_t> refused;
        for (const auto& u : untagged)
            if (is_limit(u.field)) refused.insert(u.at.line);
        const std::string jacks = *declared_se.begin() + " and " + *declared_bal.begin();
        for (const std::size_t l : refused)
            results[l] = refuse("the text names two outputs (" + jacks + ") and this line does not say whose figure it is: "
                                "give the line its output ('" + *declared_se.begin() + ": ...' or '" + *declared_bal.begin() + ": ...')");
        std::erase_if(untagged, [&](const loose& u) { return refused.count(u.at.line) > 0; });
    }
    // A topology named without a connector joins the one output of that topology with a connector.
    for (const std::string topo : {"se", "bal"}) {
        const output_key loose_key{topo, ""};
        std::vector<output_key> named;
        for (const auto& k : order)
            if (k.topology == topo && !k.connector.empty()) named.push_back(k);
        if (outputs.count(loose_key) && named.size() == 1) {
            outputs.erase(loose_key);
            order.erase(std::find(order.begin(), order.end(), loose_key));
        }
    }
    const auto resolve = [&](const out_tag& t) -> output_key {
        auto k = *key_of(t);
        if (k.connector.empty()) {
            for (const auto& o : order)
                if (o.topology == k.topology && !o.connector.empty()) return o;
        }
        return k;
    };
    // The default output for untagged limits: the single-ended one (a text that names only its balanced output's
    // figures calls the other output's plainly "output power").
    const auto default_key = [&]() -> output_key {
        for (const auto& k : order)
            if (k.topology == "se") return k;
        return output_key{"se", declared_se.size() == 1 ? *declared_se.begin() : std::string{}};
    };
    const auto add = [&](const output_key& k, const std::string& field, const std::string& value, const std::string& setting,
                         const placed& at, bool tagged) {
        output_build& o = output(k);
        figures* into = &o.base;
        if (!setting.empty()) {
            if (!o.settings.count(setting)) o.setting_order.push_back(setting);
            into = &o.settings[setting];
        }
        put(*into, field, {value, at, tagged}, b);
        results[at.line].readings[at.index].output = {k.topology, k.connector, false};
        results[at.line].readings[at.index].setting = setting;
    };
    for (std::size_t l = 0; l < results.size(); ++l)
        for (std::size_t i = 0; i < results[l].readings.size(); ++i) {
            const reading r = results[l].readings[i];
            if (in(r.field, {"name", "kind", "type", "drivers", ""}) || !key_of(r.output)) continue;
            add(resolve(r.output), r.field, r.value, r.setting, {l, i}, true);
        }
    // Untagged limits first (they may make the single-ended output), then what is stated once for the device.
    for (const auto& u : untagged)
        if (in(u.field, {"power", "vmax", "imax"})) add(default_key(), u.field, u.value, u.setting, u.at, false);
    for (const auto& u : untagged) {
        if (in(u.field, {"power", "vmax", "imax"})) continue;
        if (order.empty()) {
            add(default_key(), u.field, u.value, u.setting, u.at, false);
            continue;
        }
        // Stated once for the device (an SNR, Z_out, the gains): every output that does not state its own.
        const auto targets = order;
        bool any = false;
        for (const auto& k : targets) {
            const output_build& o = outputs.at(k);
            const figures* f = &o.base;
            if (!u.setting.empty()) {
                const auto s = o.settings.find(u.setting);
                f = s == o.settings.end() ? nullptr : &s->second;
            }
            if (f != nullptr) {  // an output that names its own value keeps it
                const auto it = f->find(u.field);
                if (it != f->end() && !it->second.empty() && it->second.front().tagged) continue;
            }
            add(k, u.field, u.value, u.setting, u.at, false);
            any = true;
        }
        if (any && targets.size() > 1) {
            results[u.at.line].readings[u.at.index].output = {};
            add_note(results[u.at.line].note, "stated once: every output");
        }
    }
    // Settings: one setting named alone among an output's limits is a condition ("at high gain"), not a choice.
    const std::string source_level = options.source_level;
    std::vector<std::string> gains_kept_out;
    json outs = json::array();
    for (const auto& k : order) {
        output_build& o = outputs.at(k);
        std::size_t limited = 0;
        for (const auto& s : o.setting_order) limited += has_limits(o.settings[s]);
        const bool gain_only = std::all_of(o.setting_order.begin(), o.setting_order.end(), [&](const std::string& s) {
            const figures& f = o.settings[s];
            return std::all_of(f.begin(), f.end(), [](const auto& kv) { return kv.first == "gain"; });
        });
        if (o.setting_order.size() == 1 && !gain_only && !has_limits(o.base)) {
            const std::string s = o.setting_order.front();
            for (auto& [field, list] : o.settings[s])
                for (auto& fig : list) {
                    o.base[field].push_back(fig);
                    results[fig.at.line].readings[fig.at.index].setting.clear();
                    add_note(results[fig.at.line].note, "stated at " + s + " gain");
                }
            o.settings.clear();
            o.setting_order.clear();
            notes.push_back(output_name(k) + ": figures stated at " + s + " gain");
        }
        // Gains need the source level they follow; without one they are kept in the note.
        bool gains_dropped = false;
        for (const auto& s : o.setting_order) {
            auto& f = o.settings[s];
            if (!f.count("gain") || !source_level.empty()) continue;
            for (const auto& fig : f["gain"]) {
                gains_kept_out.push_back(s == fig.value ? fig.value : s + " " + fig.value);
                b.unused(fig.at, "gains kept in the entry's note: a gain setting needs the source level it follows (give --source-level)");
            }
            f.erase("gain");
            gains_dropped = true;
        }
        if (o.base.count("gain") && source_level.empty()) {
            for (const auto& fig : o.base["gain"]) {
                gains_kept_out.push_back(fig.value);
                b.unused(fig.at, "the gain kept in the entry's note: it needs the source level it follows (give --source-level)");
            }
            o.base.erase("gain");
        }
        if (gains_dropped) {
            std::vector<std::string> kept;
            for (const auto& s : o.setting_order)
                if (!o.settings[s].empty()) kept.push_back(s);
            o.setting_order = kept;
            if (o.setting_order.size() == 1) {  // one setting left of a switch: its figures are the output's
                const std::string s = o.setting_order.front();
                for (auto& [field, list] : o.settings[s])
                    for (auto& fig : list) o.base[field].push_back(fig);
                o.setting_order.clear();
            }
        }
        if (!source_level.empty() && (o.base.count("gain") || !o.setting_order.empty())) o.base["source_level"].push_back({source_level, {static_cast<std::size_t>(-1), 0}});
        // Settings with their own limits beside the output's: the output's own become the setting "normal".
        if (limited > 0 && has_limits(o.base) && !o.setting_order.empty() &&
            std::none_of(o.setting_order.begin(), o.setting_order.end(), [](const std::string& s) { return s == "normal"; }))
            o.setting_order.insert(o.setting_order.begin(), "normal");
        prefer_noise(o.base, b);
        for (const auto& s : o.setting_order) prefer_noise(o.settings[s], b);
        bool usable = has_limits(o.base);
        for (const auto& s : o.setting_order) usable = usable || has_limits(o.settings[s]);
        if (!usable && !source_level.empty() && o.base.count("source_level")) usable = true;
        if (!usable) {
            notes.push_back(output_name(k) + ": left out, no power, voltage or current was read for it");
            for (auto& [field, list] : o.base)
                for (const auto& fig : list) b.unused(fig.at, output_name(k) + " is left out: no power, voltage or current was read for it");
            continue;
        }
        json jo = json::object();
        jo["name"] = output_name(k);
        jo["topology"] = k.topology == "bal" ? "balanced" : "single_ended";
        if (!k.connector.empty()) jo["connector"] = k.connector;
        const json base_figures = figures_json(o.base);
        for (const auto& [key, value] : base_figures.items()) jo[key] = value;
        if (!o.setting_order.empty()) {
            json gains = json::array();
            for (const auto& s : o.setting_order) {
                json g = json::object();
                g["name"] = s;
                const json setting_figures = figures_json(o.settings[s]);
                for (const auto& [key, value] : setting_figures.items()) g[key] = value;
                gains.push_back(g);
            }
            jo["gains"] = gains;
        }
        outs.push_back(jo);
    }
    if (!gains_kept_out.empty()) {
        std::string g;
        std::set<std::string> seen;
        for (const auto& x : gains_kept_out)
            if (seen.insert(x).second) g += (g.empty() ? "" : ", ") + x;
        notes.push_back("gain settings stated: " + g + " (not in the entry: a gain setting needs the source level it follows)");
    }
    if (outs.empty()) problems.push_back("no output with a power, voltage or current was read: an amplifier entry needs one");
    // The kind: given, else the text's words.
    std::optional<amplifier_kind> akind = options.amp_kind;
    if (!akind)
        for (const auto& r : results)
            for (const auto& x : r.readings)
                if (x.field == "kind" && !akind)
                    for (std::size_t k = 0; k < 6; ++k)
                        if (to_string(static_cast<amplifier_kind>(k)) == x.value) akind = static_cast<amplifier_kind>(k);
    if (!akind) {
        std::vector<token> all;
        for (const auto& line_items : items)
            for (const auto& it : line_items) {
                auto a = tokenize(it.label), v = tokenize(it.value);
                all.insert(all.end(), a.begin(), a.end());
                all.insert(all.end(), v.begin(), v.end());
                if (all.size() > 20000) break;
            }
        akind = kind_from_words(all);
    }
    if (!akind) {
        std::vector<std::string> lowered_lines;
        for (const auto& l : text.lines) lowered_lines.push_back(lowered(normalise(l.text)));
        if (const kind_guess g = guess_kind(lowered_lines); g.kind) {
            akind = g.kind;
            add_note(results[g.line].note, "tells the kind: " + std::string{to_string(*g.kind)});
            notes.push_back("kind " + std::string{to_string(*g.kind)} + " from line " + std::to_string(text.lines[g.line].number));
        }
    }
    if (!akind) problems.push_back("the text does not say what kind of amplifier it is: give --kind (desktop, portable, dongle, dap, phone, laptop)");
    entry["name"] = name;
    if (akind) entry["kind"] = std::string{to_string(*akind)};
    entry["basis"] = "own";
    if (!options.source.empty()) entry["source"] = options.source;
    entry["outputs"] = outs;
    return entry;
}

}  // namespace headroom::spec_detail
