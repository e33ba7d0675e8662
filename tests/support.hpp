#pragma once

// Helpers shared by the test files: running the headroom command in-process, private temporary paths, the
// source tree, and the message of an expected exception.

#include "cli/app.hpp"

#include <unistd.h>

#include <exception>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace headroom::test {

struct result {
    int code;
    std::string out, err;
};

// Runs `headroom <args>` in-process, capturing stdout and stderr.
inline result run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int code = headroom::cli::run(args, out, err);
    return {code, out.str(), err.str()};
}

// A path in the temporary folder that no other process uses: ctest -j runs test cases as separate processes at
// once, and several build trees may run the suite at the same time.
inline std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("headroom_test_" + std::to_string(::getpid()) + "_" + name);
}

// The project's source tree (this file is in tests/).
inline const std::filesystem::path source_dir = std::filesystem::path{__FILE__}.parent_path().parent_path();

// Whether `text` can go to a terminal as it is: valid UTF-8, no control character but the line feeds that end
// lines, no C1 control (U+0080-U+009F), no bidirectional override or isolate, no line or paragraph separator.
inline bool terminal_safe(const std::string& text) {
    for (std::size_t at = 0; at < text.size();) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
            ++at;
            continue;
        }
        const std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        if (n == 0 || at + n > text.size()) return false;
        char32_t cp = c & (n == 2 ? 0x1fU : n == 3 ? 0x0fU : 0x07U);
        for (std::size_t i = 1; i < n; ++i) {
            const auto b = static_cast<unsigned char>(text[at + i]);
            if ((b & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3fU);
        }
        const char32_t least = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
            return false;
        at += n;
    }
    return true;
}

// The message of the Error that `f` throws, or "no error".
template <class Error, class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace headroom::test
