#pragma once

// How subcommands plug into the headroom command. Each one registers its flags on the parent app and returns
// the action to run once parsing has succeeded; the action writes into a buffer that reaches stdout only if it
// completes, so a failure never leaves partial output behind.

#include "headroom/analysis.hpp"
#include "headroom/error.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/parse.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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

// The flag that states a model field (spec_error::field()), so that a value the model refuses is reported against
// the flag it came from; "" when no flag states it.
[[nodiscard]] std::string_view flag_for_field(std::string_view field) noexcept;

// Runs `make` (a model constructor), turning a spec_error into a usage_error naming the flag.
template <class Make>
auto model_from_flags(Make make) {
    try {
        return make();
    } catch (const spec_error& e) {
        const std::string_view flag = flag_for_field(e.field());
        throw usage_error{(flag.empty() ? std::string{} : std::string{flag} + ": ") + e.what()};
    }
}

// --target and --crest (crest empty: a sine).
[[nodiscard]] programme programme_flags(const std::string& target, const std::string& crest);

// --power texts ("1.2W@32ohm"): a rating table.
[[nodiscard]] rating_table power_flags(const std::vector<std::string>& power);

// --zout: an output impedance, zero or more (several subcommands take it).
inline impedance output_impedance_flag(const std::string& text) {
    const impedance z = flag_value("--zout", text, parse_impedance);
    if (value_in(z, ohm) < 0.0) throw usage_error{"--zout: '" + text + "' must not be negative"};
    return z;
}

subcommand add_pair(CLI::App& parent);
subcommand add_need(CLI::App& parent);
subcommand add_fit(CLI::App& parent);
subcommand add_catalog(CLI::App& parent);
subcommand add_plot(CLI::App& parent);
subcommand add_sweep(CLI::App& parent);

}  // namespace headroom::cli
