// A headphone's figures from one item (impedance, power rating, sensitivity), and what words say of the device: a
// headphone's type and driver complement, an amplifier's kind (or what its power supply tells of it).

#include "parts.hpp"

#include "headroom/parse.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::spec_detail {

// ---- a headphone's figures -----------------------------------------------------------------------------------------

// "16 - 300 Ω", "8~350Ω", "16 to 600 ohm": a range of impedances.
bool impedance_range(const std::vector<token>& t) {
    const token* previous = nullptr;
    bool joined = false;
    for (const auto& x : t) {
        if (x.depth > 0) continue;
        if (x.kind == tk::number && (x.unit.empty() || is_ohm(x.unit))) {
            if (previous && (joined || x.cmp == '~')) return true;
            previous = &x;
            joined = false;
        } else if (x.kind == tk::dash || (x.kind == tk::word && x.text == "to")) {
            joined = previous != nullptr;
        } else if (x.kind == tk::number) {
            previous = nullptr;
        }
    }
    return false;
}

item_result read_impedance(const line_facts& f, const item&, const std::vector<segment>&) {
    const auto& t = f.value_tokens;
    std::vector<const token*> z, bare;
    const bool range = impedance_range(t);
    if (range) {
        const token* lo = nullptr;
        const token* hi = nullptr;
        for (const auto& x : t)
            if (x.kind == tk::number && x.depth == 0 && (x.unit.empty() || is_ohm(x.unit))) (lo ? hi : lo) = &x;
        return refuse("a range of impedances (" + (lo ? lo->text : std::string{}) + " to " + (hi ? quantity_text::of(*hi) : std::string{}) +
                      "): which is this headphone's?");
    }
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (t[k].kind != tk::number || t[k].depth > 0) continue;
        if (is_ohm(t[k].unit) && std::none_of(z.begin(), z.end(), [&](const token* x) { return ohms(*x) == ohms(t[k]); })) z.push_back(&t[k]);
        if (t[k].unit.empty()) bare.push_back(&t[k]);
    }
    item_result r;
    if (z.empty() && bare.size() == 1) {
        z = bare;
        r.note = "no unit: ohm taken (an impedance has no other)";
    }
    if (z.empty()) return refuse("no impedance in ohm");
    if (z.size() > 1) return refuse("two impedances (" + ohm_text(*z[0]) + ", " + ohm_text(*z[1]) + "): two versions? give one");
    token zt = *z.front();
    if (zt.unit.empty()) zt.unit = "ohm";
    if (!(zt.value > 0)) return refuse("an impedance that is not positive");
    r.readings.push_back({"impedance", quantity_text::of(zt), {}, {}, 0});
    r.status = line_status::read;
    return r;
}

item_result read_rated_power(const line_facts& f, const item&, const std::vector<segment>&) {
    const auto& t = f.value_tokens;
    std::vector<const token*> p;
    for (const auto& tok : t)
        if (tok.kind == tk::number && is_power(tok.unit) && tok.depth == 0 &&
            std::none_of(p.begin(), p.end(), [&](const token* x) { return watts(*x) == watts(tok); }))
            p.push_back(&tok);
    if (p.empty()) return refuse("no power with its unit (mW, W)");
    if (p.size() > 1) return refuse("two powers (" + quantity_text::of(*p[0]) + ", " + quantity_text::of(*p[1]) + "): which is the rating?");
    if (!(p.front()->value > 0)) return refuse("a power that is not positive");
    item_result r;
    r.readings.push_back({"rated_power", quantity_text::of(*p.front()), {}, {}, 0});
    r.status = line_status::read;
    return r;
}

namespace {

std::string sensitivity_text(const stated_sensitivity& s) {
    const sensitivity& v = s.value;
    const std::string level = number_text(std::round(v.stated_level().db() * 1e4) / 1e4);
    switch (v.stated_form()) {
        case sensitivity::form::db_per_milliwatt: return level + "dB/mW";
        case sensitivity::form::db_per_volt: return level + "dB/V";
        case sensitivity::form::db_at_current: return level + "dB@" + number_text(std::round(v.reference_value() * 1e7) / 1e4) + "mA";
        case sensitivity::form::voltage_for_level: return number_text(std::round(v.reference_value() * 1e7) / 1e4) + "mV@" + level + "dB";
    }
    return {};
}

}  // namespace

