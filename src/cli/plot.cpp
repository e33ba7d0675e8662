// headroom plot: graphs drawn by gnuplot, as SVG or PNG.
//
//   plot load      maximum power and voltage into 8-600 ohm for one output, single-ended and balanced overlaid,
//                  each stretch labelled with the limit that binds there (the power-vs-load graph of reviews)
//   plot response  |Z|(f) of a headphone and the response deviation its impedance makes with the output's Z_out
//
// The scripts are built by plot_script.hpp (user text only through its one quoting function) and run by
// gnuplot.hpp without a shell; the image is written through output_file, so --out is replaced whole or not at
// all, and "wrote" is said only once it has been.

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "cli/curve_flags.hpp"
#include "cli/describe.hpp"
#include "cli/gear_flags.hpp"
#include "cli/gnuplot.hpp"
#include "cli/output_file.hpp"
#include "cli/plot_script.hpp"
#include "cli/terminal_text.hpp"
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

// Headphone flags are optional for plots: a load graph needs no headphone, a response graph only its curve.
void relax_headphone_flags(CLI::App& app) {
    app.get_option("--impedance")->required(false);
    app.get_option("--sensitivity")->required(false);
}

// The headphone to mark: --headphone NAME from the catalog (a miss lists the nearest names), or --impedance.
std::optional<marked_headphone> chosen_headphone(const gear_flags& f) {
    if (!f.headphone.empty()) {
        const headphone hp = make_headphone(f);
        return marked_headphone{hp.name(), value_in(hp.nominal_impedance(), ohm)};
    }
    if (!f.impedance.empty()) {
        const impedance z = flag_value("--impedance", f.impedance, parse_impedance);
        if (!(value_in(z, ohm) > 0.0)) throw usage_error{"--impedance: '" + f.impedance + "' must be positive"};
        return marked_headphone{"", value_in(z, ohm)};
    }
    return std::nullopt;
}

// ---- plot load ---------------------------------------------------------------------------------------------

load_range range_with(const std::optional<marked_headphone>& hp) {
    load_range r;
    if (hp) {
        r.low = std::min(r.low, hp->ohm / 1.25);
        r.high = std::max(r.high, hp->ohm * 1.25);
    }
    return r;
}

load_series sweep_loads(const output_stage& out, std::string title, std::string_view colour, load_range range) {
    load_series s{std::move(title), colour, {}, {}, {}, {}};
    constexpr int steps = 240;
    for (int i = 0; i <= steps; ++i) {
        const double r = range.low * std::pow(range.high / range.low, static_cast<double>(i) / steps);
        const auto [v, which] = limits::binding_of(detail::load_voltage_limits(out, in_si(r, ohm)));
        s.r.push_back(r);
        s.power_mw.push_back(v * v / r * 1e3);
        s.voltage.push_back(v);
        s.binding.push_back(which);
    }
    return s;
}

// The stated figures in a line, for the graph's subtitle, literal for gnuplot's enhanced mode.
std::string describe_limits(const output_stage& out) { return enhanced_literal(describe_output(out)); }

// The outputs a graph shows. A catalog amplifier shows its own outputs (all of them, or the one --output or
// --bridge picks), each at the gain setting --gain names, or at its loudest: never a balanced output derived from
// its single-ended figures. Typed-in figures show their stage and, unless --balanced, the bridge derived from it.
struct plotted_output {
    std::string title;
    output_stage stage;
};

