// Every item of the text under one reading (a headphone's figures or an amplifier's): what its label asks for, the
// section and the label above it, and the field table's reader for its value. The reading that reads more figures
// wins (src/io/spec_sheet.cpp).

#include "parts.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace headroom::spec_detail {
namespace {

// What came before an item: the section it is in and a label on a line of its own above it.
struct context {
    out_tag section;                 // "4.4mm balanced output" above
    std::string section_setting;     // "high gain" in a section's name
    field_class pending = field_class::none;  // "Output power" alone on a line above
    bool continues_ignored = false;          // the item above was a figure the catalog does not hold
    out_tag pending_tag;
    std::string pending_setting;
    std::vector<token> pending_label_tokens;
};

std::string units_listed(const std::vector<token>& t) {
    std::set<std::string> units;
    for (const auto& x : t)
        if (x.kind == tk::number && !x.unit.empty()) units.insert(x.unit == "other" ? "other units" : x.unit);
    std::string s;
    for (const auto& u : units) s += (s.empty() ? "" : ", ") + u;
    return s;
}

bool is_section_name(const words& w) {
    return w.any({"output", "outputs", "out", "headphone", "headphones", "jack", "port", "amp", "amplifier", "section", "mode"});
}

bool is_generic_header(const words& w) {
    return w.any({"specifications", "specification", "specs", "spec", "technical", "parameters", "parameter", "general", "audio",
                  "features", "details", "data", "performance", "measurements", "characteristics", "properties", "info",
                  "information", "overview", "summary"});
}

struct interpreter {
    gear_kind kind;

    item_result operator()(const item& it, context& ctx) const {
        line_facts f;
        f.label_tokens = tokenize(it.label);
        f.value_tokens = tokenize(it.value);
        f.label_words = words_of(f.label_tokens, true);
        f.all_label_words = words_of(f.label_tokens, false);
        f.label_tag = tag_of(f.label_tokens, 0, f.label_tokens.size());
        for (const auto& t : f.label_tokens)
            if (t.kind == tk::number && is_ohm(t.unit)) f.label_loads.push_back(&t);
        f.label_weighting = weighting_of(f.label_tokens, 0, f.label_tokens.size());
        field_class cls = class_of(f.label_words);
        if (cls == field_class::none && !f.label_words.empty() && f.label_words.any({"mode"}) && has_catalog_figure(f.value_tokens))
            cls = field_class::unknown;

        // A label alone on its line: a label for the lines below, a section, or a heading.
        if (f.value_tokens.empty()) {
            if (has_number(f.label_tokens) && has_catalog_figure(f.label_tokens) && cls != field_class::name) {
                // "245mW(32Ω)" with no label at all: read below as a value.
            } else {
                return header(f, cls, ctx);
            }
        }
        // No label: the value is the whole item (a value line under a label, or a figure alone).
        std::vector<token> no_label;
        if (f.value_tokens.empty()) {
            f.value_tokens = std::move(f.label_tokens);
            f.label_tokens = std::move(no_label);
            f.label_words = words{};
            f.all_label_words = words{};
            f.label_tag = {};
            f.label_loads.clear();
            cls = field_class::none;
        }
        const bool label_is_tags = cls == field_class::none;
        const bool after_ignored = ctx.continues_ignored;
        ctx.continues_ignored = cls == field_class::other || cls == field_class::input || cls == field_class::recommended ||
                                cls == field_class::line_output || (label_is_tags && after_ignored);
        if (label_is_tags && f.label_words.empty() && after_ignored && ctx.pending == field_class::none)
            return ignore("continues the line above: a figure the catalog does not hold");
        out_tag base = f.label_tag.any() ? f.label_tag : ctx.section;
        std::string base_setting = setting_of(f.label_tokens, 0, f.label_tokens.size(), cls == field_class::gain);
        if (base_setting.empty()) base_setting = ctx.section_setting;
        if (label_is_tags && ctx.pending != field_class::none) {
            cls = ctx.pending;
            if (!f.label_tag.any() && ctx.pending_tag.any()) base = ctx.pending_tag;
            if (base_setting.empty()) base_setting = ctx.pending_setting;
            if (f.label_loads.empty())
                for (const auto& t : ctx.pending_label_tokens)
                    if (t.kind == tk::number && is_ohm(t.unit)) f.label_loads.push_back(&t);
            if (f.label_weighting.empty()) f.label_weighting = weighting_of(ctx.pending_label_tokens, 0, ctx.pending_label_tokens.size());
        } else if (!label_is_tags) {
            ctx.pending = field_class::none;
        }
        if (base.line || (cls != field_class::line_output && ctx.section.line && !f.label_tag.any()))
            return has_number(f.value_tokens) ? ignore("a line output's figure: not a headphone output") : ignore("no figure");
        if (cls == field_class::line_output) return ignore(has_number(f.value_tokens) ? "a line or digital output's figure: not a headphone output" : "no figure");

        if (cls == field_class::name) {
            std::string name = it.raw_value;
            std::replace(name.begin(), name.end(), cell_break, ' ');
            name = trimmed(name);
            if (name.empty()) return ignore("an empty name");
            item_result r;
            r.status = line_status::read;
            r.readings.push_back({"name", name, {}, {}, 0});
            return r;
        }
        if (cls == field_class::kind || cls == field_class::ports) return evidence(f, cls);
        if (!has_number(f.value_tokens)) return ignore("no figure");
        if (number_count(it.value) > max_spec_line_numbers)
            return refuse("holds more than " + std::to_string(max_spec_line_numbers) + " numbers: not a spec line");

        const auto segs = segments_of(f.value_tokens, base, base_setting, cls == field_class::gain);
        switch (cls) {
            case field_class::input: return ignore("an input's figure: not the output's");
            case field_class::other: return ignore("a figure the catalog does not hold");
            case field_class::recommended: return ignore("the loads it suits: not a figure of the device");
            case field_class::unknown:
            case field_class::none: return unlabelled(f, it, segs, cls == field_class::unknown);
            default: break;
        }
        // A figure field: its reader under this reading of the text.
        if (const field_row* row = figure_row(cls)) return (kind == gear_kind::amplifier ? row->amplifier : row->headphone)(f, it, segs);
        return refuse("not read");
    }

