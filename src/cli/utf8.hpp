#pragma once

// Strict UTF-8 decoding for the two places that must show untrusted text safely (terminal_text.hpp, gnuplot.hpp).
// File names and catalog strings are bytes: they need not be UTF-8, and a terminal, an SVG file or a JSON
// document must not receive the bytes that are not.

#include <cstddef>
#include <string_view>

namespace headroom::cli {

struct utf8_char {
    char32_t code_point;
    std::size_t length;  // bytes; 0 when `text` does not start with a valid UTF-8 character
};

// The character at the start of `text` (not empty). Overlong forms, surrogates (U+D800-U+DFFF), code points
// above U+10FFFF and truncated sequences are invalid.
[[nodiscard]] constexpr utf8_char decode_utf8(std::string_view text) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return {lead, 1};
    std::size_t length = 0;
    char32_t c = 0;
    char32_t least = 0;  // the smallest code point that needs this many bytes (shorter forms are overlong)
    if ((lead & 0xe0) == 0xc0) {
        length = 2, c = lead & 0x1fU, least = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3, c = lead & 0x0fU, least = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4, c = lead & 0x07U, least = 0x10000;
    } else {
        return {0, 0};
    }
    if (text.size() < length) return {0, 0};
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0) != 0x80) return {0, 0};
        c = (c << 6) | (byte(i) & 0x3fU);
    }
    if (c < least || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return {0, 0};
    return {c, length};
}

// Whether every byte of `text` belongs to a valid UTF-8 character.
[[nodiscard]] constexpr bool is_utf8(std::string_view text) noexcept {
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t n = decode_utf8(text.substr(at)).length;
        if (n == 0) return false;
        at += n;
    }
    return true;
}

}  // namespace headroom::cli
