#include "app.hpp"

#include "commands.hpp"
#include "complete.hpp"
#include "standard_output.hpp"
#include "terminal_text.hpp"
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
        // `name` may already hold the subcommands between the one helped and the one whose help was asked for;
        // the commands above the helped one ("headroom catalog" above "import") go in front unless it does.
        std::string full = app->get_name();
        for (const CLI::App* a = app->get_parent(); a != nullptr; a = a->get_parent()) full = a->get_name() + ' ' + full;
        if (full.size() > name.size() && full.ends_with(' ' + name)) name = full;
        return CLI::Formatter::make_usage(app, std::move(name));
    }
};

// Writes `text` to standard output and makes sure it got there: exit_ok, or one line on `err` and exit_io.
int deliver(std::ostream& out, std::ostream& err, const std::string& text) {
    out << text;
    out.flush();
    if (out) return exit_ok;
    err << "headroom: cannot write standard output: " << write_failure(out) << '\n';
    return exit_io;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, run_options options) {
    CLI::App app{"headroom: can this amplifier drive these headphones, how loud, with how much headroom, and what "
                 "limits it?",
                 "headroom"};
    app.formatter(std::make_shared<full_usage>());  // before the subcommands, which copy it
    app.set_version_flag("--version", "headroom " HEADROOM_VERSION_STRING);
    app.footer(
        "Files (--out) are written to a temporary file and renamed into place once whole; only a regular file is\n"
        "replaced; - is standard output. Exit status: 0 done, 1 output lost (a write or gnuplot failed), 2 bad input\n"
        "(one line on stderr naming the flag or file); a signal (Ctrl-C) removes temporary files.");
    app.require_subcommand(1);
    app.fallthrough(false);

    const std::vector<subcommand> commands{add_pair(app), add_need(app), add_plot(app), add_fit(app), add_catalog(app), add_sweep(app)};

    // The shell's completion asks here (completions/headroom); not a command people type, so not in --help.
    if (!args.empty() && args.front() == "__complete") {
        std::ostringstream candidates;
        complete(app, std::vector<std::string>(args.begin() + 1, args.end()), candidates);
        return deliver(out, err, candidates.str());
    }

    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        const CLI::App* target = &app;
        for (const auto& c : commands)
            if (c.app->parsed()) target = c.app;
        // A nested command (catalog import) shows its own help; plot's subcommands share plot's.
        if (target->get_name() == "catalog")
            for (const CLI::App* sub : target->get_subcommands()) target = sub;
        std::string help = target->help();
        if (!help.empty() && help.back() != '\n') help += '\n';
        return deliver(out, err, help);
    } catch (const CLI::CallForVersion&) {
        return deliver(out, err, "headroom " HEADROOM_VERSION_STRING "\n");
    } catch (const CLI::ParseError& e) {
        err << "headroom: " << one_line(e.what()) << " (see headroom --help)\n";
        return exit_usage;
    }

    for (const auto& c : commands) {
        if (!c.app->parsed()) continue;
        command_output buffer{out, options.progress ? &err : nullptr, options.progress_delay, &err, options.input};
        try {
            c.run(buffer);
        } catch (const std::exception& e) {
            // Messages quote flags, file names and catalog names: whatever they hold, the line stays one line and
            // no escape sequence reaches the terminal.
            err << "headroom " << c.app->get_name() << ": " << terminal_text(e.what()) << '\n';
            return dynamic_cast<const output_error*>(&e) != nullptr ? exit_io : exit_usage;
        }
        return deliver(out, err, buffer.report());
    }
    return exit_usage;  // unreachable: require_subcommand(1)
}

}  // namespace headroom::cli
