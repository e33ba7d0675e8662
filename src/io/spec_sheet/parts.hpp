#pragma once

// The parts of the spec-sheet reader (src/io/spec_sheet.cpp), private to headroom::io. A text goes through them in
// this order:
//   text.cpp        the text as a whole (checked, cut into lines) and each line normalised
//   tokens.cpp      a label or value cut into tokens: numbers with their units, words, separators
//   lines.cpp       a line cut into items (label and value); the words, outputs, settings and parts a value names
//   field_table.cpp what a label asks for, and the reader of each figure field: one table
//   readers.cpp     an amplifier's figures (power, voltage, current, output impedance, noise, SNR, gain)
//   headphone.cpp   a headphone's figures (impedance, power rating, sensitivity), types and kinds from words
//   interpret.cpp   every item under one reading of the text (a headphone's or an amplifier's)
//   outputs.cpp     an amplifier's readings gathered into its outputs and their settings
// and spec_sheet.cpp makes the entry and the report.

#include "headroom/catalog.hpp"
#include "headroom/spec_sheet.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace headroom::spec_detail {

using json = nlohmann::ordered_json;

// ---- text.cpp ------------------------------------------------------------------------------------------------------

constexpr char cell_break = '\x1f';  // a tab: a table's cell break

inline bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char lower_ascii(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::vector<std::string_view> split_lines(std::string_view text);
bool blank(std::string_view line);
std::size_t number_count(std::string_view s);
void check_text(std::string_view text, const std::string& file);
std::string lowered(std::string_view s);
std::string trimmed(std::string_view s);
std::string normalise(std::string_view line);
std::string connectors_named(std::string s);

// ---- tokens.cpp ----------------------------------------------------------------------------------------------------

enum class tk : std::uint8_t { number, word, sep, open, close, at, plus, colon, dash };

struct token {
    tk kind;
    std::string text;   // word (lowered), separator, or the number's digits as written ("1.2", "245")
    std::string unit;   // a number's unit in canonical lower case ("mw", "vrms", "ohm", "db", "dba", ...); "" when bare
    double value = 0.0;
    int depth = 0;      // parentheses around it
    char cmp = 0;       // '<', '>' or '~' written before the number
    bool plus_sign = false;  // "+6dB": a '+' right before the digits
    bool spaced = false;     // a space before the token
};

bool is_power(std::string_view u);
bool is_voltage(std::string_view u);
bool is_current(std::string_view u);
bool is_ohm(std::string_view u);
bool is_db(std::string_view u);
bool catalog_unit(std::string_view u);
std::string number_text(double v);

struct quantity_text {
    static std::string of(const token& t);
};

inline bool in(std::string_view w, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), w) != set.end();
}

std::vector<token> tokenize(std::string_view s);
bool has_catalog_figure(const std::vector<token>& t);
bool has_number(const std::vector<token>& t);
// Whether a number in `t` has a unit of the kind `unit` tells (is_power, is_db, ...).
bool has_unit(const std::vector<token>& t, bool (*unit)(std::string_view));

// ---- lines.cpp -----------------------------------------------------------------------------------------------------

std::string spaced_out(std::string s, std::string_view w);

// A label's words, joined with spaces around each for whole-word matching.
struct words {
    std::string joined = " ";
    bool has(std::string_view w) const;
    bool any(std::initializer_list<std::string_view> ws) const {
        return std::any_of(ws.begin(), ws.end(), [&](std::string_view w) { return has(w); });
    }
    bool empty() const { return joined.size() <= 1; }
};

words words_of(const std::vector<token>& tokens, bool outside_parentheses_only);

// Which output a part of the text names.
struct out_tag {
    std::string topology;   // "", "se", "bal"
    std::string connector;  // "", "3.5mm", "4.4mm", "6.35mm", "2.5mm", "XLR4", "2xXLR3"
    bool line = false;      // a line (or digital) output: not a headphone output

    [[nodiscard]] bool any() const { return !topology.empty() || !connector.empty() || line; }
};

std::string connector_of(std::string_view w);
std::string topology_of_connector(std::string_view c);
out_tag tag_of(const std::vector<token>& t, std::size_t from, std::size_t to);
std::string setting_of(const std::vector<token>& t, std::size_t from, std::size_t to, bool gain_context);
std::string weighting_of(const std::vector<token>& t, std::size_t from, std::size_t to);

struct item {
    std::string label, value;        // lowered, connectors named
    std::string raw_label, raw_value;  // as written (normalised), for names
};

bool has_letter(std::string_view s);
std::vector<item> split_items(const std::string& line);

// Segments: the parts of a value between separators outside parentheses, each with the output and setting it names
// (a name carries on to the parts after it until another is named).
struct segment {
    std::size_t from, to;  // token range
    out_tag output;
    std::string setting;
};

std::vector<segment> segments_of(const std::vector<token>& t, out_tag base, const std::string& base_setting, bool gain_context);
bool word_in(const std::vector<token>& t, std::size_t from, std::size_t to, std::initializer_list<std::string_view> ws);

// ---- what one item reads: the readers' results ---------------------------------------------------------------------

// The figures read from one item, before they become an entry.
struct reading {
    std::string field;
    std::string value;
    out_tag output;       // the output it names (amplifier figures)
    std::string setting;  // the setting it names
    double key = 0.0;     // a load in ohm (power points) to tell points apart
    bool used = true;     // false: read, but not in the entry (the note says why)
    bool secondary = false;  // a dynamic range read as an SNR: an SNR stated beside it wins
};

