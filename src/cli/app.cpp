#include "cli/app.hpp"

#include "cli/commands.hpp"
#include "cli/terminal_text.hpp"
#include "headroom/version.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <exception>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace headroom::cli {

namespace {

// CLI11 messages can span lines; the contract is one line on stderr. Its own line breaks become spaces; what is
// left (an argument quoted back) is shown by terminal_text like every other error line.
std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return terminal_text(s);
}

// CLI11 2.1 names only the subcommand in a subcommand's usage line ("Usage: pair [OPTIONS]"); the line should
// be what a user types.
class full_usage : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App* app, std::string name) const override {
        // `name` already holds the subcommands between the one helped and the one whose help was asked for.
        const CLI::App* root = app;
        while (root->get_parent() != nullptr) root = root->get_parent();
        if (root != app && name.rfind(root->get_name() + ' ', 0) != 0) name = root->get_name() + ' ' + name;
        return CLI::Formatter::make_usage(app, std::move(name));
    }
};

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CLI::App app{"headroom: can this amplifier drive these headphones, how loud, with how much headroom, and what "
                 "limits it?",
                 "headroom"};
    app.formatter(std::make_shared<full_usage>());  // before the subcommands, which copy it
    app.set_version_flag("--version", "headroom " HEADROOM_VERSION_STRING);
    app.require_subcommand(1);
    app.fallthrough(false);

    const std::vector<subcommand> commands{add_pair(app), add_plot(app), add_fit(app), add_catalog(app), add_sweep(app)};

    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        const CLI::App* target = &app;
        for (const auto& c : commands)
            if (c.app->parsed()) target = c.app;
        std::string help = target->help();
        if (!help.empty() && help.back() != '\n') help += '\n';
        out << help;
        return exit_ok;
    } catch (const CLI::CallForVersion&) {
        out << "headroom " HEADROOM_VERSION_STRING "\n";
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        err << "headroom: " << one_line(e.what()) << " (see headroom --help)\n";
        return exit_usage;
    }

    for (const auto& c : commands) {
        if (!c.app->parsed()) continue;
        std::ostringstream buffer;
        try {
            c.run(buffer);
        } catch (const std::exception& e) {
            // Messages quote flags, file names and catalog names: whatever they hold, the line stays one line and
            // no escape sequence reaches the terminal.
            err << "headroom " << c.app->get_name() << ": " << terminal_text(e.what()) << '\n';
            return exit_usage;
        }
        out << std::move(buffer).str();
        return exit_ok;
    }
    return exit_usage;  // unreachable: require_subcommand(1)
}

}  // namespace headroom::cli
