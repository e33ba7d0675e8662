// The spec text as a whole (checked before anything else is read, cut into lines) and each line normalised: the
// spellings makers and shops use become one (full-width forms, odd spaces, Ω, µ, ≥, bullets, decimal commas).

#include "parts.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::spec_detail {
namespace {

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

}  // namespace

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
// One line, normalised: the spellings makers and shops use become one. Tabs become cell_break (a table's cell break).

namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace headroom::spec_detail
