// An amplifier's figures from one item: output power, the voltage swing (or clipping points), current, output
// impedance (or the damping factor it follows from), noise, SNR and gain settings. Each reads the value part by part
// (segments name their output and setting) and refuses the line, with its reason, where a reading would be a guess.

#include "parts.hpp"

#include "headroom/parse.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace headroom::spec_detail {
namespace {

// Volts RMS of a voltage token (a sine's Vpp and Vpk converted).
double volts_rms(const token& t) {
    const std::string v = quantity_text::of(t);
    return value_in(parse_voltage(v), volt);
}

std::string power_text(double w) {
    if (w >= 1.0) return number_text(std::round(w * 1e4) / 1e4) + "W";
    return number_text(std::round(w * 1e7) / 1e4) + "mW";
}

std::string volts_text(double v) {
    if (v >= 1.0) return number_text(std::round(v * 1e4) / 1e4) + "V";
    if (v >= 1e-3) return number_text(std::round(v * 1e7) / 1e4) + "mV";
    return number_text(std::round(v * 1e10) / 1e4) + "uV";
}

// A reader's word on one part of a value: nothing (its figure read into the result, or none there), or the reason
// the whole line is refused.
using part_verdict = std::optional<std::string>;

// The shape every reader shares: each part of the value read in turn into one result; a part's refusal refuses the
// line (nothing of it is read); a value with no figure of the field in any part is refused with `none`.
template <class Part>
item_result by_part(const std::vector<segment>& segs, const char* none, Part&& part) {
    item_result r;
    for (const auto& s : segs)
        if (part_verdict why = part(s, r)) return refuse(std::move(*why));
    if (r.readings.empty()) return refuse(none);
    r.status = line_status::read;
    return r;
}

// The weighting beside a noise or SNR figure: the part's, else the line's, else its label's.
void read_weighting(item_result& r, const line_facts& f, const segment& s) {
    const auto& t = f.value_tokens;
    const std::string w = weighting_of(t, s.from, s.to);
    const std::string line_weighting = weighting_of(t, 0, t.size());
    const std::string weighting = !w.empty() ? w : !line_weighting.empty() ? line_weighting : f.label_weighting;
    if (!weighting.empty()) r.readings.push_back({"noise_weighting", weighting, s.output, s.setting, 0});
}

// ---- voltages: open-circuit swing, or points into loads ------------------------------------------------------------

item_result read_voltage(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    struct point {
        const token* v;
        const token* load;
        const segment* s;
    };
    std::vector<point> points;
    for (const auto& s : segs) {
        std::vector<const token*> volts, loads;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (is_voltage(t[k].unit)) volts.push_back(&t[k]);
            if (t[k].unit == "dbu" || t[k].unit == "dbv") return refuse("a level in " + t[k].unit + ": give the voltage (Vrms)");
            if (is_ohm(t[k].unit)) loads.push_back(&t[k]);
        }
        if (volts.empty()) continue;
        if (volts.size() > 1) return refuse("two voltages in one part (" + quantity_text::of(*volts[0]) + ", " + quantity_text::of(*volts[1]) + "): which?");
        if (loads.empty() && f.label_loads.size() == 1) loads.push_back(f.label_loads.front());
        if (loads.size() > 1) return refuse("one voltage and two loads: which load?");
        points.push_back({volts.front(), loads.empty() ? nullptr : loads.front(), &s});
    }
    if (points.empty()) return refuse("no voltage with its unit (V, Vrms, Vpp)");
    // Per output and setting: one voltage is the swing (vmax); several into different loads are clipping points.
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<point>> groups;
    for (const auto& p : points) groups[{p.s->output.topology + "|" + p.s->output.connector, p.s->setting, ""}].push_back(p);
    for (const auto& [key, ps] : groups) {
        if (ps.size() == 1) {
            const auto& p = ps.front();
            if (p.v->value <= 0) return refuse("a voltage that is not positive");
            r.readings.push_back({"vmax", quantity_text::of(*p.v), p.s->output, p.s->setting, 0});
            if (p.load) add_note(r.note, "stated into " + ohm_text(*p.load) + ", entered as the open-circuit swing");
            add_note(r.note, bound_note(*p.v));
            continue;
        }
        for (const auto& p : ps) {
            if (!p.load) return refuse("several voltages without the loads they are stated into: which is the swing?");
            const double v = volts_rms(*p.v), z = ohms(*p.load);
            if (!(v > 0) || !(z > 0)) return refuse("a voltage or load that is not positive");
            r.readings.push_back({"power", power_text(v * v / z) + "@" + ohm_text(*p.load), p.s->output, p.s->setting, z});
            add_note(r.note, quantity_text::of(*p.v) + " into " + ohm_text(*p.load) + " read as " + power_text(v * v / z));
        }
    }
    r.status = line_status::read;
    return r;
}

}  // namespace

