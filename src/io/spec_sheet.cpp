// Reading a maker's specification text into a catalog entry (include/headroom/spec_sheet.hpp).
//
// The text is checked whole before anything else (size, bytes, UTF-8, lines). Each line is then normalised
// (full-width forms, odd spaces, Ω, µ, ≥, bullets), cut into items (label and value: "label: value", tab-separated
// table cells, "label value"), and each item's value into tokens (numbers with their units, connectors, separators)
// and segments (the parts of a value between separators, each of which may name its output: "3.5mm: ..." / "BAL<...").
// The items are interpreted twice, as a headphone's figures and as an amplifier's, and the reading that reads more
// lines wins unless the kind is given; the readings then become one catalog entry, which the catalog loader checks.
// All work is linear in the text: every line is at most max_spec_line_bytes and max_spec_line_numbers, and nothing
// is searched more than a constant number of times per line.

#include "headroom/spec_sheet.hpp"

#include "headroom/catalog.hpp"
#include "headroom/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom {

std::string_view to_string(gear_kind k) noexcept { return k == gear_kind::headphone ? "headphone" : "amplifier"; }

std::string_view to_string(line_status s) noexcept {
    switch (s) {
        case line_status::read: return "read";
        case line_status::ignored: return "ignored";
        case line_status::refused: return "refused";
    }
    return "";
}

std::size_t spec_import::count(line_status s) const noexcept {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [s](const spec_line& l) { return l.status == s; }));
}

double spec_import::read_fraction() const noexcept {
    const std::size_t read = count(line_status::read), refused = count(line_status::refused);
    return read + refused == 0 ? 0.0 : static_cast<double>(read) / static_cast<double>(read + refused);
}

namespace {

using json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------------------------
// The text as a whole: refused up front, with one sentence, unless it can be a spec text at all.

struct utf8_char {
    char32_t code;
    std::size_t length;  // 0: not a valid UTF-8 character
};

utf8_char decode(std::string_view s, std::size_t at) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[at + i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return {lead, 1};
    std::size_t n = 0;
    char32_t c = 0, least = 0;
    if ((lead & 0xE0) == 0xC0) {
        n = 2, c = lead & 0x1FU, least = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        n = 3, c = lead & 0x0FU, least = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        n = 4, c = lead & 0x07U, least = 0x10000;
    } else {
        return {0, 0};
    }
    if (s.size() - at < n) return {0, 0};
    for (std::size_t i = 1; i < n; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return {0, 0};
        c = (c << 6) | (byte(i) & 0x3FU);
    }
    if (c < least || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return {0, 0};
    return {c, n};
}

std::string hex_byte(unsigned c) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", c & 0xFFU);
    return text;
}

// The lines of the text ('\n', "\r\n" or a lone '\r' end one), after a UTF-8 byte-order mark.
std::vector<std::string_view> split_lines(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t k = 0; k < text.size(); ++k) {
        if (text[k] != '\n' && text[k] != '\r') continue;
        lines.push_back(text.substr(start, k - start));
        if (text[k] == '\r' && k + 1 < text.size() && text[k + 1] == '\n') ++k;
        start = k + 1;
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

bool blank(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; });
}

std::size_t number_count(std::string_view s) {
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t n = 0;
    for (std::size_t k = 0; k < s.size(); ++k)
        if (is_digit(s[k]) && (k == 0 || !(is_digit(s[k - 1]) || s[k - 1] == '.'))) ++n;
    return n;
}

void check_text(std::string_view text, const std::string& file) {
    const auto fail = [&](const std::string& problem) { throw io_error{file, "", "", problem}; };
    if (text.size() > max_spec_sheet_bytes)
        fail("is " + std::to_string(text.size()) + " bytes; a spec sheet is read up to " + std::to_string(max_spec_sheet_bytes) +
             " bytes (1 MiB): paste the specifications alone");
    std::size_t line = 1;
    for (std::size_t k = 0; k < text.size();) {
        const auto c = static_cast<unsigned char>(text[k]);
        if (c == '\n') {
            ++line, ++k;
            continue;
        }
        if (c == '\t' || c == '\r' || c == '\f' || c == '\v' || (c >= 0x20 && c < 0x7F)) {
            ++k;
            continue;
        }
        if (c == 0) fail("holds a NUL byte (line " + std::to_string(line) + "): binary data, not a spec text");
        if (c < 0x20 || c == 0x7F)
            fail("holds the control byte " + hex_byte(c) + " (line " + std::to_string(line) + "): binary data, not a spec text");
        const utf8_char u = decode(text, k);
        if (u.length == 0)
            fail("is not UTF-8 text (line " + std::to_string(line) + ", byte " + hex_byte(c) + "): save or paste it as UTF-8");
        if (u.code >= 0x80 && u.code <= 0x9F)
            fail("holds a control character (line " + std::to_string(line) + "): binary data, not a spec text");
        k += u.length;
    }
    const auto lines = split_lines(text);
    const auto filled = static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [](std::string_view l) { return !blank(l); }));
    if (filled == 0) fail("holds no text");
    if (filled > max_spec_sheet_lines)
        fail("holds " + std::to_string(filled) + " lines; a spec sheet is read up to " + std::to_string(max_spec_sheet_lines));
    // A line far beyond what a spec line holds (a table of data, a stream of numbers) is not a paste of a spec sheet at
    // all: the whole text is refused with one sentence rather than reported line by line. Lines a little too long for
    // a spec line (prose) are only refused as lines.
    for (std::size_t k = 0; k < lines.size(); ++k) {
        const std::size_t numbers = number_count(lines[k]);
        if (numbers > max_spec_text_line_numbers)
            fail("line " + std::to_string(k + 1) + " holds " + std::to_string(numbers) + " numbers; a spec line holds a few (at most " +
                 std::to_string(max_spec_text_line_numbers) + " are read): not a spec text");
        if (lines[k].size() > max_spec_text_line_bytes)
            fail("line " + std::to_string(k + 1) + " is " + std::to_string(lines[k].size()) + " bytes long (at most " +
                 std::to_string(max_spec_text_line_bytes) + " are read): not a spec text");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// One line, normalised: the spellings makers and shops use become one. Tabs become '\x1f' (a table's cell break).

constexpr char cell_break = '\x1f';

std::string_view mapped(char32_t c) {
    if ((c >= 0x2000 && c <= 0x200A) || c == 0x00A0 || c == 0x1680 || c == 0x202F || c == 0x205F || c == 0x3000) return " ";
    switch (c) {
        case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: case 0x00AD: return "\x01";  // nothing
        case 0x03A9: case 0x2126: case 0x03C9: return "ohm";  // Ω, the ohm sign, ω
        case 0x00B5: case 0x03BC: return "u";                 // µ, μ
        case 0x2265: case 0x2267: case 0x2A7E: return ">=";
        case 0x2264: case 0x2266: case 0x2A7D: return "<=";
        case 0x226B: return ">";
        case 0x226A: return "<";
        case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212: case 0xFE63: return "-";
        case 0x00D7: case 0x2715: case 0x2716: case 0x2A09: case 0x0445: return "x";  // ×, and the Cyrillic х of dimensions
        case 0x00B1: case 0x2213: return "+/-";
        case 0x2248: case 0x223C: case 0x301C: case 0x2053: case 0x02DC: return "~";
        case 0x2018: case 0x2019: case 0x201A: case 0x2032: return "'";
        case 0x201C: case 0x201D: case 0x201E: case 0x2033: case 0x300C: case 0x300D: return "\"";
        case 0x3001: return ",";
        case 0x3002: return " ";
        case 0x3010: return "[";
        case 0x3011: return "]";
        case 0x2044: case 0x2215: return "/";
        case 0x00BC: return "1/4";
        case 0x215B: return "1/8";
        case 0x2026: return "...";
        case 0x00A6: return "|";
        case 0x2103: return "C";
        // Bullets, checks, arrows and stars: marks, not content.
        case 0x2022: case 0x00B7: case 0x2023: case 0x2043: case 0x2219: case 0x25CF: case 0x25CB: case 0x25A0: case 0x25A1:
        case 0x25AA: case 0x25AB: case 0x25B6: case 0x25BA: case 0x25B8: case 0x25B7: case 0x27A4: case 0x2713: case 0x2714:
        case 0x2605: case 0x2606: case 0x25C6: case 0x25C7: case 0x2756: case 0x25E6: case 0x30FB: case 0xFF65: case 0x2027:
        case 0x2666: case 0x2794: case 0x279C: case 0x2192: case 0x25C9: case 0x2724: case 0x2727: case 0x2B50: return " ";
        default: return {};
    }
}

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower_ascii(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
    std::string out{s};
    for (char& c : out) c = lower_ascii(c);
    return out;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == cell_break)) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == cell_break)) s.remove_suffix(1);
    return std::string{s};
}

