// headroom plot: graphs drawn by gnuplot, as SVG or PNG.
//
//   plot load      maximum power and voltage into 8-600 ohm for one output, single-ended and balanced overlaid,
//                  each stretch labelled with the limit that binds there (the power-vs-load graph of reviews)
//   plot response  |Z|(f) of a headphone and the response deviation its impedance makes with the output's Z_out
//
// The scripts are built by plot_script.hpp (user text only through its one quoting function) and run by
// gnuplot.hpp without a shell; the image is written through output_file, so --out is replaced whole or not at
// all, and "wrote" is said only once it has been.

#include "catalog_select.hpp"
#include "headroom/frontend/lookup.hpp"
#include "headroom/frontend/plots.hpp"
#include "commands.hpp"
#include "curve_flags.hpp"
#include "headroom/frontend/words.hpp"
#include "gear_flags.hpp"
#include "gnuplot.hpp"
#include "output_file.hpp"
#include "plot_script.hpp"
#include "terminal_text.hpp"
#include "headroom/analysis.hpp"
#include "headroom/parse.hpp"
#include "headroom/response.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::cli {

namespace {

namespace fs = std::filesystem;

struct plot_flags {
    gear_flags gear;
    curve_flags curves;
    std::string out;
};

image_format format_for(const std::string& out) {
    if (out == "-") return image_format::svg;  // text, for a pipe
    const std::string ext = fs::path{out}.extension().string();
    if (ext == ".svg") return image_format::svg;
    if (ext == ".png") return image_format::png;
    throw usage_error{"--out: '" + out + "' must end in .svg or .png (or be - for SVG on standard output)"};
}

// Draws `script` into --out. With "-" the image goes into the report, which reaches standard output only once
// gnuplot has succeeded; a file is replaced only once it is whole.
void render(const std::string& script, const std::string& out, command_output& os) {
    output_file image{"--out", out, os};
    run_gnuplot(script, image);
    image.commit();
    if (!image.is_standard_output()) os << fmt::format("wrote {}\n", terminal_text(out));
}

// The headphone to mark: --headphone NAME from the catalog (a miss lists the nearest names), or --impedance.
std::optional<marked_headphone> chosen_headphone(const plot_flags& f) {
    if (!f.gear.headphone.empty()) {
        const auto catalog = headphone_catalog(f.gear.catalog);
        const headphone_entry& entry = flag_lookup("--headphone", [&]() -> const headphone_entry& { return frontend::find_headphone(catalog, f.gear.headphone); });
        return marked_headphone{entry.name(), value_in(entry.model.nominal_impedance(), ohm)};
    }
    const std::string& z = f.gear.headphone_figures[fields::at(fields::headphone_field::impedance)];
    if (z.empty()) return std::nullopt;
    fields::headphone_values v;
    v.set(fields::headphone_field::impedance, z);
    v.set(fields::headphone_field::sensitivity, std::string{"100dB/V"});  // only the load is drawn
    return marked_headphone{"", value_in(fields::make_headphone(v, face::command_line, "headphone").nominal_impedance(), ohm)};
}

// ---- plot load ---------------------------------------------------------------------------------------------

load_range range_with(const std::optional<marked_headphone>& hp) {
    const auto [low, high] = frontend::load_range(hp ? std::optional{hp->ohm} : std::nullopt);
    return {low, high};
}

load_series series_of(const frontend::load_sweep& s, std::string title, std::string_view colour) {
    load_series out{std::move(title), colour, s.load_ohm, {}, s.voltage_vrms, s.binding};
    for (const double p : s.power_w) out.power_mw.push_back(p * 1e3);
    return out;
}

// The stated figures in a line, for the graph's subtitle, literal for gnuplot's enhanced mode.
std::string describe_limits(const output_stage& out) { return enhanced_literal(frontend::describe_output(out)); }

// The outputs a graph shows. A catalog amplifier shows its own outputs (all of them, or the one --output or
// --bridge picks), each at the setting --gain names, or at its loudest, and a load-sensed output in the mode the
// device selects at each load: never a balanced output derived from its single-ended figures. Typed-in figures
// show their stage and, unless --balanced, the bridge derived from it.
struct plotted_output {
    std::string title;
    output_stage stage;
    std::optional<amplifier_output> load_sensed;  // drawn mode by mode
};

std::vector<plotted_output> plotted_outputs(const plot_flags& f, bool with_derived_bridge) {
    frontend::gear_request r = request_of(f.gear);
    // The options are the output's own, whatever the load: a load-sensed output is drawn mode by mode below.
    const headphone any{"load", in_si(32.0, ohm), sensitivity::per_volt(spl::of_db(100.0))};
    if (r.amp.empty()) {
        if (r.balanced) return {{"balanced (as stated)", frontend::options_of(r, any, {}).front().stage, std::nullopt}};
        r.bridge = frontend::bridging::none;  // with --bridge the figures describe one leg: draw the leg and the bridge
        const output_stage se = frontend::options_of(r, any, {}).front().stage;
        std::vector<plotted_output> shown{{"single-ended", se, std::nullopt}};
        if (with_derived_bridge || f.gear.bridge)
            shown.push_back({"balanced (derived from the single-ended figures)", fields::checked(face::command_line, "--bridge", [&] { return bridge(se); }),
                             std::nullopt});
        return shown;
    }
    const auto amps = amplifier_catalog(f.gear.catalog);
    const amplifier_entry& a = flag_lookup("--amp", [&]() -> const amplifier_entry& { return frontend::find_amplifier(amps, r.amp); });
    std::vector<const amplifier_output*> outputs;
    if (r.bridge == frontend::bridging::only || !r.output.empty()) {
        // The one output the request names (options_of says why it cannot when it cannot).
        r.setting.clear();
        const std::string name = frontend::options_of(r, any, amps).front().output;
        outputs.push_back(&frontend::find_output(a, name));
    } else {
        for (const auto& o : a.outputs) outputs.push_back(&o);
    }
    std::vector<plotted_output> shown;
    for (const amplifier_output* o : outputs) {
        if (o->settings_kind() == setting_kind::load_sensed) {
            if (!f.gear.gain.empty())
                throw input_error{"--gain", "'" + o->name + "' selects its mode from the load: the graph draws each where the device uses it"};
            shown.push_back({o->name + " (mode selected by the load)", o->settings.front().stage, *o});
            continue;
        }
        const output_setting* pick = &o->settings.front();
        if (!f.gear.gain.empty() && o->settings.size() > 1) {
            pick = &flag_lookup("--gain", [&]() -> const output_setting& { return frontend::find_setting(*o, f.gear.gain); });
        } else if (o->settings.size() > 1) {
            // The loudest setting: the most it can show (32 ohm, where outputs are compared).
            const auto level = [](const output_setting& s) {
                return limits::binding_of(detail::load_voltage_limits(s.stage, in_si(32.0, ohm))).voltage;
            };
            for (const auto& s : o->settings)
                if (level(s) > level(*pick)) pick = &s;
        }
        shown.push_back({pick->gain_name.empty() ? o->name : frontend::option_label({o->name, pick->gain_name, pick->stage, pick->kind}), pick->stage,
                         std::nullopt});
    }
    return shown;
}

action load_action(std::shared_ptr<plot_flags> f) {
    return [f](command_output& os) {
        const image_format format = format_for(f->out);
        check_destination("--out", f->out);
        const std::optional<marked_headphone> hp = chosen_headphone(*f);
        load_plot p;
        p.range = range_with(hp);
        p.headphone = hp;
        const auto shown = plotted_outputs(*f, true);
        // An attenuator's curves beside each output's own: what reaches the headphone through it.
        const std::optional<attenuator> att = make_attenuator(request_of(f->gear), f->gear.catalog.dir);
        for (std::size_t k = 0; k < shown.size(); ++k) {
            const auto& o = shown[k];
            const std::string_view colour =
                o.stage.kind() == topology::balanced && shown.size() == 2 && !att ? balanced_colour : palette_colour(att ? 2 * k : k);
            const std::pair<double, double> range{p.range.low, p.range.high};
            p.series.push_back(series_of(o.load_sensed ? frontend::sweep_loads(*o.load_sensed, range) : frontend::sweep_loads(o.stage, range), o.title,
                                         colour));
            if (att)
                p.series.push_back(series_of(o.load_sensed ? frontend::sweep_loads(*o.load_sensed, range, 240, &*att)
                                                           : frontend::sweep_loads(o.stage, range, 240, &*att),
                                             o.title + " through " + att->name(), palette_colour(2 * k + 1)));
        }
        p.subtitle = f->gear.amp.empty() ? describe_limits(shown.front().stage)
                                         : enhanced_literal(terminal_text(shown.front().stage.name().substr(0, shown.front().stage.name().find(" / "))));
        render(load_plot_script(p, format), f->out, os);
    };
}

// ---- plot response -----------------------------------------------------------------------------------------

// The curve to draw: --impedance-curve or --driver, else the catalog's curve for --headphone.
std::optional<impedance_curve> response_curve(const plot_flags& f) {
    const frontend::gear_request r = request_of(f.gear, f.curves);
    if (r.curve_file.empty() && r.driver.empty() && r.headphone.empty()) return std::nullopt;
    if (!r.curve_file.empty() || !r.driver.empty()) {
        frontend::gear_request only_curve = r;  // the headphone's name marks the graph; the curve is the flags'
        only_curve.headphone.clear();
        only_curve.headphone_figures = {};
        only_curve.headphone_figures.set(fields::headphone_field::impedance, std::string{"100ohm"});
        only_curve.headphone_figures.set(fields::headphone_field::sensitivity, std::string{"100dB/V"});
        return *frontend::headphone_of(only_curve, {}).curve();
    }
    const auto catalog = headphone_catalog(f.gear.catalog);
    const headphone_entry& entry = flag_lookup("--headphone", [&]() -> const headphone_entry& { return frontend::find_headphone(catalog, r.headphone); });
    if (entry.model.curve() == nullptr)
        throw usage_error{"--headphone: the catalog has no impedance curve for '" + terminal_text(entry.name()) +
                          "'; give --impedance-curve FILE or --driver"};
    return *entry.model.curve();
}

action response_action(std::shared_ptr<plot_flags> f) {
    return [f](command_output& os) {
        const image_format format = format_for(f->out);
        check_destination("--out", f->out);
        const auto curve = response_curve(*f);
        if (!curve)
            throw usage_error{"plot response needs --impedance-curve FILE, --driver \"Re=...,Le=...,fs=...,Qms=...,Qes=...\" "
                              "or --headphone NAME with a curve in the catalog"};
        // The output impedances to draw behind: a catalog amplifier's own outputs, else --zout (or unknown).
        std::vector<std::pair<std::string, std::optional<impedance>>> behind;
        const std::string& zout = f->gear.output_figures[fields::at(fields::output_field::zout)];
        if (!f->gear.amp.empty()) {
            for (const auto& o : plotted_outputs(*f, false))
                behind.emplace_back(o.title, o.stage.output_impedance_stated() ? std::optional{o.stage.output_impedance()} : std::nullopt);
        } else if (!zout.empty()) {
            fields::output_values v;
            v.set(fields::output_field::zout, zout);
            behind.emplace_back("", fields::read_output(v, face::command_line).zout);
        } else {
            throw usage_error{"--zout: give the output impedance to draw the response deviation behind (or --amp NAME)"};
        }
        // Through an attenuator, where one is given, each output is drawn with it and without it.
        const std::optional<attenuator> att = make_attenuator(request_of(f->gear), f->gear.catalog.dir);
        if (att) {
            std::vector<std::pair<std::string, std::optional<impedance>>> both;
            for (const auto& [title, z_out] : behind) {
                both.emplace_back(title.empty() ? "without the attenuator" : title, z_out);
                const impedance z_th = in_si(att->thevenin_impedance(z_out ? value_in(*z_out, ohm) : 0.0), ohm);
                both.emplace_back((title.empty() ? std::string{} : title + " ") + "through " + att->name(), std::optional{z_th});
            }
            behind = std::move(both);
        }
        const frequency_grid g = audio_band_grid();
        const Eigen::ArrayXcd z = ohms_on(*curve, g);
        response_plot p;
        for (Eigen::Index i = 0; i < g.size(); ++i) {
            p.hz.push_back(g.hz[i]);
            p.ohm.push_back(std::abs(z[i]));
            p.phase_deg.push_back(std::arg(z[i]) * 180.0 / std::numbers::pi);
        }
        std::string report;
        for (std::size_t k = 0; k < behind.size(); ++k) {
            const auto& [title, z_out] = behind[k];
            const auto r = analyse_response(*curve, z_out.value_or(in_si(0.0, ohm)), g);
            deviation_series d{title, behind.size() == 1 ? balanced_colour : palette_colour(k), {}, value_in(z_out.value_or(in_si(0.0, ohm)), ohm),
                               z_out.has_value(), r.spread.db()};
            d.db.assign(r.deviation_db.data(), r.deviation_db.data() + r.deviation_db.size());
            p.deviations.push_back(std::move(d));
            p.min_ohm = value_in(r.min_impedance, ohm);
            p.min_hz = value_in(r.min_impedance_at, hertz);
            report += z_out ? fmt::format("  {}Z_out {:.3g} ohm: response spread {:.2f} dB\n", title.empty() ? "" : title + ": ",
                                          value_in(*z_out, ohm), r.spread.db())
                            : fmt::format("  {}Z_out not stated: the response deviation is unknown\n", title.empty() ? "" : title + ": ");
        }
        p.has_phase = (z.imag().abs() > 1e-9 * z.abs()).any();
        p.curve_name = fs::path{curve->name()}.filename().string();
        p.headphone = chosen_headphone(*f);
        render(response_plot_script(p, format), f->out, os);
        if (f->out != "-") os << report;
    };
}

// Each graph takes the flags it draws: the load graph the amplifier and the headphone's impedance to mark; the
// response graph the curve (or the catalog headphone's) and the output impedance behind it.
CLI::App* add_plot_child(CLI::App& plot, const char* name, const char* description, plot_flags& f, bool response) {
    CLI::App* app = plot.add_subcommand(name, description);
    add_gear_flags(*app, f.gear,
                   {.amplifier = true, .programme = false, .target_required = false, .headphone_figures = false,
                    .output_figures = response ? gear_scope::figures::zout : gear_scope::figures::load, .bridge = false,
                    .attenuator = true, .resistor_rating = false});
    if (response) {
        const auto row = [](fields::request_field r) -> const fields::field& { return fields::request_rows[fields::at(r)]; };
        auto* curve = app->add_option(std::string{row(fields::request_field::curve).flag}, f.curves.impedance_curve,
                                      std::string{row(fields::request_field::curve).help});
        auto* driver = app->add_option(std::string{row(fields::request_field::driver).flag}, f.curves.driver,
                                       std::string{row(fields::request_field::driver).help});
        curve->excludes(driver);
        curve->check(non_empty);
        driver->check(non_empty);
    }
    app->add_option("--out", f.out, "Image to write, atomically: FILE.svg or FILE.png, or - for SVG on standard output")
        ->required()
        ->check(non_empty);
    return app;
}

}  // namespace