// A sensitivity from the value (and a reference the label states: "Sensitivity (1 kHz, 1 mW): 97 dB"), through the
// parser every face uses; its unit is required.
item_result read_sensitivity(const line_facts& f, const item& it, const std::vector<segment>&) {
    std::vector<std::string> tries;
    std::string value = it.value;
    for (const std::string_view w : {"typical", "typ.", "typ", "nominal", "approx.", "approx", "about", ">=", "<=", ">", "<", "~", "≥"}) {
        value = spaced_out(value, w);
    }
    tries.push_back(value);
    // The label's parenthesised reference, when the value has none.
    const auto open = it.label.find('('), close = it.label.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open)
        tries.push_back(value + " (" + it.label.substr(open + 1, close - open - 1) + ")");
    if (it.label.find("mw") != std::string::npos) tries.push_back(value + "/mw");
    // Parts of the value: "110dB/Vrms, 97dB/mW" reads its first.
    std::string part;
    for (const char c : value + ";") {
        if (c == ';' || c == ',') {
            if (part.find("db") != std::string::npos) tries.push_back(part);
            part.clear();
        } else {
            part += c;
        }
    }
    for (const auto& text : tries) {
        try {
            const stated_sensitivity s = parse_stated_sensitivity(text);
            item_result r;
            r.readings.push_back({"sensitivity", sensitivity_text(s), {}, {}, 0});
            if (s.at) r.readings.push_back({"sensitivity_frequency", number_text(value_in(*s.at, hertz)) + "Hz", {}, {}, 0});
            if (s.value.stated_form() == sensitivity::form::db_per_milliwatt && text.find("mw") != std::string::npos &&
                text.find("1mw") == std::string::npos && text.find("1 mw") == std::string::npos && text.find("/mw") == std::string::npos &&
                text.find("dbmw") == std::string::npos)
                r.note = "read per mW";
            r.status = line_status::read;
            return r;
        } catch (const std::invalid_argument&) {
        }
    }
    if (has_unit(f.value_tokens, is_db))
        return refuse("a sensitivity without its reference (dB for 1 mW or for 1 V?): dB/mW and dB/V differ by 5-15 dB; "
                      "give it as 97dB/mW or 110dB/V");
    return refuse("no sensitivity in dB with its reference (97dB/mW, 110dB/V)");
}

// ---- words about the device ---------------------------------------------------------------------------------------

// Headphone type words, and the driver complement ("2DD+4BA").
void gather_type(const std::vector<token>& t, type_evidence& e) {
    std::string drivers;
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (t[k].kind != tk::word) continue;
        const std::string& w = t[k].text;
        const std::string next = k + 1 < t.size() && t[k + 1].kind == tk::word ? t[k + 1].text : "";
        if (in(w, {"iem", "iems", "in-ear", "inear", "canal", "in-ear-monitor"}) || (w == "in" && next == "ear") ||
            (w == "balanced" && next.rfind("armature", 0) == 0))
            e.iem = true;
        if (in(w, {"earbud", "earbuds", "ear-bud", "flathead", "flat-head"})) e.earbud = true;
        if (in(w, {"on-ear", "supra-aural", "supraaural", "supra"})) e.on_ear = true;
        if (in(w, {"over-ear", "around-ear", "circumaural", "circum-aural", "full-size", "over-the-ear"}) || (w == "over" && next == "ear"))
            e.over_ear = true;
        if (in(w, {"planar", "planar-magnetic", "orthodynamic", "isodynamic", "magnetostatic", "ortho", "planars"})) e.planar = true;
        if (in(w, {"electrostatic", "estat", "e-stat"})) e.electrostatic = true;
        // Driver complement: "2dd", "4ba", "1dd+4ba", "2est".
        static constexpr std::array<std::string_view, 6> kinds{"dd", "ba", "est", "pzt", "bc", "pd"};
        std::size_t d = 0;
        while (d < w.size() && digit(w[d])) ++d;
        if (d > 0 && d < w.size()) {
            const std::string_view rest = std::string_view{w}.substr(d);
            if (std::find(kinds.begin(), kinds.end(), rest) != kinds.end()) {
                std::string up{w};
                for (char& c : up) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
                drivers += (drivers.empty() ? "" : "+") + up;
                if (rest == "ba" || rest == "est" || rest == "pzt" || rest == "bc") e.iem = true;
            }
        }
    }
    if (!drivers.empty() && e.drivers.empty()) e.drivers = drivers;
}