// Thousands separators ("1,600 mW", "28,000 Hz") go; a decimal comma ("0,05 %", "1,5 W") becomes a point, but only
// where it cannot be a list ("0,6,12dB" stays a list).
std::string numbers_fixed(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k] == ',' && k > 0 && digit(s[k - 1]) && k + 1 < s.size() && digit(s[k + 1])) {
            std::size_t left = k;  // the digits before the comma
            while (left > 0 && digit(s[left - 1])) --left;
            const bool listed = left > 0 && (s[left - 1] == ',' || s[left - 1] == '.');
            std::size_t right = k + 1;
            while (right < s.size() && digit(s[right])) ++right;
            const std::size_t after = right - k - 1;
            const bool ends = right == s.size() || !(digit(s[right]) || s[right] == ',' || s[right] == '.');
            if (!listed && ends && after == 3 && k - left <= 3) continue;  // a thousands separator: dropped
            if (!listed && ends && after <= 2 && right < s.size() && (letter(s[right]) || s[right] == '%' || s[right] == ' ')) {
                out += '.';
                continue;
            }
        }
        out += s[k];
    }
    return out;
}

std::string normalise(std::string_view line) {
    std::string out;
    out.reserve(line.size() + 8);
    for (std::size_t k = 0; k < line.size();) {
        const auto c = static_cast<unsigned char>(line[k]);
        if (c < 0x80) {
            out += c == '\t' ? cell_break : (c == '\r' || c == '\f' || c == '\v') ? ' ' : static_cast<char>(c);
            ++k;
            continue;
        }
        const utf8_char u = decode(line, k);  // the text was checked: u.length > 0
        const std::size_t n = u.length == 0 ? 1 : u.length;
        if (u.code >= 0xFF01 && u.code <= 0xFF5E) {  // full-width ASCII
            out += static_cast<char>(u.code - 0xFEE0);
        } else if (const std::string_view m = mapped(u.code); !m.empty()) {
            if (m != "\x01") out += m;
        } else {
            out.append(line.substr(k, n));
        }
        k += n;
    }
    // Runs of spaces become one; markdown's emphasis and headings go.
    std::string squeezed;
    squeezed.reserve(out.size());
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (out[k] == ' ' && !squeezed.empty() && squeezed.back() == ' ') continue;
        if (out[k] == '*' && k + 1 < out.size() && out[k + 1] == '*') {
            ++k;
            continue;
        }
        if (out[k] == '`') continue;
        squeezed += out[k];
    }
    std::string s = trimmed(numbers_fixed(squeezed));
    // Leading bullets and list numbers: "- ", "* ", "+ ", "> ", "#", "1. ", "2) ".
    for (;;) {
        std::size_t cut = 0;
        if (!s.empty() && s[0] == '#') {
            while (cut < s.size() && s[cut] == '#') ++cut;
        } else if (s.size() > 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+' || s[0] == '>' || s[0] == '.') && s[1] == ' ') {
            cut = 1;
        } else if (s.size() > 3 && digit(s[0])) {
            std::size_t d = 0;
            while (d < s.size() && d < 2 && digit(s[d])) ++d;
            if (d + 2 < s.size() && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ' && letter(s[d + 2])) cut = d + 1;
        }
        if (cut == 0) break;
        s = trimmed(std::string_view{s}.substr(cut));
    }
    return s;
}

// Connector and topology phrases in their catalog spellings, on the lowered line (they hold digits and spaces that
// would otherwise read as figures).
std::string connectors_named(std::string s) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 30> phrases{{
        {"4-pin xlr", " xlr4 "}, {"4 pin xlr", " xlr4 "}, {"4pin xlr", " xlr4 "}, {"xlr 4-pin", " xlr4 "}, {"xlr-4", " xlr4 "},
        {"xlr 4 pin", " xlr4 "}, {"dual xlr", " 2xxlr3 "}, {"2 x xlr", " 2xxlr3 "}, {"2xxlr", " 2xxlr3 "}, {"2x xlr", " 2xxlr3 "},
        {"1/4\"", " 6.35mm "}, {"1/4 inch", " 6.35mm "}, {"1/4-inch", " 6.35mm "}, {"1/4in", " 6.35mm "}, {"6.3 mm", " 6.35mm "},
        {"6.35 mm", " 6.35mm "}, {"6.3mm", " 6.35mm "}, {"1/8\"", " 3.5mm "}, {"1/8 inch", " 3.5mm "}, {"1/8-inch", " 3.5mm "},
        {"3.5 mm", " 3.5mm "}, {"4.4 mm", " 4.4mm "}, {"2.5 mm", " 2.5mm "}, {"pentaconn", " 4.4mm "}, {"single ended", " single-ended "},
        {"phone out", " po "}, {"phones out", " po "}, {"line out", " line-out "}, {"line-out", " line-out "}, {"6.35mmmm", "6.35mm"},
    }};
    for (const auto& [from, to] : phrases) {
        for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    }
    return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens of a label or a value.

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

// Unit spellings (lowered) to their canonical unit. Voltages, currents, powers, impedances, levels; the rest are
// units the catalog does not hold ("hz", "%", "g", ...), read so that a figure is seen as one.
struct unit_row {
    std::string_view spelling, unit;
};
constexpr std::array<unit_row, 64> unit_rows{{
    {"w", "w"},       {"mw", "mw"},     {"uw", "uw"},       {"kw", "kw"},     {"watt", "w"},    {"watts", "w"},
    {"v", "v"},       {"vrms", "vrms"}, {"mv", "mv"},       {"mvrms", "mvrms"}, {"uv", "uv"},  {"uvrms", "uvrms"},
    {"nv", "nv"},     {"vpp", "vpp"},   {"vp-p", "vpp"},    {"vpk", "vpk"},   {"vp", "vpk"},    {"vpeak", "vpk"},
    {"mvpp", "mvpp"}, {"mvpk", "mvpk"}, {"volt", "v"},      {"volts", "v"},   {"a", "a"},       {"ma", "ma"},
    {"ua", "ua"},     {"arms", "a"},    {"marms", "ma"},    {"ohm", "ohm"},   {"ohms", "ohm"},  {"kohm", "kohm"},
    {"kohms", "kohm"}, {"db", "db"},    {"dba", "dba"},     {"dbv", "dbv"},   {"dbu", "dbu"},   {"dbr", "db"},
    {"dbfs", "dbfs"}, {"dbspl", "db"},  {"hz", "hz"},       {"khz", "khz"},   {"mhz", "mhz"},   {"ghz", "ghz"},
    {"%", "%"},       {"mah", "other"}, {"h", "other"},     {"hrs", "other"}, {"hours", "other"}, {"g", "other"},
    {"kg", "other"},  {"mm", "other"},  {"cm", "other"},    {"m", "other"},   {"n", "other"},   {"bit", "other"},
    {"bits", "other"}, {"gb", "other"}, {"mb", "other"},    {"tb", "other"},  {"ms", "other"},  {"s", "other"},
    {"inch", "other"}, {"in", "other"}, {"min", "other"},   {"lbs", "other"},
}};

