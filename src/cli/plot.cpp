// headroom plot: graphs drawn by gnuplot, as SVG or PNG.
//
//   plot load      maximum power and voltage into 8-600 ohm for one output, single-ended and balanced overlaid,
//                  each stretch labelled with the limit that binds there (the power-vs-load graph of reviews)
//   plot response  |Z|(f) of a headphone and the response deviation its impedance makes with the output's Z_out
//
// gnuplot runs as a separate program on a script written to a temporary file; the image goes to a temporary
// name beside --out and is renamed into place only when gnuplot succeeded, so --out is never half written.

#include "cli/commands.hpp"
#include "cli/curve_flags.hpp"
#include "cli/gear_flags.hpp"
#include "cli/terminal_text.hpp"
#include "headroom/analysis.hpp"
#include "headroom/parse.hpp"
#include "headroom/response.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace headroom::cli {

namespace {

namespace fs = std::filesystem;

struct plot_flags {
    gear_flags gear;
    curve_flags curves;
    std::string out;
};

// Colours from the Okabe-Ito palette (readable with the common colour-vision deficiencies).
constexpr std::string_view se_colour = "#0072B2";
constexpr std::string_view balanced_colour = "#D55E00";

std::optional<fs::path> find_gnuplot() {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return std::nullopt;
    std::string_view rest{path};
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string_view dir = rest.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        if (dir.empty()) continue;
        const fs::path candidate = fs::path{dir} / "gnuplot";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

// A string for a gnuplot script, in single quotes (where only '' needs escaping).
std::string gp_quote(std::string_view s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string{"''"} : std::string{c};
    return q + "'";
}

// A string for a gnuplot script, in double quotes (where a line break can be written as an escape).
std::string gp_dquote(std::string_view s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '\n') {
            q += "\\n";
            continue;
        }
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}
// User text escaped for enhanced mode, where _ ^ { } @ & ~ would otherwise be markup.
std::string enhanced_literal(std::string_view s) {
    std::string e;
    for (char c : s) {
        if (std::string_view{"_^{}@&~"}.find(c) != std::string_view::npos) e += '\\';
        e += c;
    }
    return e;
}

// A word for /bin/sh, in single quotes.
std::string sh_quote(std::string_view s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string{"'\\''"} : std::string{c};
    return q + "'";
}

std::string terminal_for(const std::string& out) {
    const std::string ext = fs::path{out}.extension().string();
    if (ext == ".svg") return "set terminal svg size 1000,760 dynamic enhanced font 'DejaVu Sans,13' background rgb 'white'";
    if (ext == ".png") return "set terminal pngcairo size 1200,900 enhanced font 'DejaVu Sans,13' background rgb 'white'";
    throw usage_error{"--out: '" + out + "' must end in .svg or .png"};
}

// A file removed when the guard goes out of scope (temporary script, log, or an image that never got renamed).
struct temp_file {
    fs::path path;
    temp_file() = default;
    explicit temp_file(fs::path p) : path{std::move(p)} {}
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() {
        std::error_code ignored;
        if (!path.empty()) fs::remove(path, ignored);
    }
};

fs::path make_temp(const std::string& pattern_name) {
    std::string pattern = (fs::temp_directory_path() / (pattern_name + "-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error{"cannot create a temporary file in " + fs::temp_directory_path().string()};
    ::close(fd);
    return pattern;
}

// Runs `body` through gnuplot into `out` (SVG or PNG by its extension), atomically.
void render(const std::string& body, const std::string& out) {
    if (out.empty()) throw usage_error{"--out: give the image file to write (.svg or .png)"};
    const std::string terminal = terminal_for(out);
    const fs::path target{out};
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path{"."};
    if (!fs::is_directory(dir)) throw usage_error{"--out: directory '" + dir.string() + "' does not exist"};
    const auto gnuplot = find_gnuplot();
    if (!gnuplot)
        throw usage_error{"gnuplot not found on PATH: install it (Debian/Ubuntu: apt-get install gnuplot-nox) to draw plots"};

    const temp_file script{make_temp("headroom-plot")};
    const temp_file log{make_temp("headroom-plot-log")};
    const temp_file image{dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))};
    {
        std::ofstream s{script.path};
        s << terminal << "\nset output " << gp_quote(image.path.string()) << "\nset encoding utf8\n" << body << "\nunset output\n";
        if (!s) throw std::runtime_error{"cannot write the gnuplot script " + script.path.string()};
    }
    const std::string command = sh_quote(gnuplot->string()) + " " + sh_quote(script.path.string()) + " </dev/null >" +
                                sh_quote(log.path.string()) + " 2>&1";
    const int status = std::system(command.c_str());
    if (status != 0 || !fs::exists(image.path) || fs::file_size(image.path) == 0) {
        std::ifstream l{log.path};
        std::string first, line;
        while (std::getline(l, line))
            if (first.empty() && line.find_first_not_of(" \t^") != std::string::npos) first = line;
        throw std::runtime_error{"gnuplot failed" + (first.empty() ? std::string{} : ": " + first)};
    }
    std::error_code ec;
    fs::rename(image.path, target, ec);
    if (ec) throw std::runtime_error{"cannot write " + out + ": " + ec.message()};
}

// Headphone flags are optional for plots: a load graph needs no headphone, a response graph only its curve.
void relax_headphone_flags(CLI::App& app) {
    app.get_option("--impedance")->required(false);
    app.get_option("--sensitivity")->required(false);
}

// ---- plot load ---------------------------------------------------------------------------------------------

struct load_series {
    std::string title;
    std::string_view colour;
    std::vector<double> r, power_mw, voltage;
    std::vector<limit> binding;
};

// The loads to sweep, in ohm: 8-600 (from IEMs to 600 ohm studio headphones), widened to show the headphone.
struct load_range {
    double low = 8.0, high = 600.0;
};

load_range range_with(const std::optional<double>& headphone_ohm) {
    load_range r;
    if (headphone_ohm) {
        r.low = std::min(r.low, *headphone_ohm / 1.25);
        r.high = std::max(r.high, *headphone_ohm * 1.25);
    }
    return r;
}

load_series sweep_loads(const output_stage& out, std::string title, std::string_view colour, load_range range) {
    load_series s{std::move(title), colour, {}, {}, {}, {}};
    constexpr int steps = 240;
    for (int i = 0; i <= steps; ++i) {
        const double r = range.low * std::pow(range.high / range.low, static_cast<double>(i) / steps);
        const auto [v, which] = detail::binding_of(detail::load_voltage_limits(out, in_si(r, ohm)));
        s.r.push_back(r);
        s.power_mw.push_back(v * v / r * 1e3);
        s.voltage.push_back(v);
        s.binding.push_back(which);
    }
    return s;
}

std::string datablock(const std::string& name, const load_series& s) {
    std::string d = "$" + name + " << EOD\n";
    for (std::size_t i = 0; i < s.r.size(); ++i)
        d += fmt::format("{:.6g} {:.8g} {:.8g}\n", s.r[i], s.power_mw[i], s.voltage[i]);
    return d + "EOD\n";
}

// Labels the stretches of one curve by their binding limit, and dots each change of limit.
std::string limit_marks(const load_series& s, bool power_panel, bool above) {
    std::string g;
    std::size_t start = 0;
    for (std::size_t i = 1; i <= s.r.size(); ++i) {
        if (i < s.r.size() && s.binding[i] == s.binding[start]) continue;
        const std::size_t mid = (start + i - 1) / 2;
        const double y = power_panel ? s.power_mw[mid] : s.voltage[mid];
        // Offset labels above or below the curve (in character heights) so the two topologies do not collide.
        g += fmt::format("set label {} at {:.6g},{:.6g} center offset 0,{} textcolor rgb '{}' front\n",
                         gp_quote(std::string{to_string(s.binding[start])} + "-limited"), s.r[mid], y, above ? 1.1 : -1.1, s.colour);
        if (i < s.r.size())
            g += fmt::format("set object circle at {:.6g},{:.6g} size char 0.45 fillstyle solid fc rgb '{}' front\n", s.r[i],
                             power_panel ? s.power_mw[i] : s.voltage[i], s.colour);
        start = i;
    }
    return g;
}

std::string load_plot_script(const std::vector<load_series>& series, const std::optional<double>& headphone_ohm,
                             load_range range, const std::string& subtitle) {
    std::string g;
    for (std::size_t k = 0; k < series.size(); ++k) g += datablock("s" + std::to_string(k), series[k]);
    g += "set multiplot layout 2,1 title " + gp_dquote("Maximum continuous sine output vs load\n{/*0.8 " + subtitle + "}") + "\n";
    g += fmt::format("set logscale x\nset xrange [{:.6g}:{:.6g}]\n", range.low, range.high);
    g += "set xtics (1,2,4,8,16,32,50,80,150,300,600,1000,2000,5000,10000)\nset mxtics 10\n";
    g += "set grid xtics ytics mxtics mytics lc rgb '#dddddd'\nset key box opaque\nset border lw 1.2\n";
    g += "set lmargin 11\nset rmargin 4\n";
    for (const bool power_panel : {true, false}) {
        g += "unset label\nunset object\n";
        if (power_panel) {
            g += "set logscale y\nset ylabel 'max power (mW)'\nset format y '%g'\nset xlabel ''\nset key top right\n";
        } else {
            // Room above the highest curve for its limit labels.
            double v_top = 0.0;
            for (const auto& ser : series)
                for (double v : ser.voltage) v_top = std::max(v_top, v);
            g += fmt::format("unset logscale y\nset ylabel 'max voltage (Vrms)'\nset yrange [0:{:.6g}]\n"
                             "set xlabel 'load impedance (ohm)'\nunset key\n",  // one legend, above, serves both panels
                             v_top * 1.18);
        }
        for (std::size_t k = 0; k < series.size(); ++k) g += limit_marks(series[k], power_panel, k % 2 == 1);
        if (headphone_ohm) {
            // The label goes on the side of the marker with more room.
            const bool right_half = *headphone_ohm > std::sqrt(range.low * range.high);
            g += fmt::format("set arrow from {0:.6g}, graph 0 to {0:.6g}, graph 1 nohead dt 2 lw 1.5 lc rgb '#444444'\n"
                             "set label {1} at {0:.6g}, graph 0.06 {2} offset {3},0 textcolor rgb '#444444'\n",
                             *headphone_ohm, gp_quote(fmt::format("headphone {:.4g} ohm", *headphone_ohm)),
                             right_half ? "right" : "left", right_half ? "-0.5" : "0.5");
        }
        g += "plot ";
        for (std::size_t k = 0; k < series.size(); ++k)
            g += fmt::format("{}$s{} using 1:{} with lines lw 3 lc rgb '{}' title {}", k ? ", " : "", k, power_panel ? 2 : 3,
                             series[k].colour, gp_quote(series[k].title));
        g += "\nunset arrow\n";
    }
    return g + "unset multiplot\n";
}

// The stated figures in a line, for the graph's subtitle.
std::string describe_limits(const output_stage& out) {
    std::string s;
    if (const auto v = out.open_circuit_voltage()) s += fmt::format("V_{{oc}} {:.4g} Vrms, ", value_in(*v, volt));
    if (const auto i = out.current_limit()) s += fmt::format("I_{{max}} {:.4g} mA, ", value_in(*i, ampere) * 1e3);
    if (const auto p = out.power_limit()) s += fmt::format("P_{{max}} {:.4g} mW, ", value_in(*p, watt) * 1e3);
    if (const auto v = out.gain_limited_voltage()) s += fmt::format("source x gain {:.4g} Vrms, ", value_in(*v, volt));
    return s + fmt::format("Z_{{out}} {:.3g} ohm", value_in(out.output_impedance(), ohm));
}

action load_action(std::shared_ptr<plot_flags> f) {
    return [f](std::ostream& os) {
        std::optional<double> hp;
        if (!f->gear.impedance.empty()) hp = value_in(flag_value("--impedance", f->gear.impedance, parse_impedance), ohm);
        const load_range range = range_with(hp);
        std::vector<load_series> series;
        std::string subtitle;
        if (f->gear.balanced) {
            const output_stage out = make_output(f->gear).stage;
            series.push_back(sweep_loads(out, "balanced (as stated)", balanced_colour, range));
            subtitle = "balanced: " + describe_limits(out);
        } else {
            gear_flags leg = f->gear;  // with --bridge the figures describe one leg: draw the leg and the bridge
            leg.bridge = false;
            const output_stage se = make_output(leg).stage;
            series.push_back(sweep_loads(se, "single-ended", se_colour, range));
            series.push_back(sweep_loads(bridge(se), "balanced (bridged from the SE figures)", balanced_colour, range));
            subtitle = "single-ended: " + describe_limits(se);
        }
        render(load_plot_script(series, hp, range, subtitle), f->out);
        os << fmt::format("wrote {}\n", terminal_text(f->out));
    };
}

// ---- plot response -----------------------------------------------------------------------------------------

action response_action(std::shared_ptr<plot_flags> f) {
    return [f](std::ostream& os) {
        const auto curve = make_curve(f->curves);
        if (!curve) throw usage_error{"plot response needs --impedance-curve FILE or --driver \"Re=...,Le=...,fs=...,Qms=...,Qes=...\""};
        const impedance z_out = output_impedance_flag(f->gear.zout);
        const frequency_grid g = audio_band_grid();
        const auto r = analyse_response(*curve, z_out, g);
        const Eigen::ArrayXcd z = curve->ohms_on(g);
        const bool has_phase = (z.imag().abs() > 1e-9 * z.abs()).any();

        std::string d = "$z << EOD\n";
        for (Eigen::Index i = 0; i < g.size(); ++i)
            d += fmt::format("{:.8g} {:.8g} {:.6g} {:.8g}\n", g.hz[i], std::abs(z[i]), std::arg(z[i]) * 180.0 / std::numbers::pi,
                             r.deviation_db[i]);
        d += "EOD\n";
        const double zmin = value_in(r.min_impedance, ohm), fmin = value_in(r.min_impedance_at, hertz);
        std::string s = d;
        const std::string shown_name = fs::path{curve->name()}.filename().string();
        s += "set multiplot layout 2,1 title " +
             gp_dquote(fmt::format("Impedance and response deviation\n{{/*0.8 {} behind Z_{{out}} = {:.3g} ohm}}",
                                   enhanced_literal(shown_name), value_in(z_out, ohm))) +
             "\n";
        s += "set logscale x\nset xrange [20:20000]\nset xtics ('20' 20, '50' 50, '100' 100, '200' 200, '500' 500, '1k' 1000, "
             "'2k' 2000, '5k' 5000, '10k' 10000, '20k' 20000)\nset mxtics 10\n";
        s += "set grid xtics ytics mxtics lc rgb '#dddddd'\nset key top right box opaque Left reverse width 1\nset border lw 1.2\nset lmargin 11\nset rmargin 11\n";
        s += "set ylabel '|Z| (ohm)'\nset yrange [0:*]\nset xlabel ''\n";
        const bool label_right_of_point = fmin < 632.0;  // the geometric middle of the band
        s += fmt::format("set label {} at {:.6g},{:.6g} {} offset {},-1.2 front\n",
                         gp_quote(fmt::format("min {:.4g} ohm at {:.0f} Hz", zmin, fmin)), fmin, zmin,
                         label_right_of_point ? "left" : "right", label_right_of_point ? "0.8" : "-0.8");
        s += fmt::format("set object circle at {:.6g},{:.6g} size char 0.5 fillstyle solid fc rgb '{}' front\n", fmin, zmin, balanced_colour);
        if (has_phase) {
            s += "set y2label 'phase (degrees)'\nset y2range [-90:90]\nset y2tics 30\nset ytics nomirror\n";
            s += fmt::format("plot $z using 1:2 with lines lw 3 lc rgb '{}' title '|Z|', $z using 1:3 axes x1y2 with lines lw 2 dt 2 "
                             "lc rgb '#009E73' title 'phase'\n",
                             se_colour);
        } else {
            s += fmt::format("plot $z using 1:2 with lines lw 3 lc rgb '{}' title '|Z| (no phase given: resistive)'\n", se_colour);
        }
        s += "unset label\nunset object\nunset y2label\nunset y2tics\nset ytics mirror\n";
        s += "set xlabel 'frequency (Hz)'\nset ylabel 'deviation from 1 kHz (dB)'\nset autoscale y\n";
        // Keep at least +-0.5 dB on screen so that a tiny deviation does not look large.
        const double lo = std::min(-0.5, r.deviation_db.minCoeff() - 0.1), hi = std::max(0.5, r.deviation_db.maxCoeff() + 0.1);
        s += fmt::format("set yrange [{:.6g}:{:.6g}]\n", lo, hi);
        s += fmt::format("plot $z using 1:4 with lines lw 3 lc rgb '{}' title {}\n", balanced_colour,
                         gp_quote(fmt::format("20 lg|H(f)/H(1 kHz)|, spread {:.2f} dB", r.spread.db())));
        s += "unset multiplot\n";
        render(s, f->out);
        os << fmt::format("wrote {}\n", terminal_text(f->out));
    };
}

CLI::App* add_plot_child(CLI::App& plot, const char* name, const char* description, plot_flags& f) {
    CLI::App* app = plot.add_subcommand(name, description);
    add_gear_flags(*app, f.gear);
    relax_headphone_flags(*app);
    add_curve_flags(*app, f.curves);
    app->add_option("--out", f.out, "Image to write: FILE.svg or FILE.png")->required();
    return app;
}

}  // namespace

subcommand add_plot(CLI::App& parent) {
    CLI::App* plot = parent.add_subcommand("plot", "Draw graphs (SVG or PNG, through gnuplot)");
    plot->require_subcommand(1);
    auto load = std::make_shared<plot_flags>();
    auto response = std::make_shared<plot_flags>();
    CLI::App* load_app = add_plot_child(*plot, "load", "Max power and voltage into 8-600 ohm, single-ended and balanced", *load);
    load_app->footer("Example: headroom plot load --vmax 4.887 --zout 0.7 --impedance 300 --out mojo.png");
    CLI::App* response_app =
        add_plot_child(*plot, "response", "|Z|(f) and the response deviation it makes with the output impedance", *response);
    response_app->footer("Example: headroom plot response --impedance-curve hd650.csv --zout 120 --out hd650.svg");
    const action run_load = load_action(load);
    const action run_response = response_action(response);
    return {plot, [=](command_output& os) {
                if (load_app->parsed()) return run_load(os);
                if (response_app->parsed()) return run_response(os);
            }};
}

}  // namespace headroom::cli