std::vector<plotted_output> plotted_outputs(const gear_flags& f, bool with_derived_bridge) {
    if (f.amp.empty()) {
        if (f.balanced) return {{"balanced (as stated)", make_output(f)}};
        gear_flags leg = f;  // with --bridge the figures describe one leg: draw the leg and the bridge
        leg.bridge = false;
        const output_stage se = make_output(leg);
        std::vector<plotted_output> shown{{"single-ended", se}};
        if (with_derived_bridge || f.bridge) shown.push_back({"balanced (derived from the single-ended figures)", bridge(se)});
        return shown;
    }
    if (f.bridge || !f.output.empty()) {
        const output_stage stage = make_output(f);
        return {{terminal_text(stage.name()), stage}};
    }
    const auto amps = amplifier_catalog(f.catalog_dir);
    const amplifier_entry& a = flag_value("--amp", f.amp, [&](const std::string& n) -> const amplifier_entry& { return find_amplifier(amps, n); });
    std::vector<plotted_output> shown;
    for (const auto& o : a.outputs) {
        const output_setting* pick = &o.settings.front();
        if (!f.gain.empty() && o.settings.size() > 1) {
            try {
                pick = &o.setting(f.gain);
            } catch (const std::invalid_argument& e) {
                throw usage_error{std::string{"--gain: "} + e.what()};
            }
        } else if (o.settings.size() > 1) {
            // The loudest setting: the most it can show (32 ohm, where outputs are compared).
            const auto level = [](const output_setting& s) {
                return limits::binding_of(detail::load_voltage_limits(s.stage, in_si(32.0, ohm))).voltage;
            };
            for (const auto& s : o.settings)
                if (level(s) > level(*pick)) pick = &s;
        }
        shown.push_back({o.name + (pick->gain_name.empty() ? "" : " (" + pick->gain_name + " gain)"), pick->stage});
    }
    return shown;
}

action load_action(std::shared_ptr<plot_flags> f) {
    return [f](command_output& os) {
        const image_format format = format_for(f->out);
        check_destination("--out", f->out);
        const std::optional<marked_headphone> hp = chosen_headphone(f->gear);
        load_plot p;
        p.range = range_with(hp);
        p.headphone = hp;
        const auto shown = plotted_outputs(f->gear, true);
        for (std::size_t k = 0; k < shown.size(); ++k) {
            const auto& o = shown[k];
            const std::string_view colour = o.stage.kind() == topology::balanced && shown.size() == 2 ? balanced_colour : palette_colour(k);
            p.series.push_back(sweep_loads(o.stage, o.title, colour, p.range));
        }
        p.subtitle = f->gear.amp.empty() ? describe_limits(shown.front().stage)
                                         : enhanced_literal(terminal_text(shown.front().stage.name().substr(0, shown.front().stage.name().find(" / "))));
        render(load_plot_script(p, format), f->out, os);
    };
}

// ---- plot response -----------------------------------------------------------------------------------------

// The curve to draw: --impedance-curve or --driver, else the catalog's curve for --headphone.
std::optional<impedance_curve> response_curve(const plot_flags& f) {
    if (auto curve = make_curve(f.curves)) return curve;
    if (f.gear.headphone.empty()) return std::nullopt;
    const auto catalog = headphone_catalog(f.gear.catalog_dir);
    const headphone_entry& entry =
        flag_value("--headphone", f.gear.headphone, [&](const std::string& name) -> const headphone_entry& { return find_headphone(catalog, name); });
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
        if (!f->gear.amp.empty()) {
            for (const auto& o : plotted_outputs(f->gear, false))
                behind.emplace_back(o.title, o.stage.output_impedance_stated() ? std::optional{o.stage.output_impedance()} : std::nullopt);
        } else {
            behind.emplace_back("", f->gear.zout.empty() ? std::nullopt : std::optional{output_impedance_flag(f->gear.zout)});
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
        p.headphone = chosen_headphone(f->gear);
        render(response_plot_script(p, format), f->out, os);
        if (f->out != "-") os << report;
    };
}

CLI::App* add_plot_child(CLI::App& plot, const char* name, const char* description, plot_flags& f) {
    CLI::App* app = plot.add_subcommand(name, description);
    add_gear_flags(*app, f.gear);
    relax_headphone_flags(*app);
    add_curve_flags(*app, f.curves);
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
    CLI::App* load_app = add_plot_child(*plot, "load", "Max power and voltage into 8-600 ohm, single-ended and balanced", *load);
    load_app->footer("--out is replaced only once gnuplot has drawn the whole image (only a regular file is replaced).\n"
                     "Example: headroom plot load --vmax 4.887 --zout 0.7 --headphone \"Sennheiser HD600\" --out mojo.png");
    CLI::App* response_app =
        add_plot_child(*plot, "response", "|Z|(f) and the response deviation it makes with the output impedance", *response);
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