subcommand add_plot(CLI::App& parent) {
    CLI::App* plot = parent.add_subcommand("plot", "Draw graphs (SVG or PNG, through gnuplot)");
    plot->require_subcommand(1);
    auto load = std::make_shared<plot_flags>();
    auto response = std::make_shared<plot_flags>();
    CLI::App* load_app = add_plot_child(*plot, "load", "Max power and voltage into 8-600 ohm, single-ended and balanced", *load, false);
    load_app->footer("--out is replaced only once gnuplot has drawn the whole image (only a regular file is replaced).\n"
                     "Example: headroom plot load --vmax 4.887 --zout 0.7 --headphone \"Sennheiser HD600\" --out mojo.png");
    CLI::App* response_app =
        add_plot_child(*plot, "response", "|Z|(f) and the response deviation it makes with the output impedance", *response, true);
    response_app->footer("--out is replaced only once gnuplot has drawn the whole image (only a regular file is replaced).\n"
                         "Example: headroom plot response --impedance-curve hd650.csv --zout 120 --out hd650.svg");
    const action run_load = load_action(load);
    const action run_response = response_action(response);
    return {plot, [=](command_output& os) {
                if (load_app->parsed()) return run_load(os);
                if (response_app->parsed()) return run_response(os);
            }};
}

}  // namespace headroom::cli