std::string_view unit_of(std::string_view spelling) {
    for (const auto& row : unit_rows)
        if (row.spelling == spelling) return row.unit;
    return {};
}


bool is_power(std::string_view u) { return u == "w" || u == "mw" || u == "uw" || u == "kw"; }
bool is_voltage(std::string_view u) {
    return u == "v" || u == "vrms" || u == "mv" || u == "mvrms" || u == "uv" || u == "uvrms" || u == "nv" || u == "vpp" ||
           u == "vpk" || u == "mvpp" || u == "mvpk";
}
bool is_current(std::string_view u) { return u == "a" || u == "ma" || u == "ua"; }
bool is_ohm(std::string_view u) { return u == "ohm" || u == "kohm"; }
bool is_db(std::string_view u) { return u == "db" || u == "dba"; }
// A unit the catalog holds figures in: a line with only other figures (Hz, %, g, mAh) holds nothing for it.
bool catalog_unit(std::string_view u) {
    return is_power(u) || is_voltage(u) || is_current(u) || is_ohm(u) || is_db(u) || u == "dbv" || u == "dbu";
}

// The canonical spelling written into a catalog value.
std::string_view written_unit(std::string_view u) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 21> spell{{
        {"w", "W"}, {"mw", "mW"}, {"uw", "uW"}, {"kw", "kW"}, {"v", "V"}, {"vrms", "Vrms"}, {"mv", "mV"}, {"mvrms", "mVrms"},
        {"uv", "uV"}, {"uvrms", "uVrms"}, {"vpp", "Vpp"}, {"vpk", "Vpk"}, {"mvpp", "mVpp"}, {"mvpk", "mVpk"}, {"a", "A"},
        {"ma", "mA"}, {"ua", "uA"}, {"ohm", "ohm"}, {"kohm", "kohm"}, {"db", "dB"}, {"dba", "dB"},
    }};
    for (const auto& [from, to] : spell)
        if (from == u) return to;
    return u;
}

// A number's text as a catalog writes it: "1.2", "245", never "1.200000".
std::string number_text(double v) {
    char text[64];
    if (std::abs(v) < 1e15 && v == std::floor(v)) {
        std::snprintf(text, sizeof text, "%.0f", v);
        return text;
    }
    for (int decimals = 1; decimals <= 12; ++decimals) {  // plain decimals, never "1e+03"
        std::snprintf(text, sizeof text, "%.*f", decimals, v);
        if (std::strtod(text, nullptr) == v) return text;
    }
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

struct quantity_text {
    static std::string of(const token& t) {
        if (t.unit == "nv") return number_text(t.value / 1000.0) + "uV";
        std::string digits = t.text;
        if (!digits.empty() && digits.front() == '.') digits.insert(digits.begin(), '0');
        return (t.value < 0 ? "-" : "") + digits + std::string{written_unit(t.unit)};
    }
};

bool in(std::string_view w, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), w) != set.end();
}

token mk(tk kind, std::string text) {
    token t;
    t.kind = kind;
    t.text = std::move(text);
    return t;
}

std::vector<token> tokenize(std::string_view s) {
    std::vector<token> out;
    int depth = 0;
    char pending_cmp = 0;
    bool space = false;
    const auto push = [&](token t) {
        t.depth = depth;
        t.spaced = space;
        space = false;
        out.push_back(std::move(t));
    };
    for (std::size_t k = 0; k < s.size();) {
        const char c = s[k];
        if (c == ' ') {
            space = true;
            ++k;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') {
            push(mk(tk::open, std::string(1, c)));
            depth = std::min(depth + 1, 16);
            ++k;
            continue;
        }
        if (c == ')' || c == ']' || c == '}') {
            depth = std::max(depth - 1, 0);
            push(mk(tk::close, std::string(1, c)));
            ++k;
            continue;
        }
        if (c == cell_break || c == ',' || c == ';' || c == '|' || c == '/' || c == '\\') {
            push(mk(tk::sep, std::string(1, c == cell_break ? '|' : c)));
            ++k;
            continue;
        }
        if (c == ':' || c == '=') {
            if (c == '=' && !out.empty() && out.back().kind == tk::word && (out.back().text == "<" || out.back().text == ">")) {
                ++k;
                continue;
            }
            push(mk(tk::colon, ":"));
            ++k;
            continue;
        }
        if (c == '@') {
            push(mk(tk::at, "@"));
            ++k;
            continue;
        }
        if (c == '<' || c == '>' || c == '~') {
            pending_cmp = c;
            k += (k + 1 < s.size() && s[k + 1] == '=') ? 2 : 1;
            continue;
        }
        if (c == '+' && s.substr(k, 3) == "+/-") {  // a tolerance: its number is not a figure of its own
            push(mk(tk::word, "+/-"));
            k += 3;
            while (k < s.size() && (s[k] == ' ' || digit(s[k]) || s[k] == '.')) ++k;
            while (k < s.size() && (letter(s[k]) || s[k] == '%')) ++k;
            continue;
        }
        const bool starts_number = digit(c) || (c == '.' && k + 1 < s.size() && digit(s[k + 1]));
        const bool signed_number = (c == '-' || c == '+') && k + 1 < s.size() &&
                                   (digit(s[k + 1]) || (s[k + 1] == '.' && k + 2 < s.size() && digit(s[k + 2]))) &&
                                   (k == 0 || s[k - 1] == ' ' || s[k - 1] == '(' || s[k - 1] == ':' || s[k - 1] == '/' ||
                                    s[k - 1] == ',' || s[k - 1] == cell_break);
        if (c == '+' && !signed_number) {
            push(mk(tk::plus, "+"));
            ++k;
            continue;
        }
        if (c == '-' && !signed_number) {
            push(mk(tk::dash, "-"));
            ++k;
            continue;
        }
        if (starts_number || signed_number) {
            // Digits glued to a letter before them are a name ("K13", "ES9219C", "R2R"): read as a word.
            if (starts_number && k > 0 && letter(s[k - 1]) && !out.empty() && out.back().kind == tk::word && !out.back().spaced &&
                out.back().text != "x") {
                std::size_t end = k;
                while (end < s.size() && (letter(s[end]) || digit(s[end]) || s[end] == '.')) ++end;
                out.back().text += std::string{s.substr(k, end - k)};
                k = end;
                continue;
            }
            token t = mk(tk::number, {});
            std::size_t p = k;
            bool negative = false;
            if (s[p] == '-' || s[p] == '+') {
                negative = s[p] == '-';
                t.plus_sign = s[p] == '+';
                ++p;
            }
            const std::size_t first = p;
            while (p < s.size() && digit(s[p])) ++p;
            if (p + 1 < s.size() && s[p] == '.' && digit(s[p + 1])) {
                ++p;
                while (p < s.size() && digit(s[p])) ++p;
            }
            t.text = std::string{s.substr(first, p - first)};
            t.value = detail::split_number(t.text, "a number").first * (negative ? -1.0 : 1.0);
            t.cmp = pending_cmp;
            pending_cmp = 0;
            // Its unit: letters right after it, or after one space.
            std::size_t u = p;
            if (u < s.size() && s[u] == ' ') ++u;
            std::size_t ue = u;
            while (ue < s.size() && (letter(s[ue]) || s[ue] == '%' || (s[ue] == '-' && ue + 1 < s.size() && s[ue + 1] == 'p'))) ++ue;
            const std::string word = lowered(s.substr(u, ue - u));
            std::string_view unit = unit_of(word);
            if (word == "mm" && (t.text == "3.5" || t.text == "4.4" || t.text == "6.35" || t.text == "2.5")) {
                push(mk(tk::word, t.text + "mm"));
                k = ue;
                continue;
            }
            if (!unit.empty()) {
                t.unit = std::string{unit};
                k = ue;
                // "V rms", "mV RMS", "dB SPL", "dB(A)", "dB A-weighted" stays a dB with its weighting word after it.
                std::size_t after = k;
                if (after < s.size() && s[after] == ' ') ++after;
                if (is_voltage(t.unit) && s.substr(after, 3) == "rms" && (after + 3 == s.size() || !letter(s[after + 3]))) {
                    if (t.unit == "v" || t.unit == "mv" || t.unit == "uv") t.unit += "rms";
                    k = after + 3;
                } else if (t.unit == "db" && s.substr(k, 3) == "(a)") {
                    t.unit = "dba";
                    k += 3;
                }
            } else if (ue > u && u == p) {
                // Letters glued on that are no unit: a name ("2DD", "4BA", "2xES9219C"), or "2x" (times two).
                std::string glued = t.text + word;
                while (ue < s.size() && (letter(s[ue]) || digit(s[ue]))) glued += lower_ascii(s[ue++]);
                push(mk(tk::word, glued));
                k = ue;
                continue;
            } else {
                k = p;
            }
            if (negative) t.value = -std::abs(t.value);
            push(std::move(t));
            continue;
        }
        if (letter(c) || static_cast<unsigned char>(c) >= 0x80 || c == '%' || c == '"' || c == '\'' || c == '.' || c == '*' ||
            c == '#' || c == '&' || c == '!' || c == '?' || c == '_' || c == '^' || c == '$') {
            std::size_t end = k;
            if (letter(c) || static_cast<unsigned char>(c) >= 0x80) {
                while (end < s.size() && (letter(s[end]) || digit(s[end]) || static_cast<unsigned char>(s[end]) >= 0x80 ||
                                          ((s[end] == '-' || s[end] == '.') && end + 1 < s.size() && letter(s[end + 1])))) {
                    // Digits after a letter belong to the word ("xlr4", "es9219c"), but "x2" is times two.
                    ++end;
                }
            } else {
                end = k + 1;
            }
            std::string w = lowered(s.substr(k, end - k));
            while (!w.empty() && w.back() == '.') w.pop_back();
            if (!w.empty()) push(mk(tk::word, w));
            k = end;
            continue;
        }
        ++k;  // anything else ('&', '^'): nothing
    }
    // Bounds in words: "less than 0.2 ohms", "greater than 102dB", "better than 95dB", "at least 100mW".
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (out[k].kind != tk::number || out[k].cmp != 0) continue;
        const auto word_at = [&](std::size_t back) -> std::string {
            return k >= back && out[k - back].kind == tk::word ? out[k - back].text : std::string{};
        };
        const std::string w1 = word_at(1), w2 = word_at(2);
        if ((w1 == "than" && in(w2, {"less", "lower", "smaller"})) || in(w1, {"below", "under"})) out[k].cmp = '<';
        if ((w1 == "than" && in(w2, {"greater", "better", "more", "higher", "larger"})) || in(w1, {"above", "over", "exceeds"}) ||
            (w1 == "least" && w2 == "at"))
            out[k].cmp = '>';
    }
    return out;
}

