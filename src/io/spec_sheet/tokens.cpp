// Tokens of a label or a value: numbers with their units (and the bound or sign written before them), words,
// separators, parentheses.

#include "parts.hpp"

#include "headroom/parse.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::spec_detail {
namespace {

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

token mk(tk kind, std::string text) {
    token t;
    t.kind = kind;
    t.text = std::move(text);
    return t;
}

}  // namespace

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

std::string quantity_text::of(const token& t) {
    if (t.unit == "nv") return number_text(t.value / 1000.0) + "uV";
    std::string digits = t.text;
    if (!digits.empty() && digits.front() == '.') digits.insert(digits.begin(), '0');
    return (t.value < 0 ? "-" : "") + digits + std::string{written_unit(t.unit)};
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

bool has_unit(const std::vector<token>& t, bool (*unit)(std::string_view)) {
    return std::any_of(t.begin(), t.end(), [&](const token& x) { return x.kind == tk::number && unit(x.unit); });
}

}  // namespace headroom::spec_detail
