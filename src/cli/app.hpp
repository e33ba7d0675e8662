#pragma once

// The headroom command as a function, so that tests can run it in-process. `run` never throws and never lets a
// half-made result reach `out`: on bad input it writes one line to `err` and returns exit_usage.

#include <iosfwd>
#include <string>
#include <vector>

namespace headroom::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_usage = 2;  // bad flags, values or files

// args excludes the program name: {"pair", "--impedance", "300", ...}.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace headroom::cli
