#pragma once

// The headroom command as a function, so that tests can run it in-process. `run` never throws and never lets a
// half-made result reach `out`: on bad input it writes one line to `err` and returns exit_usage; when output is
// lost (a file or standard output that cannot be written) it writes one line and returns exit_io.

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace headroom::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_io = 1;     // output lost: a write, a flush or a close failed
inline constexpr int exit_usage = 2;  // bad flags, values or files, or a destination that is not a regular file

struct run_options {
    bool progress = false;  // long sweeps show progress on `err` (main: when stderr is a terminal)
    std::chrono::milliseconds progress_delay{2000};  // how long work runs before its progress shows
    std::istream* input = nullptr;  // standard input, for `catalog import -` (main: std::cin); null: there is none
};

// args excludes the program name: {"pair", "--impedance", "300", ...}. `out` is flushed and checked before run
// returns: a failed write is reported on `err` and gives exit_io.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, run_options options = {});

}  // namespace headroom::cli
