#pragma once

// Line and field splitting shared by the text readers (private to headroom::io).

#include "headroom/io.hpp"
#include "headroom/parse.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace headroom::io_detail {

[[nodiscard]] inline std::string_view trim_line(std::string_view s) noexcept {
    s = detail::trim(s);
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

[[nodiscard]] inline std::vector<std::string_view> split_fields(std::string_view line, char separator) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const auto end = line.find(separator, start);
        fields.push_back(detail::trim(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
        if (end == std::string_view::npos) return fields;
        start = end + 1;
    }
}

// Calls f(line_number, line) for each line of text (1-based; "\n", "\r\n" or a lone "\r" ending, as old Mac
// editors and some exporters write), after a UTF-8 byte-order mark, which editors write and which is not content.
template <class F>
void for_each_line(std::string_view text, F f) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    int number = 0;
    while (!text.empty()) {
        const auto end = text.find_first_of("\r\n");
        f(++number, trim_line(text.substr(0, end)));
        if (end == std::string_view::npos) break;
        const bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
        text.remove_prefix(end + (crlf ? 2 : 1));
    }
}

// A plain number in a file field; the error names file:line and the column.
[[nodiscard]] inline double number_field(std::string_view text, const std::string& where, std::string_view field) {
    try {
        const auto [value, rest] = detail::split_number(text, "a number");
        if (rest.empty()) return value;
    } catch (const parse_error&) {
    }
    throw io_error{where, "", "", std::string{field} + " " + detail::quoted(text) + " is not a number"};
}

}  // namespace headroom::io_detail
