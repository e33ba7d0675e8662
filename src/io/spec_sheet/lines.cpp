// A line cut into items (label and value: "label: value", table cells, "label value"); the words a label says; the
// output, setting and weighting a part of a value names; a value cut into segments; the notes and verdicts of an item.

#include "parts.hpp"

#include "headroom/parse.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::spec_detail {

// ---------------------------------------------------------------------------------------------------------------
// Words: what a label says and which output, setting or weighting a part of a value names.

// `s` with each `w` in it replaced by one space, repeatedly as string::replace in a loop would (a space may join a
// new `w`); built by appends, as GCC 12 misreads an in-place replace (-Wrestrict).
std::string spaced_out(std::string s, std::string_view w) {
    for (auto at = s.find(w); at != std::string::npos; at = s.find(w)) {
        std::string next;
        next.reserve(s.size());
        next.append(s, 0, at);
        next += ' ';
        next.append(s, at + w.size(), std::string::npos);
        s = std::move(next);
    }
    return s;
}

bool words::has(std::string_view w) const {
    // Built by appends: GCC 12 misreads " " + std::string{w} + " " (-Wrestrict).
    std::string spaced;
    spaced.reserve(w.size() + 2);
    spaced += ' ';
    spaced.append(w);
    spaced += ' ';
    return joined.find(spaced) != std::string::npos;
}

words words_of(const std::vector<token>& tokens, bool outside_parentheses_only) {
    words w;
    for (const auto& t : tokens) {
        if (t.kind != tk::word || (outside_parentheses_only && t.depth > 0)) continue;
        std::string x = t.text;
        // Hyphenated words count as their parts too ("signal-to-noise", "a-weighted" stays whole as well).
        w.joined += x + " ";
        if (x.find('-') != std::string::npos) {
            std::replace(x.begin(), x.end(), '-', ' ');
            w.joined += x + " ";
        }
    }
    return w;
}

std::string connector_of(std::string_view w) {
    if (w == "3.5mm" || w == "4.4mm" || w == "6.35mm" || w == "2.5mm") return std::string{w};
    if (w == "xlr4" || w == "xlr") return "XLR4";
    if (w == "2xxlr3") return "2xXLR3";
    return {};
}

std::string topology_of_connector(std::string_view c) {
    if (c == "3.5mm" || c == "6.35mm") return "se";
    if (c.empty()) return {};
    return "bal";
}

// The output a run of tokens names, if any.
out_tag tag_of(const std::vector<token>& t, std::size_t from, std::size_t to) {
    out_tag tag;
    for (std::size_t k = from; k < to; ++k) {
        if (t[k].kind != tk::word) continue;
        const std::string& w = t[k].text;
        const bool next_armature = k + 1 < to && t[k + 1].kind == tk::word && t[k + 1].text.rfind("armature", 0) == 0;
        if (const std::string c = connector_of(w); !c.empty()) {
            tag.connector = c;
        } else if ((w == "balanced" && !next_armature) || w == "bal" || w == "differential" || w == "bal-out" || w == "bal.") {
            tag.topology = "bal";
        } else if (in(w, {"single-ended", "se", "unbalanced", "unbal", "po", "pho", "phones", "s.e", "se-out"})) {
            tag.topology = "se";
        } else if (in(w, {"line-out", "lo", "preout", "pre-out"})) {
            tag.line = true;
        } else if (in(w, {"line", "coaxial", "coax", "optical", "spdif", "s/pdif", "digital", "rca", "preamp", "pre"}) && k + 1 < to &&
                   t[k + 1].kind == tk::word && in(t[k + 1].text, {"out", "output", "outputs", "level", "levels"})) {
            tag.line = true;  // "line output", "coaxial out": not "coaxial decoding", an input
        }
    }
    if (tag.topology.empty()) tag.topology = topology_of_connector(tag.connector);
    return tag;
}

// A gain setting a run of tokens names ("low gain", "gain: high", "H", "boost mode"), or "".
std::string setting_of(const std::vector<token>& t, std::size_t from, std::size_t to, bool gain_context) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> names{{
        {"low", "low"}, {"lo-gain", "low"}, {"mid", "mid"}, {"medium", "mid"}, {"middle", "mid"}, {"high", "high"},
        {"hi", "high"}, {"ultra", "ultra"}, {"super", "super"}, {"turbo", "turbo"}, {"boost", "boost"}, {"normal", "normal"},
        {"l", "low"}, {"m", "mid"}, {"h", "high"}, {"extreme", "extreme"},
    }};
    for (std::size_t k = from; k < to; ++k) {
        if (t[k].kind != tk::word) continue;
        for (const auto& [w, name] : names) {
            if (t[k].text != w) continue;
            const bool near_gain = (k + 1 < to && t[k + 1].kind == tk::word && in(t[k + 1].text, {"gain", "mode", "gains"})) ||
                                   (k > from && t[k - 1].kind == tk::word && t[k - 1].text == "gain");
            if (w.size() == 1 && !gain_context && !near_gain) continue;  // "L", "R": channels, unless gains are meant
            if (gain_context || near_gain || w == "boost" || w == "turbo") return std::string{name};
        }
    }
    return {};
}

