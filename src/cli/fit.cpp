// headroom fit: the output stage (V_oc, I_max, P_max) that reproduces a spec sheet's power-vs-load table, with
// how far each stated point is from it. The same fit runs behind `pair --power` and catalog power tables.

#include "catalog_select.hpp"
#include "commands.hpp"
#include "headroom/fields.hpp"
#include "json_text.hpp"
#include "headroom/fit.hpp"
#include "headroom/parse.hpp"
#include "headroom/frontend/json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace headroom::cli {

namespace {

struct fit_flags {
    std::vector<std::string> power;
    std::string zout;
    bool json = false;
};

void print_report(std::ostream& os, const stage_fit& f) {
    os << fmt::format("The table behaves like: {} limited, Z_out {:.4g} ohm\n", to_string(f.model),
                      value_in(f.stage.output_impedance(), ohm));
    if (const auto v = f.open_circuit_voltage)
        os << fmt::format("  {:<8}{:.4g} Vrms{}{}\n", "V_oc", value_in(*v, volt),
                          f.source_resistance ? fmt::format(" behind {:.3g} ohm (supply sag)", value_in(*f.source_resistance, ohm)) : std::string{},
                          f.voltage_is_lower_bound ? " (at least: no point shows the voltage limit)" : "");
    os << fmt::format("  {:<8}{}\n", "I_max",
                      f.current_limit ? fmt::format("{:.4g} mArms", value_in(*f.current_limit, ampere) * 1e3) : std::string{"not shown"});
    os << fmt::format("  {:<8}{}\n", "P_clip",
                      f.clipping_power ? fmt::format("{:.4g} mW", value_in(*f.clipping_power, watt) * 1e3) : std::string{"not shown"});
    os << fmt::format("\n  {:>10}  {:>12}  {:>12}  {:>9}  {}\n", "load", "stated", "model", "error", "limit");
    // Print a rounding-level error as 0.00 rather than -0.00.
    const auto shown = [](gain e) { return std::abs(e.db()) < 0.005 ? 0.0 : e.db(); };
    for (const auto& p : f.points)
        os << fmt::format("  {:>6.4g} ohm  {:>9.4g} mW  {:>9.4g} mW  {:>+6.2f} dB  {}\n", value_in(p.stated.load, ohm),
                          value_in(p.stated.output, watt) * 1e3, value_in(p.model_power, watt) * 1e3, shown(p.error),
                          to_string(p.binding));
    os << fmt::format("\nLargest error {:.2f} dB. Analyses use the stated table itself: exact at the stated loads, the straight\n"
                      "line between them, and outside them no more current (below) or voltage (above) than it shows.\n",
                      f.max_error.db());
}

}  // namespace

subcommand add_fit(CLI::App& parent) {
    auto f = std::make_shared<fit_flags>();
    CLI::App* app = parent.add_subcommand("fit", "Fit V_oc / I_max / P_max to a spec sheet's power-vs-load figures");
    app->footer(
        "Explains a power table: the simplest set of limits (V; V+I; V+sag; V+P; V+I+P; V+sag+I) that reproduces the\n"
        "points within 0.1 dB wins, else the best in dB. Sag is a clipping voltage that falls as the load falls (a\n"
        "large-signal source resistance). Analyses (pair --power, catalogs) use the table itself, which can only err\n"
        "low: below the lowest stated load no more current, above the highest no more voltage than it shows.\n"
        "Example: headroom fit --power 1.2W@32 --power 300mW@300 --zout 0.2");
    app->add_option("--power", f->power, "Stated power into a load (1.2W@32ohm; a bare load is in ohm), repeatable")->required();
    app->add_option("--zout", f->zout, "Known output impedance (0.2, 0.2ohm); default: not stated (0)");
    app->add_flag("--json", f->json, "Print JSON (SI base units) instead of the report");
    return {app, [f](std::ostream& os) {
                fields::output_values v;
                v.set(fields::output_field::power, f->power);
                if (!f->zout.empty()) v.set(fields::output_field::zout, f->zout);
                const fields::output_figures figures = fields::read_output(v, face::command_line);
                const rating_table table = fields::checked(face::command_line, "--power", [&] { return rating_table{*figures.points, "--power"}; });
                fit_options options;
                options.output_impedance = figures.zout;
                const stage_fit fit = fields::checked(face::command_line, "--power", [&] { return fit_output_stage(table.points(), options, "amplifier output"); });
                if (f->json)
                    os << json_text(frontend::fit_json(fit)) << '\n';
                else
                    print_report(os, fit);
            }};
}

}  // namespace headroom::cli