    item_result header(const line_facts& f, field_class cls, context& ctx) const {
        const out_tag tag = f.label_tag;
        const std::string setting = setting_of(f.label_tokens, 0, f.label_tokens.size(), false);
        ctx.continues_ignored = false;
        if (cls == field_class::name || cls == field_class::kind || cls == field_class::ports) return evidence(f, cls);
        if (cls == field_class::line_output || (tag.line && !tag.connector.size() && tag.topology.empty())) {
            ctx.section = out_tag{{}, {}, true};
            ctx.section_setting.clear();
            ctx.pending = field_class::none;
            return ignore("a line output's section: its figures are not a headphone output's");
        }
        // "4.4mm Balanced Output", "Headphone output (6.35mm, high gain)", "PO": the lines below are that output's.
        const bool figure_label = figure_row(cls) != nullptr;
        if (tag.any() && !figure_label && (cls == field_class::none || is_section_name(f.all_label_words))) {
            ctx.section = tag;
            ctx.section_setting = setting;
            ctx.pending = field_class::none;
            std::string note = "a section: the figures below are the ";
            note += tag.connector.empty() ? std::string{tag.topology == "bal" ? "balanced" : "single-ended"} : tag.connector;
            note += " output's";
            if (!setting.empty()) note += " (at " + setting + " gain)";
            return ignore(note);
        }
        if (figure_label) {  // "Output power" alone on its line: the lines below are its values
            ctx.pending = cls;
            ctx.pending_tag = tag;
            ctx.pending_setting = setting;
            ctx.pending_label_tokens = f.label_tokens;
            return ignore("a label: the lines below are read as its values");
        }
        if (is_generic_header(f.label_words) || (cls == field_class::unknown && f.label_words.joined.size() < 40)) {
            if (is_generic_header(f.label_words)) {
                ctx.section = {};
                ctx.section_setting.clear();
            }
            ctx.pending = field_class::none;
        }
        return ignore(has_number(f.label_tokens) ? "no figure the catalog holds" : "no figure");
    }