bool has_catalog_figure(const std::vector<token>& t) {
    return std::any_of(t.begin(), t.end(), [](const token& x) { return x.kind == tk::number && catalog_unit(x.unit); });
}

bool has_number(const std::vector<token>& t) {
    return std::any_of(t.begin(), t.end(), [](const token& x) { return x.kind == tk::number; });
}


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

// A label's words, joined with spaces around each for whole-word matching.
struct words {
    std::string joined = " ";
    bool has(std::string_view w) const {
        // Built by appends: GCC 12 misreads " " + std::string{w} + " " (-Wrestrict).
        std::string spaced;
        spaced.reserve(w.size() + 2);
        spaced += ' ';
        spaced.append(w);
        spaced += ' ';
        return joined.find(spaced) != std::string::npos;
    }
    bool any(std::initializer_list<std::string_view> ws) const {
        return std::any_of(ws.begin(), ws.end(), [&](std::string_view w) { return has(w); });
    }
    bool empty() const { return joined.size() <= 1; }
};

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

// Which output a part of the text names.
struct out_tag {
    std::string topology;   // "", "se", "bal"
    std::string connector;  // "", "3.5mm", "4.4mm", "6.35mm", "2.5mm", "XLR4", "2xXLR3"
    bool line = false;      // a line (or digital) output: not a headphone output

    [[nodiscard]] bool any() const { return !topology.empty() || !connector.empty() || line; }
};

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

struct item {
    std::string label, value;        // lowered, connectors named
    std::string raw_label, raw_value;  // as written (normalised), for names
};

bool has_letter(std::string_view s) { return std::any_of(s.begin(), s.end(), [](char c) { return letter(c); }); }

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

field_class class_of(const words& w) {
    if (w.empty()) return field_class::none;
    // A name: "Model", "Name", "Product name", "Model number".
    {
        std::string rest = w.joined;
        for (const std::string_view x : {" model ", " name ", " product ", " number ", " no ", " device ", " full ", " official ",
                                         " / ", " item "}) {
            rest = spaced_out(rest, x);
        }
        if (rest.find_first_not_of(' ') == std::string::npos && w.any({"model", "name"})) return field_class::name;
    }
    const auto phrase = [&](std::string_view p) { return w.joined.find(" " + std::string{p} + " ") != std::string::npos; };
    if (w.any({"line-out", "lo", "preout", "pre-out", "subwoofer"}) || phrase("line output") || phrase("line out") ||
        phrase("line level") || phrase("line outputs") || phrase("coaxial output") || phrase("optical output") ||
        phrase("digital output") || phrase("rca output") || phrase("preamp output") || phrase("pre output"))
        return field_class::line_output;
    if (w.any({"recommended", "suitable", "applicable", "compatible", "adaptive", "supported", "load", "loads", "drives"}) &&
        w.any({"impedance", "impedances", "headphone", "headphones", "range", "load", "loads"}))
        return field_class::recommended;
    if (w.has("input") && !w.has("power")) return field_class::input;
    if (w.any({"supply", "consumption", "adapter", "charging", "charge", "battery", "playback", "playtime", "standby", "usb",
               "bluetooth", "wifi", "wi-fi", "wireless", "codec", "codecs", "ldac", "aptx", "dc", "ac", "endurance", "runtime"}))
        return field_class::other;
    if (w.any({"snr", "s/n", "sn", "dnr", "dr", "signal-to-noise", "signal/noise"}) || phrase("s n") || phrase("s n ratio") ||
        w.joined.find(" signal to noise ") != std::string::npos || phrase("signal noise") ||
        w.joined.find(" dynamic range ") != std::string::npos || w.joined.find(" signal noise ") != std::string::npos)
        return field_class::snr;
    if (w.any({"noise", "hiss"}) && !w.any({"cancelling", "canceling", "cancellation", "reduction", "isolation", "anc"}))
        return field_class::noise;
    if (w.has("damping")) return field_class::damping;
    if (w.any({"zout", "z-out"}) || w.joined.find(" output impedance ") != std::string::npos ||
        w.joined.find(" output resistance ") != std::string::npos || w.joined.find(" z out ") != std::string::npos ||
        w.joined.find(" output z ") != std::string::npos || w.joined.find(" source impedance ") != std::string::npos ||
        (w.any({"impedance", "resistance"}) && w.any({"output", "out"})))
        return field_class::zout;
    if (w.any({"max", "maximum", "peak", "max."}) && w.has("spl")) return field_class::other;  // a maximum SPL is no sensitivity
    if ((w.has("pressure") && w.has("sound")) || w.any({"sensitivity", "spl", "efficiency"})) return field_class::sensitivity;
    if (w.any({"thd", "thd+n", "distortion", "imd", "crosstalk", "separation", "frequency", "response", "bandwidth", "sample",
               "sampling", "bit", "bits", "dsd", "pcm", "chip", "chips", "chipset", "dac", "decoding", "decoder", "soc", "cpu",
               "processor", "ram", "memory", "storage", "rom", "screen", "display", "resolution", "os", "system", "firmware",
               "weight", "weighs", "dimension", "dimensions", "size", "length", "cable", "plug", "wire", "color", "colour",
               "colors", "material", "materials", "housing", "shell", "price", "msrp", "warranty", "accessories", "volume",
               "steps", "jitter", "clock", "phase", "slew", "rise", "balance", "temperature", "humidity", "time", "hours",
               "diaphragm", "magnet", "coil", "mic", "microphone", "isolation", "attenuation", "deviation", "filter", "filters",
               "eq", "peq", "mqa", "app", "remote", "knob", "button", "buttons", "led", "light", "indicator", "pressure", "clamping",
               "force", "contact", "tolerance", "expansion", "dac/amp", "amp", "amplifier", "opamp", "op-amp", "topology", "class",
               "architecture", "trs", "trrs", "fit", "warm", "gaming"}) &&
        !w.any({"spl", "sensitivity", "power", "voltage", "impedance", "gain", "current", "efficiency"}))
        return field_class::other;
    if (w.has("current") && !w.any({"power"})) return field_class::imax;
    if (w.any({"vout", "swing"}) || (w.any({"voltage", "level"}) && w.any({"output", "out", "max", "maximum", "max.", "open"})) ||
        (w.has("voltage") && !w.any({"supply", "battery", "charging", "operating"})))
        return field_class::vmax;
    if (w.any({"gain", "gains", "amplification"}) && !w.any({"power", "voltage", "output"})) return field_class::gain;
    if (w.any({"handling", "capacity", "rating"}) && w.has("power")) return field_class::rated_power;
    if (w.has("input") && w.has("power")) return field_class::rated_power;
    if (w.any({"power", "drive", "driving", "watt", "watts"})) return field_class::power;
    if (w.any({"impedance", "resistance", "impedence"})) return field_class::impedance;
    if (w.any({"type", "driver", "drivers", "transducer", "transducers", "coupling", "wearing", "design", "form", "style",
               "category", "principle", "configuration", "structure", "acoustic", "acoustics", "back", "kind"}))
        return field_class::kind;
    if (w.any({"port", "ports", "outputs", "jack", "jacks", "terminal", "terminals", "connector", "connectors", "interface",
               "interfaces", "socket", "sockets"}))
        return field_class::ports;
    // Only an output's name: "3.5mm", "BAL", "PO", "4.4mm balanced".
    std::string rest = w.joined;
    for (const std::string_view x : {" 3.5mm ", " 4.4mm ", " 6.35mm ", " 2.5mm ", " xlr4 ", " xlr ", " 2xxlr3 ", " balanced ", " bal ",
                                     " se ", " single-ended ", " single ", " ended ", " unbalanced ", " po ", " pho ", " headphone ",
                                     " headphones ", " out ", " output "}) {
        for (auto at = rest.find(x); at != std::string::npos; at = rest.find(x)) rest.replace(at, x.size(), " ");
    }
    if (rest.find_first_not_of(' ') == std::string::npos) return field_class::none;
    return field_class::unknown;
}