// ---- output power ------------------------------------------------------------------------------------------------

item_result read_power(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    // The one load a line names (for parts that state none): from the label, or the only load in the value.
    std::vector<double> loads_seen;
    for (const auto& tok : t)
        if (tok.kind == tk::number && is_ohm(tok.unit) && std::find(loads_seen.begin(), loads_seen.end(), ohms(tok)) == loads_seen.end())
            loads_seen.push_back(ohms(tok));
    const token* line_load = nullptr;
    if (f.label_loads.size() == 1) {
        line_load = f.label_loads.front();
    } else if (loads_seen.size() == 1) {
        for (const auto& tok : t)
            if (tok.kind == tk::number && is_ohm(tok.unit)) line_load = &tok;
    }
    const bool total = word_in(t, 0, t.size(), {"total", "combined", "sum"});
    return by_part(segs, "no power with its unit (mW, W)", [&](const segment& s, item_result& r) -> part_verdict {
        std::vector<const token*> powers, loads;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (is_power(t[k].unit)) powers.push_back(&t[k]);
            if (is_ohm(t[k].unit) && std::none_of(loads.begin(), loads.end(), [&](const token* l) { return ohms(*l) == ohms(t[k]); }))
                loads.push_back(&t[k]);
        }
        if (powers.empty()) return {};
        // One channel's power: "245mW+245mW", "L+R 460mW+460mW", "1.2 W x2", "per channel".
        if (powers.size() >= 2) {
            bool joined = true;
            for (std::size_t i = 1; i < powers.size(); ++i) {
                const auto a = static_cast<std::size_t>(powers[i - 1] - t.data()), b = static_cast<std::size_t>(powers[i] - t.data());
                bool plus = powers[i]->plus_sign;
                for (std::size_t k = a + 1; k < b; ++k) plus = plus || t[k].kind == tk::plus;
                joined = joined && plus;
            }
            const bool equal = std::all_of(powers.begin(), powers.end(), [&](const token* p) { return watts(*p) == watts(*powers.front()); });
            if (joined && equal) {
                powers.erase(powers.begin() + 1, powers.end());  // size >= 2: shrinks (GCC 12 misreads resize here, -Warray-bounds)
                add_note(r.note, "per channel");
            } else if (joined) {
                return "the channels' powers differ (" + quantity_text::of(*powers[0]) + " and " + quantity_text::of(*powers[1]) +
                       "): which is the output's?";
            }
        }
        if (total) return "a total of both channels: the catalog takes one channel's power, which the text does not state";
        if (powers.size() == 1 && loads.empty() && line_load) loads.push_back(line_load);
        if (loads.empty())
            return "a power without the load it is stated into (" + quantity_text::of(*powers.front()) +
                   " into how many ohms?): a rating means nothing without its load";
        if (powers.size() != loads.size())
            return std::to_string(powers.size()) + " powers and " + std::to_string(loads.size()) + " loads in one part: which goes with which?";
        for (std::size_t i = 0; i < powers.size(); ++i) {
            if (powers[i]->value <= 0 || ohms(*loads[i]) <= 0) return "a power or load that is not positive";
            r.readings.push_back({"power", quantity_text::of(*powers[i]) + "@" + ohm_text(*loads[i]), s.output, s.setting, ohms(*loads[i])});
            if (powers[i]->cmp == '<') add_note(r.note, bound_note(*powers[i]));
        }
        return {};
    });
}

// A "maximum output voltage" label: the swing, or clipping points; some makers give a power under it.
item_result read_swing(const line_facts& f, const item& it, const std::vector<segment>& segs) {
    const bool volts = has_unit(f.value_tokens, [](std::string_view u) { return is_voltage(u) || u == "dbu" || u == "dbv"; });
    if (!volts && has_unit(f.value_tokens, is_power)) return read_power(f, it, segs);
    return read_voltage(f, segs);
}

