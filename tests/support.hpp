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