// ---------------------------------------------------------------------------------------------------------------
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

// Segments: the parts of a value between separators outside parentheses, each with the output and setting it names
// (a name carries on to the parts after it until another is named).
struct segment {
    std::size_t from, to;  // token range
    out_tag output;
    std::string setting;
};

bool splits(const token& t) {
    return t.depth == 0 && (t.kind == tk::sep || (t.kind == tk::word && (t.text == "or" || t.text == "and" || t.text == "vs")));
}

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

// Volts RMS of a voltage token (a sine's Vpp and Vpk converted).
double volts_rms(const token& t) {
    const std::string v = quantity_text::of(t);
    return value_in(parse_voltage(v), volt);
}

double watts(const token& t) { return value_in(parse_power(quantity_text::of(t)), watt); }

std::string power_text(double w) {
    if (w >= 1.0) return number_text(std::round(w * 1e4) / 1e4) + "W";
    return number_text(std::round(w * 1e7) / 1e4) + "mW";
}

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

// ---- output power ------------------------------------------------------------------------------------------------

item_result read_power(const line_facts& f, const std::vector<segment>& segs, const std::string& weighting_unused) {
    (void)weighting_unused;
    const auto& t = f.value_tokens;
    item_result r;
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
    for (const auto& s : segs) {
        std::vector<const token*> powers, loads;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (is_power(t[k].unit)) powers.push_back(&t[k]);
            if (is_ohm(t[k].unit) && std::none_of(loads.begin(), loads.end(), [&](const token* l) { return ohms(*l) == ohms(t[k]); }))
                loads.push_back(&t[k]);
        }
        if (powers.empty()) continue;
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
                powers.resize(1);
                add_note(r.note, "per channel");
            } else if (joined) {
                return refuse("the channels' powers differ (" + quantity_text::of(*powers[0]) + " and " + quantity_text::of(*powers[1]) +
                              "): which is the output's?");
            }
        }
        if (total) return refuse("a total of both channels: the catalog takes one channel's power, which the text does not state");
        if (powers.size() == 1 && loads.empty() && line_load) loads.push_back(line_load);
        if (loads.empty())
            return refuse("a power without the load it is stated into (" + quantity_text::of(*powers.front()) +
                          " into how many ohms?): a rating means nothing without its load");
        if (powers.size() != loads.size())
            return refuse(std::to_string(powers.size()) + " powers and " + std::to_string(loads.size()) + " loads in one part: which goes with which?");
        for (std::size_t i = 0; i < powers.size(); ++i) {
            if (powers[i]->value <= 0 || ohms(*loads[i]) <= 0) return refuse("a power or load that is not positive");
            r.readings.push_back({"power", quantity_text::of(*powers[i]) + "@" + ohm_text(*loads[i]), s.output, s.setting, ohms(*loads[i])});
            if (powers[i]->cmp == '<') add_note(r.note, bound_note(*powers[i]));
        }
    }
    if (r.readings.empty()) return refuse("no power with its unit (mW, W)");
    r.status = line_status::read;
    return r;
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

item_result read_current(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    for (const auto& s : segs) {
        std::vector<const token*> amps;
        for (std::size_t k = s.from; k < s.to; ++k)
            if (t[k].kind == tk::number && is_current(t[k].unit)) amps.push_back(&t[k]);
        if (amps.empty()) continue;
        if (amps.size() > 1) return refuse("two currents in one part: which?");
        if (amps.front()->value <= 0) return refuse("a current that is not positive");
        r.readings.push_back({"imax", quantity_text::of(*amps.front()), s.output, s.setting, 0});
        add_note(r.note, bound_note(*amps.front()));
    }
    if (r.readings.empty()) return refuse("no current with its unit (mA, A)");
    r.status = line_status::read;
    return r;
}

// ---- output impedance -------------------------------------------------------------------------------------------

item_result read_zout(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    for (const auto& s : segs) {
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
        if (z.empty()) continue;
        if (z.size() > 1) return refuse("two output impedances in one part (" + ohm_text(*z[0]) + ", " + ohm_text(*z[1]) + "): a selector? which?");
        if (z.front()->value < 0) return refuse("a negative impedance");
        token zt = *z.front();
        if (zt.unit.empty()) zt.unit = "ohm";
        r.readings.push_back({"zout", quantity_text::of(zt), s.output, s.setting, 0});
        add_note(r.note, bound_note(zt));
    }
    if (r.readings.empty()) return refuse("no impedance in ohm");
    r.status = line_status::read;
    return r;
}