std::optional<headphone_type> type_from(const type_evidence& e, std::string& why) {
    const int wear = int{e.iem} + int{e.earbud} + int{e.on_ear} + int{e.over_ear};
    if (wear > 1) {
        why = "the text names more than one way of wearing it";
        return std::nullopt;
    }
    if (e.iem) return headphone_type::iem;
    if (e.earbud) return headphone_type::earbud;
    if (e.on_ear) return headphone_type::on_ear;
    if (e.electrostatic) return headphone_type::over_ear_electrostatic;
    if (e.planar) return headphone_type::over_ear_planar;
    if (e.over_ear) return headphone_type::over_ear_dynamic;
    why = "the text does not say how it is worn (in-ear, on-ear, over-ear) or its driver";
    return std::nullopt;
}

// Amplifier kind words.
std::optional<amplifier_kind> kind_from_words(const std::vector<token>& t) {
    std::optional<amplifier_kind> k;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != tk::word) continue;
        const std::string& w = t[i].text;
        const std::string next = i + 1 < t.size() && t[i + 1].kind == tk::word ? t[i + 1].text : "";
        if (in(w, {"dongle", "dongles"})) return amplifier_kind::dongle;
        if (in(w, {"dap", "daps"}) || (w == "music" && next == "player") || (w == "audio" && next == "player") ||
            (w == "digital" && next == "audio"))
            k = amplifier_kind::dap;
        else if (in(w, {"desktop"}) && !k) k = amplifier_kind::desktop;
        else if (in(w, {"portable", "transportable"}) && !k) k = amplifier_kind::portable;
        else if (in(w, {"smartphone", "phone"}) && !k) k = amplifier_kind::phone;
        else if (in(w, {"laptop", "notebook"}) && !k) k = amplifier_kind::laptop;
    }
    return k;
}

// Where the text names no kind, its power says it: mains or a wall adapter and no battery is a desktop device; a battery
// is a portable one, a player if it also has an operating system or card storage. Returns the line that told.
kind_guess guess_kind(const std::vector<std::string>& lines) {
    std::optional<std::size_t> mains, battery, player;
    const auto has = [](const std::string& l, std::initializer_list<std::string_view> ws) {
        return std::any_of(ws.begin(), ws.end(), [&](std::string_view w) { return l.find(w) != std::string::npos; });
    };
    for (std::size_t k = 0; k < lines.size(); ++k) {
        const std::string& l = lines[k];
        if (has(l, {"no battery", "mains", "wall wart", "wall-wart", "transformer", "100-240v", "ac 100", "ac100", "power cord",
                    "external adapter", "power adapter", "dc12v", "dc 12v", "dc15v", "dc 15v"}) && !mains)
            mains = k;
        if (has(l, {"battery", "mah", "playback time", "playtime", "play time"}) && !has(l, {"no battery"}) && !battery) battery = k;
        if (has(l, {"operating system", "microsd", "micro sd", "tf card", "android", "storage", "music player"}) && !player) player = k;
    }
    if (battery && player) return {amplifier_kind::dap, std::max(*battery, *player)};
    if (battery && !mains) return {amplifier_kind::portable, *battery};
    if (mains && !battery) return {amplifier_kind::desktop, *mains};
    return {};
}

}  // namespace headroom::spec_detail
