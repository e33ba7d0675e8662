#pragma once

// How subcommands plug into the headroom command. Each one registers its flags on the parent app and returns
// the action to run once parsing has succeeded; the action writes into a buffer that reaches stdout only if it
// completes, so a failure never leaves partial output behind.

#include "headroom/analysis.hpp"
#include "headroom/error.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/parse.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::cli {

// What a command writes to. As a stream it is the report: a buffer that reaches standard output only once the
// command has completed. Output too large to hold (sweep --out -) goes to standard_output() as it is made; a
// command that shows progress writes it to progress(), which is stderr when that is a terminal, else null, once
// the work has taken progress_delay().
class command_output : public std::ostream {
public:
    command_output(std::ostream& standard_output, std::ostream* progress,
                   std::chrono::milliseconds progress_delay = std::chrono::seconds{2}, std::ostream* standard_error = nullptr,
                   std::istream* standard_input = nullptr)
        : std::ostream{nullptr},
          standard_output_{&standard_output},
          progress_{progress},
          progress_delay_{progress_delay},
          standard_error_{standard_error},
          standard_input_{standard_input} {
        rdbuf(&report_);
    }
    command_output(const command_output&) = delete;
    command_output& operator=(const command_output&) = delete;

    [[nodiscard]] std::ostream& standard_output() const noexcept { return *standard_output_; }
    [[nodiscard]] std::ostream* progress() const noexcept { return progress_; }
    [[nodiscard]] std::chrono::milliseconds progress_delay() const noexcept { return progress_delay_; }
    [[nodiscard]] std::string report() const { return report_.str(); }
    // Where a command writes what accompanies its result rather than being it (catalog import's line-by-line
    // account beside the entry on standard output); null where there is none.
    [[nodiscard]] std::ostream* standard_error() const noexcept { return standard_error_; }
    // The text a command reads when given "-" instead of a file; null where there is none (in-process runs).
    [[nodiscard]] std::istream* standard_input() const noexcept { return standard_input_; }

private:
    std::stringbuf report_;
    std::ostream* standard_output_;
    std::ostream* progress_;
    std::chrono::milliseconds progress_delay_;
    std::ostream* standard_error_;
    std::istream* standard_input_;
};

// A command's action; most take it as a plain std::ostream& (the report).
using action = std::function<void(command_output& out)>;

struct subcommand {
    CLI::App* app;
    action run;
};

// Bad input that names its source (a flag, or file:line). The command prints it as one line and exits 2.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Output lost to a failing system call (a full disk, a closed stdout): one line, exit 1.
class output_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A flag whose empty value would silently mean "not given" (--out "", --threads ""): refuse it where it is given.
inline const CLI::Validator non_empty{
    [](std::string& s) { return s.empty() ? std::string{"needs a value, not an empty string"} : std::string{}; }, "",
    "non-empty"};

// Parses a flag's text with `parse`, prefixing any error with the flag's name.
template <class Parse>
auto flag_value(std::string_view flag, const std::string& text, Parse parse) {
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {
        throw usage_error{std::string{flag} + ": " + e.what()};
    }
}

// The same for a look-up that returns a reference (a catalog entry, one of its outputs): `get` is called with no
// argument, and its reference passed on.
template <class Get>
decltype(auto) flag_lookup(std::string_view flag, Get get) {
    try {
        return get();
    } catch (const std::invalid_argument& e) {
        throw usage_error{std::string{flag} + ": " + e.what()};
    }
}

// --target and --crest (crest empty: a sine), through the fields table.
[[nodiscard]] programme programme_flags(const std::string& target, const std::string& crest);

subcommand add_pair(CLI::App& parent);
subcommand add_need(CLI::App& parent);
subcommand add_fit(CLI::App& parent);
subcommand add_catalog(CLI::App& parent);
subcommand add_plot(CLI::App& parent);
subcommand add_sweep(CLI::App& parent);

}  // namespace headroom::cli