item_result read_damping(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    for (const auto& s : segs) {
        const token* df = nullptr;
        const token* load = f.label_loads.size() == 1 ? f.label_loads.front() : nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (t[k].unit.empty() && !df) df = &t[k];
            if (is_ohm(t[k].unit)) load = &t[k];
        }
        if (!df) continue;
        if (!load) return refuse("a damping factor without the load it is stated at: Z_out = load / damping factor needs both");
        if (!(df->value > 0) || !(ohms(*load) > 0)) return refuse("a damping factor or load that is not positive");
        const double z = ohms(*load) / df->value;
        r.readings.push_back({"zout", number_text(std::round(z * 1e4) / 1e4) + "ohm", s.output, s.setting, 0});
        add_note(r.note, "from the damping factor " + df->text + " into " + ohm_text(*load) + " (Z_out = load / damping factor)");
        if (df->cmp == '>') add_note(r.note, "a bound (>" + df->text + "): entered at the bound");
    }
    if (r.readings.empty()) return refuse("no damping factor read");
    r.status = line_status::read;
    return r;
}

// ---- noise and SNR -------------------------------------------------------------------------------------------------

std::string volts_text(double v) {
    if (v >= 1.0) return number_text(std::round(v * 1e4) / 1e4) + "V";
    if (v >= 1e-3) return number_text(std::round(v * 1e7) / 1e4) + "mV";
    return number_text(std::round(v * 1e10) / 1e4) + "uV";
}

item_result read_noise(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    for (const auto& s : segs) {
        std::vector<const token*> v;
        const token* db = nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number || t[k].depth > 0) continue;
            if (is_voltage(t[k].unit) || t[k].unit == "dbv" || t[k].unit == "dbu") v.push_back(&t[k]);
            if (is_db(t[k].unit) || t[k].unit == "dbfs") db = &t[k];
        }
        if (v.empty() && db)
            return refuse("a noise level in dB (" + quantity_text::of(*db) + ") without its reference: give it in uV, dBV or dBu");
        if (v.empty()) continue;
        if (v.size() > 1) return refuse("two noise figures in one part: which?");
        const token& n = *v.front();
        std::string value;
        if (n.unit == "dbv" || n.unit == "dbu") {
            const double volts = (n.unit == "dbu" ? 0.7746 : 1.0) * std::pow(10.0, n.value / 20.0);
            value = volts_text(volts);
            add_note(r.note, (n.value < 0 ? "-" : "") + n.text + n.unit + " read as " + value);
        } else {
            if (!(n.value > 0)) return refuse("a noise voltage that is not positive");
            value = quantity_text::of(n);
        }
        r.readings.push_back({"noise", value, s.output, s.setting, 0});
        const std::string w = weighting_of(t, s.from, s.to);
        const std::string line_weighting = weighting_of(t, 0, t.size());
        const std::string weighting = !w.empty() ? w : !line_weighting.empty() ? line_weighting : f.label_weighting;
        if (!weighting.empty()) r.readings.push_back({"noise_weighting", weighting, s.output, s.setting, 0});
        add_note(r.note, bound_note(n));
    }
    if (r.readings.empty()) return refuse("no noise voltage (uV, dBV)");
    r.status = line_status::read;
    return r;
}

item_result read_snr(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    // What the line says once for its figures: "SNR: greater than 102dB, unweighted, referenced to 1V RMS".
    const std::string line_weighting = weighting_of(t, 0, t.size());
    const token* line_reference = nullptr;
    std::size_t references = 0;
    for (const auto& tok : t)
        if (tok.kind == tk::number && is_voltage(tok.unit)) line_reference = &tok, ++references;
    if (references != 1) line_reference = nullptr;
    const bool dynamic_range = f.label_words.joined.find(" dynamic range ") != std::string::npos || f.label_words.any({"dnr", "dr"});
    bool any_db = false;
    for (const auto& tok : t) any_db = any_db || (tok.kind == tk::number && is_db(tok.unit));
    for (const auto& s : segs) {
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
        if (db.empty()) continue;
        if (db.size() > 1) return refuse("two SNR figures in one part (" + quantity_text::of(*db[0]) + ", " + quantity_text::of(*db[1]) + "): which?");
        token n = *db.front();
        if (n.unit.empty()) {
            n.unit = "db";
            add_note(r.note, "no unit: dB taken");
        }
        if (!(n.value > 0)) return refuse("an SNR that is not positive");
        r.readings.push_back({"snr", number_text(n.value) + "dB", s.output, s.setting, 0});
        r.readings.back().secondary = dynamic_range;
        if (!reference) reference = line_reference;
        if (reference) {
            if (!(reference->value > 0)) return refuse("an SNR reference that is not positive");
            r.readings.push_back({"snr_reference", quantity_text::of(*reference), s.output, s.setting, 0});
        }
        const std::string w = weighting_of(t, s.from, s.to);
        const std::string weighting = !w.empty() ? w : !line_weighting.empty() ? line_weighting : f.label_weighting;
        if (!weighting.empty()) r.readings.push_back({"noise_weighting", weighting, s.output, s.setting, 0});
        if (n.cmp == '>' || n.cmp == '<') add_note(r.note, "a bound (" + std::string(1, n.cmp) + number_text(n.value) + "dB) entered at the bound");
    }
    if (r.readings.empty()) return refuse("no figure in dB");
    if (dynamic_range) add_note(r.note, "a dynamic range, read as the SNR it bounds");
    r.status = line_status::read;
    return r;
}

// ---- gain settings -------------------------------------------------------------------------------------------------

item_result read_gain(const line_facts& f, const std::vector<segment>& segs) {
    const auto& t = f.value_tokens;
    item_result r;
    bool any_db = false;
    for (const auto& tok : t) any_db = any_db || (tok.kind == tk::number && is_db(tok.unit));
    if (!any_db) {
        for (const auto& tok : t)
            if (tok.kind == tk::number && tok.unit.empty())
                return refuse("a gain without its unit: a ratio or dB? (give it in dB)");
        return ignore("no figure: the settings' names alone");
    }
    std::set<std::string> names;
    for (const auto& s : segs) {
        const token* g = nullptr;
        for (std::size_t k = s.from; k < s.to; ++k) {
            if (t[k].kind != tk::number) continue;
            if (is_db(t[k].unit)) g = &t[k];  // "1.5 (3dB)": the dB figure, not the ratio
            else if (t[k].unit.empty() && !g && s.to - s.from <= 3) g = &t[k];  // "0 / 6 / 12 dB"
        }
        if (!g) continue;
        const std::string db = (g->plus_sign ? "+" : "") + number_text(g->value) + "dB";
        const std::string named = setting_of(t, s.from, s.to, true);
        std::string name = !named.empty() ? named : db;
        if (!names.insert(name).second) return refuse("two gains named '" + name + "': which?");
        r.readings.push_back({"gain", db, s.output, name, 0});
    }
    if (r.readings.empty()) return refuse("no gain in dB");
    r.status = line_status::read;
    return r;
}

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