    // Type, driver, kind and ports lines: words, no figures.
    item_result evidence(const line_facts& f, field_class cls) const {
        std::vector<token> all = f.label_tokens;
        all.insert(all.end(), f.value_tokens.begin(), f.value_tokens.end());
        item_result r;
        if (cls == field_class::ports) {
            std::string listed;
            for (const auto& t : all)
                if (t.kind == tk::word && !connector_of(t.text).empty()) listed += (listed.empty() ? "" : ", ") + connector_of(t.text);
            r.note = listed.empty() ? "no figure" : "the outputs it has: " + listed;
            return r;
        }
        if (cls == field_class::name) return ignore("a label for a name, without one");
        if (kind == gear_kind::headphone) {
            type_evidence e;
            gather_type(all, e);
            std::string why;
            if (const auto type = type_from(e, why)) r.readings.push_back({"type", std::string{to_string(*type)}, {}, {}, 0});
            if (!e.drivers.empty()) r.readings.push_back({"drivers", e.drivers, {}, {}, 0});
        } else if (const auto k = kind_from_words(all)) {
            r.readings.push_back({"kind", std::string{to_string(*k)}, {}, {}, 0});
        }
        if (r.readings.empty()) return ignore("no figure");
        r.status = line_status::read;
        return r;
    }

    // A value whose label headroom does not know, or without a label: read only where its units say what it is.
    item_result unlabelled(const line_facts& f, const item& it, const std::vector<segment>& segs, bool unknown_label) const {
        const auto& t = f.value_tokens;
        const bool power = has_unit(t, is_power);
        const bool load = has_unit(t, is_ohm) || !f.label_loads.empty();
        const std::string shown = it.raw_label.empty() ? std::string{} : "'" + it.raw_label + "' ";
        if (!has_catalog_figure(t)) {
            if (!unknown_label && !has_letter(it.value)) return refuse("a number without a label or a unit: which figure is it?");
            return ignore(has_number(t) ? "no figure the catalog holds" + (units_listed(t).empty() ? std::string{} : " (" + units_listed(t) + ")")
                                        : "no figure");
        }
        if (power && load) {
            if (kind == gear_kind::headphone) return refuse("an amplifier's output power in a headphone's text");
            item_result r = read_power(f, it, segs);
            if (r.status == line_status::read && unknown_label) add_note(r.note, "read as output power by its units");
            return r;
        }
        if (kind == gear_kind::headphone && !unknown_label) {
            // "97dB/mW", "300 ohms": a headphone's sensitivity and impedance say what they are.
            item_result s = read_sensitivity(f, it, segs);
            if (s.status == line_status::read) {
                add_note(s.note, "no label: read as the sensitivity by its unit");
                return s;
            }
            const bool only_ohm = std::all_of(t.begin(), t.end(), [](const token& x) { return x.kind != tk::number || is_ohm(x.unit) || !catalog_unit(x.unit); });
            if (only_ohm) {
                item_result z = read_impedance(f, it, segs);
                if (z.status == line_status::read) add_note(z.note, "no label: read as the impedance by its unit");
                return z;
            }
        }
        if (unknown_label) return refuse(shown + "is not a label headroom reads: which field is it?");
        return refuse("a figure without a label: which field is it?");
    }
};

// ---------------------------------------------------------------------------------------------------------------
// The whole text under one reading.

item_result merged(std::vector<item_result> parts) {
    item_result r;
    for (auto& p : parts) {
        if (p.status == line_status::read) r.status = line_status::read;
        else if (p.status == line_status::refused && r.status != line_status::read) r.status = line_status::refused;
        for (auto& x : p.readings) r.readings.push_back(std::move(x));
    }
    // The note: the read parts' notes, then the refused ones', then the rest.
    for (const line_status s : {line_status::read, line_status::refused, line_status::ignored})
        for (const auto& p : parts)
            if (p.status == s) add_note(r.note, p.note);
    return r;
}

}  // namespace

interpretation interpret(const std::vector<std::vector<item>>& items, gear_kind kind) {
    interpretation out;
    context ctx;
    const interpreter read{kind};
    for (const auto& line_items : items) {
        std::vector<item_result> parts;
        for (const auto& it : line_items) {
            // A value the model's parsers refuse ("125kW": no such power unit) refuses its line with their reason.
            try {
                parts.push_back(read(it, ctx));
            } catch (const headroom::error& e) {
                parts.push_back(refuse(e.what()));
            }
        }
        item_result r = parts.size() == 1 ? std::move(parts.front()) : merged(std::move(parts));
        if (r.status == line_status::read &&
            std::any_of(r.readings.begin(), r.readings.end(), [](const reading& x) { return !in(x.field, {"name", "type", "drivers", "kind"}); }))
            ++out.figures_read;
        out.lines.push_back(std::move(r));
    }
    return out;
}

}  // namespace headroom::spec_detail