item_result read_current(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    return by_part(segs, "no current with its unit (mA, A)", [&](const segment& s, item_result& r) -> part_verdict {
        std::vector<const token*> amps;
        for (std::size_t k = s.from; k < s.to; ++k)
            if (t[k].kind == tk::number && is_current(t[k].unit)) amps.push_back(&t[k]);
        if (amps.empty()) return {};
        if (amps.size() > 1) return "two currents in one part: which?";
        if (amps.front()->value <= 0) return "a current that is not positive";
        r.readings.push_back({"imax", quantity_text::of(*amps.front()), s.output, s.setting, 0});
        add_note(r.note, bound_note(*amps.front()));
        return {};
    });
}

// ---- output impedance -------------------------------------------------------------------------------------------

item_result read_zout(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    return by_part(segs, "no impedance in ohm", [&](const segment& s, item_result& r) -> part_verdict {
        // The impedance itself is outside parentheses; "(32Ω load)", "(@32Ω)" are conditions.
        std::vector<const token*> z, bare;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number || t[k].depth > 0) continue;
            const bool condition = (k + 1 < s.to && t[k + 1].kind == tk::word && in(t[k + 1].text, {"load", "loads"})) ||
                                   (k > s.from && t[k - 1].kind == tk::at) ||
                                   (k > s.from && t[k - 1].kind == tk::word && in(t[k - 1].text, {"into", "at", "with"}));
            if (condition) continue;
            if (is_ohm(t[k].unit)) z.push_back(&t[k]);
            if (t[k].unit.empty()) bare.push_back(&t[k]);
        }
        if (z.empty() && bare.size() == 1 && !word_in(t, s.from, s.to, {"times", "x"})) {
            z = bare;
            add_note(r.note, "no unit: ohm taken (an impedance has no other)");
        }
        if (z.empty()) return {};
        if (z.size() > 1) return "two output impedances in one part (" + ohm_text(*z[0]) + ", " + ohm_text(*z[1]) + "): a selector? which?";
        if (z.front()->value < 0) return "a negative impedance";
        token zt = *z.front();
        if (zt.unit.empty()) zt.unit = "ohm";
        r.readings.push_back({"zout", quantity_text::of(zt), s.output, s.setting, 0});
        add_note(r.note, bound_note(zt));
        return {};
    });
}

item_result read_damping(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    return by_part(segs, "no damping factor read", [&](const segment& s, item_result& r) -> part_verdict {
        const token* df = nullptr;
        const token* load = f.label_loads.size() == 1 ? f.label_loads.front() : nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (t[k].unit.empty() && !df) df = &t[k];
            if (is_ohm(t[k].unit)) load = &t[k];
        }
        if (!df) return {};
        if (!load) return "a damping factor without the load it is stated at: Z_out = load / damping factor needs both";
        if (!(df->value > 0) || !(ohms(*load) > 0)) return "a damping factor or load that is not positive";
        const double z = ohms(*load) / df->value;
        r.readings.push_back({"zout", number_text(std::round(z * 1e4) / 1e4) + "ohm", s.output, s.setting, 0});
        add_note(r.note, "from the damping factor " + df->text + " into " + ohm_text(*load) + " (Z_out = load / damping factor)");
        if (df->cmp == '>') add_note(r.note, "a bound (>" + df->text + "): entered at the bound");
        return {};
    });
}

// ---- noise and SNR -------------------------------------------------------------------------------------------------

item_result read_noise(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    return by_part(segs, "no noise voltage (uV, dBV)", [&](const segment& s, item_result& r) -> part_verdict {
        std::vector<const token*> v;
        const token* db = nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number || t[k].depth > 0) continue;
            if (is_voltage(t[k].unit) || t[k].unit == "dbv" || t[k].unit == "dbu") v.push_back(&t[k]);
            if (is_db(t[k].unit) || t[k].unit == "dbfs") db = &t[k];
        }
        if (v.empty() && db) return "a noise level in dB (" + quantity_text::of(*db) + ") without its reference: give it in uV, dBV or dBu";
        if (v.empty()) return {};
        if (v.size() > 1) return "two noise figures in one part: which?";
        const token& n = *v.front();
        std::string value;
        if (n.unit == "dbv" || n.unit == "dbu") {
            const double volts = (n.unit == "dbu" ? 0.7746 : 1.0) * std::pow(10.0, n.value / 20.0);
            value = volts_text(volts);
            add_note(r.note, (n.value < 0 ? "-" : "") + n.text + n.unit + " read as " + value);
        } else {
            if (!(n.value > 0)) return "a noise voltage that is not positive";
            value = quantity_text::of(n);
        }
        r.readings.push_back({"noise", value, s.output, s.setting, 0});
        read_weighting(r, f, s);
        add_note(r.note, bound_note(n));
        return {};
    });
}