// "A-weighted" or "unweighted" as a run of tokens states it, or "".
std::string weighting_of(const std::vector<token>& t, std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
        if (t[k].kind == tk::number && t[k].unit == "dba") return "A-weighted";
        if (t[k].kind != tk::word) continue;
        const std::string& w = t[k].text;
        if (in(w, {"a-weighted", "a-weighting", "a-weight", "a-wtd", "a-wt", "aweighted", "a-wgt"})) return "A-weighted";
        if (w == "a" && k + 1 < to && t[k + 1].kind == tk::word && t[k + 1].text.rfind("weight", 0) == 0) return "A-weighted";
        if (w == "a" && k > from && t[k - 1].kind == tk::open && k + 1 < to && t[k + 1].kind == tk::close) return "A-weighted";
        if (in(w, {"unweighted", "un-weighted", "unweighed", "non-weighted"})) return "unweighted";
        if (w == "no" && k + 1 < to && t[k + 1].kind == tk::word && t[k + 1].text.rfind("weight", 0) == 0) return "unweighted";
    }
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// A line cut into items: "label: value", table cells, "label value".

bool has_letter(std::string_view s) { return std::any_of(s.begin(), s.end(), [](char c) { return letter(c); }); }

namespace {

// Where a value starts in "label value": the first figure outside parentheses that is not a connector ("3.5mm"),
// with the comparators and signs before it.
std::size_t value_start(std::string_view s) {
    int depth = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        const char c = s[k];
        if (c == '(' || c == '[') ++depth;
        if (c == ')' || c == ']') depth = std::max(depth - 1, 0);
        if (depth > 0 || !digit(c)) continue;
        if (k > 0 && (letter(s[k - 1]) || digit(s[k - 1]) || s[k - 1] == '.')) continue;  // "K13", "R2R"
        std::size_t e = k;
        while (e < s.size() && (digit(s[e]) || s[e] == '.')) ++e;
        const std::string_view rest = s.substr(e);
        if (rest.rfind("mm", 0) == 0 && (rest.size() == 2 || !letter(rest[2]))) continue;  // a connector
        std::size_t start = k;
        while (start > 0 && (s[start - 1] == ' ' || s[start - 1] == '<' || s[start - 1] == '>' || s[start - 1] == '=' ||
                             s[start - 1] == '~' || s[start - 1] == '-' || s[start - 1] == '+'))
            --start;
        // Words that belong to the value: "approx.", "about", "up to", "greater than", "less than", "better than".
        static constexpr std::array<std::string_view, 12> lead{"approx. ", "approx ", "about ", "up to ", "greater than ",
                                                               "less than ", "better than ", "typically ", "typ. ", "max. ",
                                                               "min. ", "over "};
        for (bool again = true; again;) {
            again = false;
            for (const auto w : lead)
                if (start >= w.size() && lowered(s.substr(start - w.size(), w.size())) == w) {
                    start -= w.size();
                    while (start > 0 && s[start - 1] == ' ') --start;
                    again = true;
                }
        }
        return start;
    }
    return std::string_view::npos;
}

item make_item(std::string raw_label, std::string raw_value) {
    while (!raw_label.empty() && (raw_label.back() == ':' || raw_label.back() == '-' || raw_label.back() == ' ' ||
                                  raw_label.back() == '=' || raw_label.back() == cell_break))
        raw_label.pop_back();
    item it;
    it.raw_label = trimmed(raw_label);
    it.raw_value = trimmed(raw_value);
    it.label = connectors_named(lowered(it.raw_label));
    it.value = connectors_named(lowered(it.raw_value));
    return it;
}

item split_one(const std::string& cell) {
    // "label: value", where the label has a letter and is a label's length; not "16:9".
    if (const auto colon = cell.find(':'); colon != std::string::npos && colon < 80 && has_letter(cell.substr(0, colon))) {
        return make_item(cell.substr(0, colon), cell.substr(colon + 1));
    }
    // "label - value", "label = value"
    for (const std::string_view sep : {" - ", " = "}) {
        if (const auto at = cell.find(sep); at != std::string::npos && at < 80 && has_letter(cell.substr(0, at)) &&
                                             number_count(cell.substr(0, at)) == 0)
            return make_item(cell.substr(0, at), cell.substr(at + sep.size()));
    }
    // "label value"
    if (const auto at = value_start(cell); at != std::string::npos) return make_item(cell.substr(0, at), cell.substr(at));
    return make_item(cell, {});
}

}  // namespace