item_result read_impedance(const line_facts& f, const std::vector<segment>& segs) {
    (void)segs;
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

item_result read_rated_power(const line_facts& f) {
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

// A sensitivity from the value (and a reference the label states: "Sensitivity (1 kHz, 1 mW): 97 dB"), through the
// parser every face uses; its unit is required.
item_result read_sensitivity(const line_facts& f, const item& it) {
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
    bool db = false;
    for (const auto& tok : f.value_tokens) db = db || (tok.kind == tk::number && is_db(tok.unit));
    if (db)
        return refuse("a sensitivity without its reference (dB for 1 mW or for 1 V?): dB/mW and dB/V differ by 5-15 dB; "
                      "give it as 97dB/mW or 110dB/V");
    return refuse("no sensitivity in dB with its reference (97dB/mW, 110dB/V)");
}

// Headphone type words, and the driver complement ("2DD+4BA").
struct type_evidence {
    bool iem = false, earbud = false, on_ear = false, over_ear = false, planar = false, electrostatic = false;
    std::string drivers;
};

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
struct kind_guess {
    std::optional<amplifier_kind> kind;
    std::size_t line = 0;
};

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

// ---------------------------------------------------------------------------------------------------------------
// One item under one reading of the text (a headphone's or an amplifier's figures).


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
        if (kind == gear_kind::amplifier) {
            switch (cls) {
                case field_class::power: return read_power(f, segs, {});
                case field_class::rated_power:
                    return refuse("a headphone's power rating in an amplifier's text");
                case field_class::vmax: {
                    const bool volts = std::any_of(f.value_tokens.begin(), f.value_tokens.end(),
                                                   [](const token& x) { return x.kind == tk::number && (is_voltage(x.unit) || x.unit == "dbu" || x.unit == "dbv"); });
                    const bool power = std::any_of(f.value_tokens.begin(), f.value_tokens.end(),
                                                   [](const token& x) { return x.kind == tk::number && is_power(x.unit); });
                    if (!volts && power) return read_power(f, segs, {});
                    return read_voltage(f, segs);
                }
                case field_class::imax: return read_current(f, segs);
                case field_class::zout: return read_zout(f, segs);
                case field_class::damping: return read_damping(f, segs);
                case field_class::noise: return read_noise(f, segs);
                case field_class::snr: return read_snr(f, segs);
                case field_class::gain: return read_gain(f, segs);
                case field_class::impedance: {
                    if (impedance_range(f.value_tokens) || f.label_words.any({"headphone", "headphones", "load", "loads"}))
                        return ignore("the loads it suits: not a figure of the amplifier");
                    return refuse("an impedance, but whose? for the amplifier's own, label it 'output impedance'");
                }
                case field_class::sensitivity: {
                    const bool volts = std::any_of(f.value_tokens.begin(), f.value_tokens.end(),
                                                   [](const token& x) { return x.kind == tk::number && is_voltage(x.unit); });
                    if (volts && !std::any_of(f.value_tokens.begin(), f.value_tokens.end(), [](const token& x) { return x.kind == tk::number && is_db(x.unit); }))
                        return ignore("an input sensitivity: not a figure of the output");
                    return refuse("a headphone's sensitivity in an amplifier's text");
                }
                default: break;
            }
        } else {
            switch (cls) {
                case field_class::power:
                    if (f.label_words.any({"output", "out"}) || f.label_tag.any() || !f.label_loads.empty() ||
                        std::any_of(f.value_tokens.begin(), f.value_tokens.end(), [](const token& x) { return x.kind == tk::number && is_ohm(x.unit); }))
                        return refuse("an amplifier's output power in a headphone's text");
                    return read_rated_power(f);
                case field_class::rated_power: return read_rated_power(f);
                case field_class::impedance: return read_impedance(f, segs);
                case field_class::sensitivity: return read_sensitivity(f, it);
                case field_class::vmax:
                case field_class::imax:
                case field_class::zout:
                case field_class::damping:
                case field_class::noise:
                case field_class::snr:
                case field_class::gain: return refuse("an amplifier's figure in a headphone's text");
                default: break;
            }
        }
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
        const bool figure_label = cls == field_class::power || cls == field_class::rated_power || cls == field_class::vmax ||
                                  cls == field_class::imax || cls == field_class::zout || cls == field_class::damping ||
                                  cls == field_class::noise || cls == field_class::snr || cls == field_class::gain ||
                                  cls == field_class::impedance || cls == field_class::sensitivity;
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
        switch (cls) {
            case field_class::power: case field_class::rated_power: case field_class::vmax: case field_class::imax:
            case field_class::zout: case field_class::damping: case field_class::noise: case field_class::snr:
            case field_class::gain: case field_class::impedance: case field_class::sensitivity:
                ctx.pending = cls;
                ctx.pending_tag = tag;
                ctx.pending_setting = setting;
                ctx.pending_label_tokens = f.label_tokens;
                return ignore("a label: the lines below are read as its values");
            default: break;
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
        const bool power = std::any_of(t.begin(), t.end(), [](const token& x) { return x.kind == tk::number && is_power(x.unit); });
        const bool load = std::any_of(t.begin(), t.end(), [](const token& x) { return x.kind == tk::number && is_ohm(x.unit); }) ||
                          !f.label_loads.empty();
        const std::string shown = it.raw_label.empty() ? std::string{} : "'" + it.raw_label + "' ";
        if (!has_catalog_figure(t)) {
            if (!unknown_label && !has_letter(it.value)) return refuse("a number without a label or a unit: which figure is it?");
            return ignore(has_number(t) ? "no figure the catalog holds" + (units_listed(t).empty() ? std::string{} : " (" + units_listed(t) + ")")
                                        : "no figure");
        }
        if (power && load) {
            if (kind == gear_kind::headphone) return refuse("an amplifier's output power in a headphone's text");
            item_result r = read_power(f, segs, {});
            if (r.status == line_status::read && unknown_label) add_note(r.note, "read as output power by its units");
            return r;
        }
        if (kind == gear_kind::headphone && !unknown_label) {
            // "97dB/mW", "300 ohms": a headphone's sensitivity and impedance say what they are.
            item_result s = read_sensitivity(f, it);
            if (s.status == line_status::read) {
                add_note(s.note, "no label: read as the sensitivity by its unit");
                return s;
            }
            const bool only_ohm = std::all_of(t.begin(), t.end(), [](const token& x) { return x.kind != tk::number || is_ohm(x.unit) || !catalog_unit(x.unit); });
            if (only_ohm) {
                item_result z = read_impedance(f, segs);
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

struct line_reading {
    std::size_t line;  // index into the import's lines
    item_result result;
};

struct interpretation {
    std::vector<item_result> lines;  // one per non-blank line, the items' results merged
    std::size_t figures_read = 0;    // lines read into figure fields (not names or types)
};

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

// ---------------------------------------------------------------------------------------------------------------
// The entry.

struct output_key {
    std::string topology, connector;
    bool operator<(const output_key& o) const { return std::tie(topology, connector) < std::tie(o.topology, o.connector); }
    bool operator==(const output_key& o) const { return topology == o.topology && connector == o.connector; }
};

std::string output_name(const output_key& k) {
    if (k.topology == "bal") return k.connector.empty() ? "balanced" : k.connector + " balanced";
    return k.connector.empty() ? "single-ended" : k.connector;
}

// Where each reading ended up, so that the report names the output and a dropped reading refuses its line.
struct placed {
    std::size_t line, index;  // the line and the reading in it
};

struct builder {
    std::vector<item_result>& lines;
    std::vector<std::string>& notes;

    // A reading that contradicts one before it: refused (the line is refused if nothing else of it was read).
    void drop(const placed& p, const std::string& why) {
        item_result& r = lines[p.line];
        r.readings[p.index].field.clear();  // marked: removed below
        add_note(r.note, why);
    }
    // A reading that is right but not in the entry (an SNR where the noise is stated, gains without a source level).
    void unused(const placed& p, const std::string& why) {
        if (p.line >= lines.size()) return;
        item_result& r = lines[p.line];
        r.readings[p.index].used = false;
        add_note(r.note, why);
    }
    [[nodiscard]] const reading& at(const placed& p) const { return lines[p.line].readings[p.index]; }
};

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

spec_import read_spec_sheet(std::string_view text, const std::string& file, const spec_sheet_options& options) {
    check_text(text, file);
    spec_import out;
    std::vector<std::vector<item>> items;
    // Lines, numbered as given; blank ones are not reported.
    std::size_t number = 0;
    std::vector<bool> too_long;
    for (const std::string_view raw : split_lines(text)) {
        ++number;
        if (blank(raw)) continue;
        spec_line l;
        l.number = number;
        l.text = std::string{raw};
        out.lines.push_back(std::move(l));
        const bool long_line = raw.size() > max_spec_line_bytes || number_count(raw) > max_spec_line_numbers;
        too_long.push_back(long_line);
        items.push_back(long_line ? std::vector<item>{} : split_items(normalise(raw)));
    }

    // Both readings; the one asked for, else the one that reads more figures.
    interpretation as_headphone = interpret(items, gear_kind::headphone);
    interpretation as_amplifier = interpret(items, gear_kind::amplifier);
    gear_kind kind = gear_kind::amplifier;
    if (options.kind) {
        kind = *options.kind;
    } else if (as_headphone.figures_read > as_amplifier.figures_read) {
        kind = gear_kind::headphone;
    } else if (as_amplifier.figures_read > as_headphone.figures_read) {
        kind = gear_kind::amplifier;
    } else {
        out.problem = as_amplifier.figures_read == 0
                          ? "no figure was read: nothing to make an entry from"
                          : "the text reads as well as a headphone's as an amplifier's: give --kind headphone or --kind amplifier";
    }
    interpretation& chosen = kind == gear_kind::headphone ? as_headphone : as_amplifier;
    std::vector<item_result>& results = chosen.lines;
    for (std::size_t k = 0; k < results.size(); ++k)
        if (too_long[k])
            results[k] = refuse(out.lines[k].text.size() > max_spec_line_bytes
                                    ? "a line of " + std::to_string(out.lines[k].text.size()) + " bytes: not a spec line (prose is not read)"
                                    : "holds more than " + std::to_string(max_spec_line_numbers) + " numbers: not a spec line");
    if (out.problem.empty()) out.kind = kind;

    std::vector<std::string> notes;
    builder b{results, notes};
    // The name: given, else the first "Model:" / "Name:" line.
    std::string name = options.name;
    for (std::size_t l = 0; l < results.size(); ++l)
        for (std::size_t i = 0; i < results[l].readings.size(); ++i) {
            reading& r = results[l].readings[i];
            if (r.field != "name") continue;
            if (name.empty()) name = r.value;
            else if (options.name.empty() && r.value != name) b.drop({l, i}, "a second name (the first is kept)");
        }
    out.name = name;

    json entry = json::object();
    std::vector<std::string> problems;
    if (out.problem.empty() && name.empty()) problems.push_back("no name: give --name, or a 'Model:' or 'Name:' line");
    if (out.problem.empty() && kind == gear_kind::headphone) {
        std::string impedance, sensitivity, frequency, rated, drivers;
        type_evidence e;
        for (std::size_t l = 0; l < results.size(); ++l)
            for (std::size_t i = 0; i < results[l].readings.size(); ++i) {
                const reading& r = results[l].readings[i];
                std::string* slot = r.field == "impedance" ? &impedance : r.field == "sensitivity" ? &sensitivity
                                  : r.field == "sensitivity_frequency" ? &frequency : r.field == "rated_power" ? &rated
                                  : r.field == "drivers" ? &drivers : nullptr;
                if (slot == nullptr) continue;
                if (slot->empty()) *slot = r.value;
                else if (*slot != r.value) b.drop({l, i}, r.field + " " + r.value + " differs from " + *slot + " read before: the first is kept");
            }
        // The type: given, else from the words of the whole text.
        std::optional<headphone_type> type = options.type;
        std::string why;
        if (!type) {
            for (const auto& line_items : items)
                for (const auto& it : line_items) {
                    gather_type(tokenize(it.label), e);
                    gather_type(tokenize(it.value), e);
                }
            type = type_from(e, why);
        }
        if (!type) problems.push_back(why + ": give --kind (" + std::string{"over-ear dynamic, over-ear planar, over-ear electrostatic, on-ear, iem, earbud"} + ")");
        if (impedance.empty()) problems.push_back("no impedance was read (e.g. 'Impedance: 300 Ω')");
        if (sensitivity.empty()) problems.push_back("no sensitivity with its unit was read (e.g. 'Sensitivity: 97 dB SPL/mW')");
        entry["name"] = name;
        if (type) entry["type"] = std::string{to_string(*type)};
        entry["impedance"] = impedance;
        entry["sensitivity"] = sensitivity;
        if (!frequency.empty() && frequency != "1000Hz") entry["sensitivity_frequency"] = frequency;
        if (!rated.empty()) entry["rated_power"] = rated;
        if (!drivers.empty()) entry["drivers"] = drivers;
        else if (!e.drivers.empty()) entry["drivers"] = e.drivers;
    } else if (out.problem.empty()) {
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
            for (const auto& l : out.lines) lowered_lines.push_back(lowered(normalise(l.text)));
            if (const kind_guess g = guess_kind(lowered_lines); g.kind) {
                akind = g.kind;
                add_note(results[g.line].note, "tells the kind: " + std::string{to_string(*g.kind)});
                notes.push_back("kind " + std::string{to_string(*g.kind)} + " from line " + std::to_string(out.lines[g.line].number));
            }
        }
        if (!akind) problems.push_back("the text does not say what kind of amplifier it is: give --kind (desktop, portable, dongle, dap, phone, laptop)");
        entry["name"] = name;
        if (akind) entry["kind"] = std::string{to_string(*akind)};
        entry["basis"] = "own";
        if (!options.source.empty()) entry["source"] = options.source;
        entry["outputs"] = outs;
    }
    if (out.problem.empty() && kind == gear_kind::headphone) {
        entry["basis"] = "own";
        if (!options.source.empty()) entry["source"] = options.source;
    }
    std::string note = "imported from a spec text by headroom catalog import";
    for (const auto& n : notes) note += "; " + n;
    if (out.problem.empty()) entry["note"] = note;

    // The report: each line's readings with the output they went to; readings dropped on the way refuse their line
    // when nothing else of it was read.
    for (std::size_t l = 0; l < results.size(); ++l) {
        item_result& r = results[l];
        spec_line& line = out.lines[l];
        std::vector<reading> kept;
        for (auto& x : r.readings)
            if (!x.field.empty()) kept.push_back(x);
        if (r.status == line_status::read && kept.empty()) r.status = line_status::refused;
        line.status = r.status;
        line.note = r.note;
        for (const auto& x : kept) {
            spec_field f{x.field, x.value, {}, x.setting, x.used};
            if (kind == gear_kind::amplifier && x.output.any()) f.output = output_name({x.output.topology, x.output.connector});
            line.fields.push_back(std::move(f));
        }
    }
    if (!out.problem.empty()) return out;
    if (!problems.empty()) {
        out.problem = problems.front();
        return out;
    }
    // The loader has the last word: the entry must read back as any hand-written one does.
    json catalog = json::object();
    catalog["format"] = "headroom-catalog-1";
    catalog[kind == gear_kind::headphone ? "headphones" : "amplifiers"] = json::array({entry});
    const std::string text_json = catalog.dump(2, ' ', false, json::error_handler_t::replace);
    try {
        (void)parse_catalog_file(text_json, "the imported entry");
    } catch (const io_error& e) {
        out.problem = e.what();
        return out;
    }
    out.entry_json = entry.dump(2, ' ', false, json::error_handler_t::replace);
    return out;
}

std::string catalog_with_entry(std::string_view catalog_json, const std::string& file, std::string_view entry_json, gear_kind kind) {
    json root;
    const std::string list = kind == gear_kind::headphone ? "headphones" : "amplifiers";
    if (detail::trim(catalog_json).empty()) {
        root = json::object();
        root["format"] = "headroom-catalog-1";
    } else {
        (void)parse_catalog_file(catalog_json, file);  // the file as it is must be a catalog: its own errors first
        try {
            root = json::parse(catalog_json.begin(), catalog_json.end());
        } catch (const json::exception& e) {
            throw io_error{file, "", "", std::string{"invalid JSON: "} + e.what()};
        }
    }
    json entry;
    try {
        entry = json::parse(entry_json.begin(), entry_json.end());
    } catch (const json::exception& e) {
        throw io_error{"the imported entry", "", "", std::string{"invalid JSON: "} + e.what()};
    }
    if (!root.contains(list)) root[list] = json::array();
    root[list].push_back(entry);
    std::string text = root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    (void)parse_catalog_file(text, file);  // a name already in the file is refused here, naming both
    return text;
}

}  // namespace headroom
