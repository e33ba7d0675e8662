#include "terminal_text.hpp"

#include "utf8.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace headroom::cli {

namespace {

// Code points a terminal acts on or that reorder what is shown: C1 controls, bidirectional formatting, and the
// Unicode line and paragraph separators.
bool acts_on_terminal(char32_t c) {
    return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 ||
           c == 0x2029;
}

}  // namespace

std::string terminal_text(std::string_view text) {
    std::string shown;
    shown.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) {
            if (c == '\n')
                shown += "\\n";
            else if (c == '\r')
                shown += "\\r";
            else if (c == '\t')
                shown += "\\t";
            else if (c < 0x20 || c == 0x7f)
                shown += fmt::format("\\x{:02x}", c);
            else
                shown += static_cast<char>(c);
            ++at;
            continue;
        }
        const utf8_char u = decode_utf8(text.substr(at));
        if (u.length == 0) {  // not valid UTF-8: this byte alone
            shown += fmt::format("\\x{:02x}", c);
            ++at;
            continue;
        }
        if (acts_on_terminal(u.code_point))
            shown += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(u.code_point));
        else
            shown += text.substr(at, u.length);
        at += u.length;
    }
    return shown;
}

}  // namespace headroom::cli