item_result read_snr(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    // What the line says once for its figures: "SNR: greater than 102dB, unweighted, referenced to 1V RMS".
    const token* line_reference = nullptr;
    std::size_t references = 0;
    for (const auto& tok : t)
        if (tok.kind == tk::number && is_voltage(tok.unit)) line_reference = &tok, ++references;
    if (references != 1) line_reference = nullptr;
    const bool dynamic_range = f.label_words.has("dynamic range") || f.label_words.any({"dnr", "dr"});
    const bool any_db = has_unit(t, is_db);
    item_result r = by_part(segs, "no figure in dB", [&](const segment& s, item_result& into) -> part_verdict {
        std::vector<const token*> db;
        const token* reference = nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (is_db(t[k].unit) && t[k].depth == 0) db.push_back(&t[k]);
            if (!any_db && t[k].unit.empty() && t[k].depth == 0 && t[k].value >= 40 && t[k].value <= 160) db.push_back(&t[k]);
            if (is_voltage(t[k].unit)) reference = &t[k];
        }
        if (db.empty())
            for (std::size_t k = s.from; k < s.to; ++k)
                if (t[k].kind == tk::number && is_db(t[k].unit)) db.push_back(&t[k]);
        if (db.empty()) return {};
        if (db.size() > 1) return "two SNR figures in one part (" + quantity_text::of(*db[0]) + ", " + quantity_text::of(*db[1]) + "): which?";
        token n = *db.front();
        if (n.unit.empty()) {
            n.unit = "db";
            add_note(into.note, "no unit: dB taken");
        }
        if (!(n.value > 0)) return "an SNR that is not positive";
        into.readings.push_back({"snr", number_text(n.value) + "dB", s.output, s.setting, 0});
        into.readings.back().secondary = dynamic_range;
        if (!reference) reference = line_reference;
        if (reference) {
            if (!(reference->value > 0)) return "an SNR reference that is not positive";
            into.readings.push_back({"snr_reference", quantity_text::of(*reference), s.output, s.setting, 0});
        }
        read_weighting(into, f, s);
        if (n.cmp == '>' || n.cmp == '<') add_note(into.note, "a bound (" + std::string(1, n.cmp) + number_text(n.value) + "dB) entered at the bound");
        return {};
    });
    if (r.status == line_status::read && dynamic_range) add_note(r.note, "a dynamic range, read as the SNR it bounds");
    return r;
}

// ---- gain settings -------------------------------------------------------------------------------------------------

item_result read_gain(const line_facts& f, const item&, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    if (!has_unit(t, is_db)) {
        for (const auto& tok : t)
            if (tok.kind == tk::number && tok.unit.empty())
                return refuse("a gain without its unit: a ratio or dB? (give it in dB)");
        return ignore("no figure: the settings' names alone");
    }
    std::set<std::string> names;
    return by_part(segs, "no gain in dB", [&](const segment& s, item_result& r) -> part_verdict {
        const token* g = nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (is_db(t[k].unit)) g = &t[k];  // "1.5 (3dB)": the dB figure, not the ratio
            else if (t[k].unit.empty() && !g && s.to - s.from <= 3) g = &t[k];  // "0 / 6 / 12 dB"
        }
        if (!g) return {};
        const std::string db = (g->plus_sign ? "+" : "") + number_text(g->value) + "dB";
        const std::string named = setting_of(t, s.from, s.to, true);
        std::string name = !named.empty() ? named : db;
        if (!names.insert(name).second) return "two gains named '" + name + "': which?";
        r.readings.push_back({"gain", db, s.output, name, 0});
        return {};
    });
}

}  // namespace headroom::spec_detail