std::vector<item> split_items(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t k = 0; k <= line.size(); ++k) {
        if (k < line.size() && line[k] != cell_break) continue;
        std::string c = trimmed(std::string_view{line}.substr(start, k - start));
        if (!c.empty()) cells.push_back(std::move(c));
        start = k + 1;
    }
    if (cells.empty()) return {};
    if (cells.size() == 1) return {split_one(cells.front())};
    // Table cells. Two: a label and its value. More: label, value, label, value, ... where the labels read as labels
    // (a letter and no figure of their own), else one label and its values.
    // A label: letters and no figure with a unit ("Output power 1" is a label; "PO: 8~350Ω" is a value).
    const auto label_like = [](const std::string& c) {
        return has_letter(c) && !has_catalog_figure(tokenize(connectors_named(lowered(c))));
    };
    bool pairs = cells.size() % 2 == 0;
    for (std::size_t k = 0; pairs && k < cells.size(); k += 2) pairs = label_like(cells[k]);
    std::vector<item> items;
    if (pairs) {
        for (std::size_t k = 0; k + 1 < cells.size(); k += 2) {
            // A cell that already holds "label: value" keeps its own split.
            if (cells[k].find(':') != std::string::npos && cells[k].find(':') + 1 < cells[k].size()) {
                items.push_back(split_one(cells[k]));
                items.push_back(split_one(cells[k + 1]));
            } else {
                items.push_back(make_item(cells[k], cells[k + 1]));
            }
        }
        return items;
    }
    if (cells.size() == 2) return {make_item(cells[0], cells[1])};
    std::string values;
    for (std::size_t k = 1; k < cells.size(); ++k) values += (values.empty() ? "" : " | ") + cells[k];
    return {make_item(cells[0], values)};
}

// ---------------------------------------------------------------------------------------------------------------
// A value's segments, and what an item's reading says.

namespace {

bool splits(const token& t) {
    return t.depth == 0 && (t.kind == tk::sep || (t.kind == tk::word && (t.text == "or" || t.text == "and" || t.text == "vs")));
}

}  // namespace

std::vector<segment> segments_of(const std::vector<token>& t, out_tag base, const std::string& base_setting, bool gain_context) {
    std::vector<segment> out;
    out_tag current = base;
    std::string setting = base_setting;
    std::size_t start = 0;
    for (std::size_t k = 0; k <= t.size(); ++k) {
        if (k < t.size() && !splits(t[k])) continue;
        if (k > start) {
            segment s{start, k, current, setting};
            const out_tag named = tag_of(t, start, k);
            if (named.any()) {
                // A connector alone keeps the topology named before it only when they agree ("balanced ... 4.4mm").
                current = named;
                s.output = named;
            }
            if (std::string st = setting_of(t, start, k, gain_context); !st.empty()) {
                setting = st;
                s.setting = st;
            }
            out.push_back(s);
        }
        start = k + 1;
    }
    return out;
}

bool word_in(const std::vector<token>& t, std::size_t from, std::size_t to, std::initializer_list<std::string_view> ws) {
    for (std::size_t k = from; k < to; ++k)
        if (t[k].kind == tk::word && in(t[k].text, ws)) return true;
    return false;
}

std::string bound_note(const token& n) {
    if (n.cmp == '<') return "a bound (<" + quantity_text::of(n) + ") entered at the bound";
    if (n.cmp == '>') return "a bound (>" + quantity_text::of(n) + ") entered at the bound";
    if (n.cmp == '~') return "about " + quantity_text::of(n) + ", entered as stated";
    return {};
}

void add_note(std::string& note, const std::string& more) {
    if (more.empty() || note.find(more) != std::string::npos) return;
    note += (note.empty() ? "" : "; ") + more;
}

item_result refuse(std::string why) {
    item_result r;
    r.status = line_status::refused;
    r.note = std::move(why);
    return r;
}

item_result ignore(std::string why) {
    item_result r;
    r.note = std::move(why);
    return r;
}

double ohms(const token& t) { return t.unit == "kohm" ? t.value * 1e3 : t.value; }

std::string ohm_text(const token& t) { return quantity_text::of(t); }


double watts(const token& t) { return value_in(parse_power(quantity_text::of(t)), watt); }

}  // namespace headroom::spec_detail