struct item_result {
    line_status status = line_status::ignored;
    std::vector<reading> readings;
    std::string note;
};

void add_note(std::string& note, const std::string& more);
item_result refuse(std::string why);
item_result ignore(std::string why);
std::string bound_note(const token& n);
double ohms(const token& t);
std::string ohm_text(const token& t);
double watts(const token& t);  // a power token in watts

// What the readers know of one item: its tokens, and what its label says.
struct line_facts {
    std::vector<token> label_tokens;
    std::vector<token> value_tokens;
    words label_words;        // outside parentheses: what the label asks for
    words all_label_words;    // with its parentheses: conditions and names
    out_tag label_tag;
    std::string label_setting;
    std::vector<const token*> label_loads;  // "Power (32 Ohm)", "Maximum Power, 16 ohms"
    std::string label_weighting;
};

// ---- field_table.cpp -----------------------------------------------------------------------------------------------

// What a label asks for.
enum class field_class : std::uint8_t {
    none,          // no label, or one made only of an output's name ("3.5mm", "BAL")
    unknown,       // words headroom does not know as a label
    name,
    line_output,   // a line or digital output's figures
    input,         // an input's figures (input impedance, input sensitivity)
    other,         // a figure the catalog does not hold (THD, frequency response, battery, weight, ...)
    recommended,   // the loads a device suits ("recommended headphone impedance 16-300 ohm")
    power,         // output power (an amplifier's), or rated input power (a headphone's)
    rated_power,   // a headphone's power handling
    vmax, imax, zout, damping, noise, snr, gain,
    impedance,     // a headphone's impedance
    sensitivity,
    kind,          // headphone type or amplifier kind, driver complement
    ports,         // the connectors a device has
};

// How one kind of device reads a figure field's value: from the item's facts, the item, and the value's segments.
using field_reader = item_result (*)(const line_facts&, const item&, const std::vector<segment>&);

// One row of the field table: the label words that name a class (tried in the table's order, as a label may hold
// the words of several), and for a figure field the readers under each reading of the text.
struct field_row {
    field_class cls;
    bool (*names)(const words& w);
    field_reader amplifier = nullptr;  // null: not a figure field
    field_reader headphone = nullptr;
};

field_class class_of(const words& w);
// The row of a figure field, or null for a class that is no figure (a name, a section, a figure not held).
const field_row* figure_row(field_class cls);

// ---- readers.cpp (an amplifier's figures) --------------------------------------------------------------------------

item_result read_power(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_swing(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_current(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_zout(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_damping(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_noise(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_snr(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_gain(const line_facts& f, const item& it, const std::vector<segment>& segs);

// ---- headphone.cpp -------------------------------------------------------------------------------------------------

bool impedance_range(const std::vector<token>& t);
item_result read_impedance(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_rated_power(const line_facts& f, const item& it, const std::vector<segment>& segs);
item_result read_sensitivity(const line_facts& f, const item& it, const std::vector<segment>& segs);

// Headphone type words, and the driver complement ("2DD+4BA").
struct type_evidence {
    bool iem = false, earbud = false, on_ear = false, over_ear = false, planar = false, electrostatic = false;
    std::string drivers;
};

void gather_type(const std::vector<token>& t, type_evidence& e);
std::optional<headphone_type> type_from(const type_evidence& e, std::string& why);
std::optional<amplifier_kind> kind_from_words(const std::vector<token>& t);

// Where the text names no kind, its power says it (the line that told).
struct kind_guess {
    std::optional<amplifier_kind> kind;
    std::size_t line = 0;
};

kind_guess guess_kind(const std::vector<std::string>& lines);

// ---- interpret.cpp -------------------------------------------------------------------------------------------------

struct interpretation {
    std::vector<item_result> lines;  // one per non-blank line, the items' results merged
    std::size_t figures_read = 0;    // lines read into figure fields (not names or types)
};

interpretation interpret(const std::vector<std::vector<item>>& items, gear_kind kind);

// ---- outputs.cpp ---------------------------------------------------------------------------------------------------

// Where each reading ended up, so that the report names the output and a dropped reading refuses its line.
struct placed {
    std::size_t line, index;  // the line and the reading in it
};

struct builder {
    std::vector<item_result>& lines;

    // A reading that contradicts one before it: refused (the line is refused if nothing else of it was read).
    void drop(const placed& p, const std::string& why);
    // A reading that is right but not in the entry (an SNR where the noise is stated, gains without a source level).
    void unused(const placed& p, const std::string& why);
    [[nodiscard]] const reading& at(const placed& p) const { return lines[p.line].readings[p.index]; }
};

struct output_key {
    std::string topology, connector;
    bool operator<(const output_key& o) const { return std::tie(topology, connector) < std::tie(o.topology, o.connector); }
    bool operator==(const output_key& o) const { return topology == o.topology && connector == o.connector; }
};

std::string output_name(const output_key& k);

// What an amplifier's entry is made from: the readings of every line (amended in place: where each went, what was
// dropped), the items they came from, and the entry's notes and problems to add to.
struct amplifier_text {
    std::vector<item_result>& results;
    const std::vector<std::vector<item>>& items;
    const std::vector<spec_line>& lines;
    std::vector<std::string>& notes;
    std::vector<std::string>& problems;
};

// The amplifier's entry (name, kind, basis, source, outputs), with the problems that keep it from the catalog.
json amplifier_entry_json(amplifier_text text, builder& b, const spec_sheet_options& options, const std::string& name);

}  // namespace headroom::spec_detail
