#include "recommend.hpp"
#include "headroom/frontend/lookup.hpp"

#include "commands.hpp"
#include "terminal_text.hpp"
#include "headroom/recommend.hpp"
#include "headroom/frontend/json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <span>
#include <string_view>
#include <utility>

namespace headroom::cli {

namespace {

// Lower case without spaces, hyphens, underscores or a trailing "mm": "Over-Ear" and "over ear" are one kind,
// "4.4" and "4.4mm" one connector.
std::string folded(std::string_view text) {
    std::string s;
    for (const char c : text)
        if (c != ' ' && c != '-' && c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s.size() > 2 && s.ends_with("mm")) s.resize(s.size() - 2);
    return s;
}

struct headphone_kind {
    std::string_view name;
    std::array<bool, 6> types;  // indexed by headphone_type
};
// The kinds people ask for; "over-ear" takes every over-ear type.
constexpr std::array<headphone_kind, 7> headphone_kinds{{
    {"iem", {false, false, false, false, true, false}},
    {"over-ear", {true, true, true, false, false, false}},
    {"dynamic", {true, false, false, false, false, false}},
    {"planar", {false, true, false, false, false, false}},
    {"electrostatic", {false, false, true, false, false, false}},
    {"on-ear", {false, false, false, true, false, false}},
    {"earbud", {false, false, false, false, false, true}},
}};
constexpr std::array<amplifier_kind, 6> amplifier_kinds{amplifier_kind::desktop, amplifier_kind::portable, amplifier_kind::dongle,
                                                        amplifier_kind::dap, amplifier_kind::phone, amplifier_kind::laptop};

std::string kind_list() {
    std::string s;
    for (const auto& k : kind_names()) s += (s.empty() ? "" : ", ") + k;
    return s;
}

template <class Entry, class Find>
std::vector<const Entry*> named(const std::vector<Entry>& all, const std::vector<std::string>& names, std::string_view flag, Find find) {
    std::vector<const Entry*> picked;
    for (const std::string& n : names) {
        const Entry* e = flag_value(flag, n, [&](const std::string& text) { return &find(all, text); });
        if (std::find(picked.begin(), picked.end(), e) == picked.end()) picked.push_back(e);
    }
    return picked;
}

std::string hiss_text(const pair_analysis& a) {
    if (!a.hiss) return "-";
    return a.hiss->low == a.hiss->high ? fmt::format("{:.1f}", a.hiss->low.db())
                                       : fmt::format("{:.1f}-{:.1f}", a.hiss->low.db(), a.hiss->high.db());
}

std::string zout_text(const output_stage& s) {
    return s.output_impedance_stated() ? fmt::format("{:.3g}", value_in(s.output_impedance(), ohm)) : "-";
}

std::string output_label(const compared_option& o) {
    return o.option.gain_setting.empty() ? o.option.output : o.option.output + " (" + o.option.gain_setting + ")";
}

// The worst case across the band a row reports (with --across-frequency, where a curve or an EQ gives one); null:
// the row reports the headroom at the load.
const frequency_headroom* row_worst(const compared_option& r, const listing& l) { return l.across ? band_worst(r) : nullptr; }

gain row_headroom(const compared_option& r, const listing& l) {
    const frequency_headroom* w = row_worst(r, l);
    return w != nullptr ? w->worst : r.analysis.headroom->margin;
}

std::string row_headroom_text(const compared_option& r, const listing& l) {
    if (const frequency_headroom* w = row_worst(r, l)) return fmt::format("{:+.1f} at {:.0f} Hz", w->worst.db(), value_in(w->worst_at, hertz));
    return fmt::format("{:+.1f}", r.analysis.headroom->margin.db());
}

std::string row_limit(const compared_option& r, const listing& l) {
    const frequency_headroom* w = row_worst(r, l);
    return std::string{to_string(w != nullptr ? w->worst_binding : r.analysis.headroom->binding)};
}

// The rows shown of a table of `qualifying` rows.
std::size_t shown(const listing& l, std::size_t tables, std::size_t qualifying) {
    const std::size_t cap = l.rows ? *l.rows : (tables == 1 ? qualifying : 10);
    return std::min(cap, qualifying);
}

// The columns a UTF-8 text takes: one per character (the catalog's names are Latin text).
std::size_t columns(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

// Pads to `width` columns, on the left or the right.
std::string padded(const std::string& text, std::size_t width, bool right) {
    const std::string pad(width - std::min(width, columns(text)), ' ');
    return right ? pad + text : text + pad;
}

// Columns padded to the widest cell (names are printed through terminal_text, so a name is one line).
void print_table(std::ostream& os, const std::vector<std::array<std::string, 9>>& rows, const std::array<bool, 9>& right) {
    std::array<std::size_t, 9> width{};
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], columns(r[c]));
    for (const auto& r : rows) {
        std::string line = " ";
        for (std::size_t c = 0; c < r.size(); ++c) {
            if (width[c] == 0) continue;
            line += ' ';
            line += padded(r[c], width[c], right[c]);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        os << line << '\n';
    }
}

void more_line(std::ostream& os, std::size_t more, const listing& l, std::string_view what) {
    if (more > 0)
        os << fmt::format("  ... and {} more {} with at least {:+.1f} dB (--top {} lists them)\n", more, what, l.min_headroom.db(),
                          more + (l.rows ? *l.rows : 10));
}

}  // namespace

std::vector<std::string> kind_names() {
    std::vector<std::string> names;
    for (const auto& k : headphone_kinds) names.emplace_back(k.name);
    for (const auto k : amplifier_kinds) names.emplace_back(to_string(k));
    return names;
}

void add_selection_flags(CLI::App& app, gear_selection& s) {
    app.add_option("--headphone", s.headphones, "List the outputs for this catalog headphone, best first (repeatable; case-insensitive)")
        ->check(non_empty);
    app.add_option("--amp", s.amps, "Only this catalog amplifier; alone, list the headphones it drives (repeatable)")->check(non_empty);
    app.add_option("--kind", s.kinds,
                   "Only headphones (iem, over-ear, dynamic, planar, electrostatic, on-ear, earbud) or amplifiers "
                   "(desktop, portable, dongle, dap, phone, laptop) of this kind (repeatable)")
        ->check(non_empty);
    app.add_option("--connector", s.connectors, "Only outputs with this connector: 3.5mm, 6.35mm, 4.4mm, 2.5mm, XLR4, ... (repeatable)")
        ->check(non_empty);
}

selected_gear select_gear(std::vector<headphone_entry> headphones, std::vector<amplifier_entry> amps, const gear_selection& s) {
    // Kinds: each names headphone types or an amplifier kind.
    std::array<bool, 6> types{};
    std::set<amplifier_kind> amp_kinds;
    bool headphone_kind_given = false;
    const auto known = [](const std::string& f) {
        return std::any_of(headphone_kinds.begin(), headphone_kinds.end(), [&](const auto& x) { return folded(x.name) == f; }) ||
               std::any_of(amplifier_kinds.begin(), amplifier_kinds.end(), [&](amplifier_kind x) { return to_string(x) == f; });
    };
    for (const std::string& k : s.kinds) {
        std::string f = folded(k);
        if (!known(f) && f.size() > 1 && f.back() == 's' && known(f.substr(0, f.size() - 1))) f.pop_back();  // "iems", "dongles"
        const auto h = std::find_if(headphone_kinds.begin(), headphone_kinds.end(), [&](const auto& x) { return folded(x.name) == f; });
        const auto a = std::find_if(amplifier_kinds.begin(), amplifier_kinds.end(), [&](amplifier_kind x) { return to_string(x) == f; });
        bool full_type = false;  // a catalog type as written: "over-ear planar"
        for (std::size_t i = 0; i < types.size(); ++i)
            if (folded(to_string(static_cast<headphone_type>(i))) == f) types[i] = full_type = true;
        if (h != headphone_kinds.end()) {
            for (std::size_t i = 0; i < types.size(); ++i) types[i] = types[i] || h->types[i];
            headphone_kind_given = true;
        } else if (a != amplifier_kinds.end()) {
            amp_kinds.insert(*a);
        } else if (full_type) {
            headphone_kind_given = true;
        } else {
            throw usage_error{"--kind: '" + terminal_text(k) + "' is not one of " + kind_list()};
        }
    }

    selected_gear g;
    // A table per headphone when headphones are named, or chosen by kind without naming an amplifier; with
    // --amp and a headphone kind ("which IEMs does it drive?"), a table per amplifier of those headphones.
    g.per_headphone = !s.headphones.empty() || (headphone_kind_given && s.amps.empty());
    g.per_amplifier = !g.per_headphone && !s.amps.empty();

    // Headphones: the named ones and those of the kinds asked for; all when neither is given.
    const auto picked_h = named(headphones, s.headphones, "--headphone",
                                [](const auto& all, const std::string& n) -> const headphone_entry& { return frontend::find_headphone(all, n); });
    for (const headphone_entry& h : headphones) {
        const bool by_name = std::find(picked_h.begin(), picked_h.end(), &h) != picked_h.end();
        const bool by_kind = headphone_kind_given && types[static_cast<std::size_t>(h.type)];
        if (by_name || by_kind || (s.headphones.empty() && !headphone_kind_given)) g.headphones.push_back(h);
    }
    if (g.headphones.empty()) throw usage_error{"--kind: the catalog has no headphone of the kinds asked for"};

    // Amplifiers: named ones and those of the kinds asked for (all when neither), then only their outputs with a
    // selected connector.
    const auto picked_a = named(amps, s.amps, "--amp",
                                [](const auto& all, const std::string& n) -> const amplifier_entry& { return frontend::find_amplifier(all, n); });
    std::set<std::string> connectors;
    for (const std::string& c : s.connectors) connectors.insert(folded(c));
    std::set<std::string> known_connectors;
    for (const amplifier_entry& a : amps)
        for (const amplifier_output& o : a.outputs)
            if (!o.connector.empty()) known_connectors.insert(o.connector);
    for (const std::string& c : s.connectors)
        if (std::none_of(known_connectors.begin(), known_connectors.end(), [&](const std::string& k) { return folded(k) == folded(c); })) {
            std::string list;
            for (const auto& k : known_connectors) list += (list.empty() ? "" : ", ") + k;
            throw usage_error{"--connector: no output in the catalog has connector '" + terminal_text(c) + "' (connectors: " + list + ")"};
        }
    const bool by_amp = !picked_a.empty() || !amp_kinds.empty();
    for (const amplifier_entry& a : amps) {
        const bool by_name = std::find(picked_a.begin(), picked_a.end(), &a) != picked_a.end();
        if (by_amp && !by_name && !amp_kinds.contains(a.kind)) continue;
        amplifier_entry kept = a;
        if (!connectors.empty())
            std::erase_if(kept.outputs, [&](const amplifier_output& o) { return !connectors.contains(folded(o.connector)); });
        if (!kept.outputs.empty()) g.amps.push_back(std::move(kept));
    }
    if (g.amps.empty())
        throw usage_error{std::string{s.connectors.empty() ? "--kind" : "--connector"} + ": no amplifier output is left by the selection"};
    return g;
}

namespace {

// One table of the listing: a headphone's outputs or an amplifier's headphones, ranked, all of them (the ones
// that qualify first: frontend::qualify).
struct table {
    std::string heading;
    bool of_outputs;  // rows are outputs (a headphone's table), else headphones (an amplifier's)
    std::vector<compared_option> options;  // as ranked
    std::vector<std::string> names;        // per option: the amplifier's name (outputs) or the headphone's
    frontend::ranked_table ranked;         // into `options`
    std::size_t of = 0;                    // how many outputs or headphones were ranked
    const attenuator* through = nullptr;   // --attenuator, where it applies to this table
};

std::vector<table> tables_of(const selected_gear& g, const listing& l) {
    const programme& p = l.job;
    const std::string job = fmt::format("{:.1f} dB SPL with {:.1f} dB peaks{}", p.average_level().db(), p.crest_factor().db(),
                                        l.across ? ", worst across 20 Hz-20 kHz" : "");
    const auto eq_of = [&](std::size_t i) { return i < l.eqs.size() ? l.eqs[i] : nullptr; };
    std::vector<table> tables;
    if (g.per_headphone) {
        for (std::size_t i = 0; i < g.headphones.size(); ++i) {
            const headphone_entry& h = g.headphones[i];
            const attenuator* att = h.type == headphone_type::iem ? l.for_iems : nullptr;
            const parametric_eq* eq = eq_of(i);
            table t{fmt::format("{}: {:.4g} ohm, {:.1f} dB SPL/V{}{}{}; {}", terminal_text(h.name()), value_in(h.model.nominal_impedance(), ohm),
                                h.model.sensitivity_per_volt().db(), is_sensitive(h.model) ? " (sensitive: hiss and Z_out rank next)" : "",
                                att != nullptr ? ", through " + terminal_text(att->name()) : std::string{},
                                eq != nullptr ? ", with its EQ" : "", job),
                    true, {}, {}, {}, 0, att};
            for (output_recommendation& r : rank_outputs(h.model, g.amps, p, l.min_headroom, att, eq)) {
                t.names.push_back(r.amplifier->name);
                t.options.push_back(std::move(r.advised));
            }
            tables.push_back(std::move(t));
        }
    } else {
        for (const amplifier_entry& a : g.amps) {
            table t{fmt::format("{} ({}): {}{}", terminal_text(a.name), to_string(a.kind), job,
                                l.for_iems != nullptr ? "; IEMs through " + terminal_text(l.for_iems->name()) : std::string{}),
                    false, {}, {}, {}, 0, l.for_iems};
            for (headphone_recommendation& r : rank_headphones(a, g.headphones, p, l.min_headroom, l.for_iems, l.across, l.eqs)) {
                t.names.push_back(r.headphone->name());
                t.options.push_back(std::move(r.best));
            }
            tables.push_back(std::move(t));
        }
    }
    for (table& t : tables) {
        t.of = t.options.size();
        std::vector<frontend::ranked_row> rows;
        for (std::size_t k = 0; k < t.options.size(); ++k) rows.push_back({t.names[k], &t.options[k]});
        t.ranked = frontend::qualify(std::move(rows), l.min_headroom, l.max_hiss);
    }
    return tables;
}

}  // namespace

void print_recommendations(std::ostream& os, const selected_gear& g, const listing& l) {
    const std::vector<table> tables = tables_of(g, l);
    const std::string hiss_limit = l.max_hiss ? fmt::format(" and at most {:.1f} dB(A) of hiss", l.max_hiss->db()) : "";
    for (const table& t : tables) {
        const std::size_t qualifying = t.ranked.qualifying;
        if (t.of_outputs)
            os << fmt::format("{}: {} of {} outputs have at least {:+.1f} dB headroom{}\n", t.heading, qualifying, t.of, l.min_headroom.db(),
                              hiss_limit);
        else
            os << fmt::format("{}: drives {} of {} headphones with at least {:+.1f} dB headroom{}\n", t.heading, qualifying, t.of,
                              l.min_headroom.db(), hiss_limit);
        if (t.ranked.noise_unknown && *t.ranked.noise_unknown > 0) {
            const std::size_t u = *t.ranked.noise_unknown;
            os << fmt::format("  {} more {} the headroom but no known noise: whether {} is not known, so {} not listed\n", u,
                              t.of_outputs ? (u == 1 ? "output has" : "outputs have") : (u == 1 ? "headphone has" : "headphones have"),
                              u == 1 ? "it hisses" : "they hiss", u == 1 ? "it is" : "they are");
        }
        const std::size_t n = shown(l, tables.size(), qualifying);
        if (n > 0) {
            std::vector<std::array<std::string, 9>> rows{{"#", t.of_outputs ? "amplifier / output" : "headphone",
                                                          t.of_outputs ? "gain" : "output (gain)", l.across ? "worst headroom" : "headroom",
                                                          "max SPL", "limit",
                                                          "hiss dB SPL", "heard", t.of_outputs ? "Z_out ohm" : ""}};
            for (std::size_t k = 0; k < n; ++k) {
                const frontend::ranked_row& row = t.ranked.rows[k];
                const compared_option& r = *row.option;
                const std::string name = t.of_outputs ? row.name + " / " + r.option.output : row.name;
                rows.push_back({std::to_string(k + 1), terminal_text(name),
                                t.of_outputs ? (r.option.gain_setting.empty() ? "-" : terminal_text(r.option.gain_setting))
                                             : terminal_text(output_label(r)),
                                row_headroom_text(r, l), fmt::format("{:.1f}", r.analysis.max.max_level.db()), row_limit(r, l),
                                hiss_text(r.analysis),
                                r.analysis.audibility ? std::string{to_string(r.analysis.audibility->verdict)} : "-",
                                t.of_outputs ? zout_text(r.option.stage) : ""});
            }
            print_table(os, rows, {true, false, false, true, true, false, true, false, true});
            more_line(os, qualifying - n, l, t.of_outputs ? "outputs" : "headphones");
        }
        os << '\n';
    }
}

nlohmann::ordered_json recommendations_json(const selected_gear& g, const listing& l) {
    using ojson = nlohmann::ordered_json;
    ojson list = ojson::array();
    const std::vector<table> tables = tables_of(g, l);
    for (std::size_t i = 0; i < tables.size(); ++i) {
        const table& t = tables[i];
        const std::size_t n = shown(l, 1, t.ranked.qualifying);
        ojson table = t.of_outputs ? frontend::ranked_table_json("headphone", g.headphones[i].name(), t.ranked, n, t.through)
                                   : frontend::ranked_table_json("amplifier", g.amps[i].name, t.ranked, n, t.through);
        if (l.across) {
            // pair --json's keys for the worst case across the band; a headphone flat across it (no curve, no EQ)
            // has the headroom at its load everywhere, at no one frequency.
            ojson& rows = table[t.of_outputs ? "outputs" : "headphones"];
            for (std::size_t k = 0; k < rows.size(); ++k) {
                const compared_option& r = *t.ranked.rows[k].option;
                const frequency_headroom* w = row_worst(r, l);
                rows[k]["worst_headroom_db"] = row_headroom(r, l).db();
                rows[k]["worst_headroom_hz"] = w != nullptr ? ojson(value_in(w->worst_at, hertz)) : ojson(nullptr);
                rows[k]["worst_headroom_limit"] = row_limit(r, l);
            }
        }
        list.push_back(std::move(table));
    }
    return list;
}

}  // namespace headroom::cli
