#pragma once

// How subcommands plug into the headroom command. Each one registers its flags on the parent app and returns
// the action to run once parsing has succeeded; the action writes into a buffer that reaches stdout only if it
// completes, so a failure never leaves partial output behind.

#include "headroom/parse.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace headroom::cli {

using action = std::function<void(std::ostream& out)>;

struct subcommand {
    CLI::App* app;
    action run;
};

// Bad input that names its source (a flag, or file:line). The command prints it as one line and exits 2.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses a flag's text with `parse`, prefixing any error with the flag's name.
template <class Parse>
auto flag_value(std::string_view flag, const std::string& text, Parse parse) {
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {
        throw usage_error{std::string{flag} + ": " + e.what()};
    }
}

// --zout: an output impedance, zero or more (several subcommands take it).
inline impedance output_impedance_flag(const std::string& text) {
    const impedance z = flag_value("--zout", text, parse_impedance);
    if (value_in(z, ohm) < 0.0) throw usage_error{"--zout: '" + text + "' must not be negative"};
    return z;
}

subcommand add_pair(CLI::App& parent);
subcommand add_fit(CLI::App& parent);
subcommand add_catalog(CLI::App& parent);
subcommand add_plot(CLI::App& parent);
subcommand add_sweep(CLI::App& parent);

}  // namespace headroom::cli
