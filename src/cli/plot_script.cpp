#include "plot_script.hpp"

#include "utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace headroom::cli {

namespace {

constexpr std::string_view replacement = "\xef\xbf\xbd";  // U+FFFD

std::string header(image_format format) {
    std::string h = format == image_format::png
                        ? "set terminal pngcairo size 1200,900 enhanced font " + gnuplot_quote("DejaVu Sans,13")
                        : "set terminal svg size 1000,760 dynamic enhanced font " + gnuplot_quote("DejaVu Sans,13");
    return h + " background rgb " + gnuplot_quote("white") + "\nset encoding utf8\n";
}

std::string rgb(std::string_view colour) { return "rgb " + gnuplot_quote(colour); }

std::string datablock(const std::string& name, const load_series& s) {
    std::string d = "$" + name + " << EOD\n";
    for (std::size_t i = 0; i < s.r.size(); ++i) d += fmt::format("{:.6g} {:.8g} {:.8g}\n", s.r[i], s.power_mw[i], s.voltage[i]);
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
        g += fmt::format("set label {} at {:.6g},{:.6g} center offset 0,{} textcolor {} front\n",
                         gnuplot_quote(std::string{to_string(s.binding[start])} + "-limited"), s.r[mid], y, above ? 1.1 : -1.1,
                         rgb(s.colour));
        if (i < s.r.size())
            g += fmt::format("set object circle at {:.6g},{:.6g} size char 0.45 fillstyle solid fc {} front\n", s.r[i],
                             power_panel ? s.power_mw[i] : s.voltage[i], rgb(s.colour));
        start = i;
    }
    return g;
}

// "Sennheiser HD600, 300 ohm" (escaped for enhanced text), or "headphone 300 ohm" without a name.
std::string headphone_caption(const marked_headphone& h) {
    return h.name.empty() ? fmt::format("headphone {:.4g} ohm", h.ohm) : fmt::format("{}, {:.4g} ohm", enhanced_literal(h.name), h.ohm);
}

}  // namespace

std::string gnuplot_quote(std::string_view text) {
    std::string q = "'";
    q.reserve(text.size() + 2);
    for (std::size_t at = 0; at < text.size();) {
        const auto c = static_cast<unsigned char>(text[at]);
        const utf8_char u = decode_utf8(text.substr(at));
        if (u.length == 0 || u.code_point < 0x20 || (u.code_point >= 0x7f && u.code_point <= 0x9f)) {
            q += replacement;  // a byte that is not UTF-8, or a control: a line break would end the command
            at += u.length == 0 ? 1 : u.length;
            continue;
        }
        if (c == '\'') q += '\'';  // '' is a quote inside single quotes, and the only escape there is
        q.append(text.substr(at, u.length));
        at += u.length;
    }
    return q + "'";
}

std::string enhanced_literal(std::string_view text) {
    std::string e;
    e.reserve(text.size());
    for (const char c : text) {
        if (std::string_view{"_^{}@&~\\"}.find(c) != std::string_view::npos) e += '\\';
        e += c;
    }
    return e;
}

std::string gnuplot_lines(const std::vector<std::string>& lines) {
    std::string s;
    for (std::size_t k = 0; k < lines.size(); ++k) s += (k == 0 ? "" : " . \"\\n\" . ") + gnuplot_quote(lines[k]);
    return s.empty() ? gnuplot_quote("") : s;
}

std::string load_plot_script(const load_plot& p, image_format format) {
    std::string g = header(format);
    for (std::size_t k = 0; k < p.series.size(); ++k) g += datablock(fmt::format("s{}", k), p.series[k]);
    g += "set multiplot layout 2,1 title " +
         gnuplot_lines({"Maximum continuous sine output vs load", "{/*0.8 " + p.subtitle + "}"}) + "\n";
    g += fmt::format("set logscale x\nset xrange [{:.6g}:{:.6g}]\n", p.range.low, p.range.high);
    g += "set xtics (1,2,4,8,16,32,50,80,150,300,600,1000,2000,5000,10000)\nset mxtics 10\n";
    g += "set grid xtics ytics mxtics mytics lc " + rgb("#dddddd") + "\nset key box opaque\nset border lw 1.2\n";
    g += "set lmargin 11\nset rmargin 4\n";
    for (const bool power_panel : {true, false}) {
        g += "unset label\nunset object\n";
        if (power_panel) {
            g += "set logscale y\nset ylabel " + gnuplot_quote("max power (mW)") + "\nset format y " + gnuplot_quote("%g") +
                 "\nset xlabel " + gnuplot_quote("") + "\nset key top right\n";
        } else {
            // Room above the highest curve for its limit labels.
            double v_top = 0.0;
            for (const auto& ser : p.series)
                for (double v : ser.voltage) v_top = std::max(v_top, v);
            g += fmt::format("unset logscale y\nset ylabel {}\nset yrange [0:{:.6g}]\nset xlabel {}\nunset key\n",
                             gnuplot_quote("max voltage (Vrms)"), v_top * 1.18,  // one legend, above, serves both panels
                             gnuplot_quote("load impedance (ohm)"));
        }
        for (std::size_t k = 0; k < p.series.size(); ++k) g += limit_marks(p.series[k], power_panel, k % 2 == 1);
        if (p.headphone) {
            // The label goes on the side of the marker with more room.
            const double z = p.headphone->ohm;
            const bool right_half = z > std::sqrt(p.range.low * p.range.high);
            g += fmt::format("set arrow from {0:.6g}, graph 0 to {0:.6g}, graph 1 nohead dt 2 lw 1.5 lc {1}\n"
                             "set label {2} at {0:.6g}, graph 0.06 {3} offset {4},0 textcolor {1}\n",
                             z, rgb("#444444"), gnuplot_quote(headphone_caption(*p.headphone)), right_half ? "right" : "left",
                             right_half ? "-0.5" : "0.5");
        }
        g += "plot ";
        for (std::size_t k = 0; k < p.series.size(); ++k)
            g += fmt::format("{}$s{} using 1:{} with lines lw 3 lc {} title {}", k ? ", " : "", k, power_panel ? 2 : 3,
                             rgb(p.series[k].colour), gnuplot_quote(p.series[k].title));
        g += "\nunset arrow\n";
    }
    return g + "unset multiplot\n";
}

std::string_view palette_colour(std::size_t k) noexcept {
    constexpr std::array<std::string_view, 6> palette{se_colour, balanced_colour, "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
    return palette[k % palette.size()];
}

std::string response_plot_script(const response_plot& p, image_format format) {
    std::string s = header(format);
    s += "$z << EOD\n";
    for (std::size_t i = 0; i < p.hz.size(); ++i) {
        s += fmt::format("{:.8g} {:.8g} {:.6g}", p.hz[i], p.ohm[i], p.phase_deg[i]);
        for (const auto& d : p.deviations) s += fmt::format(" {:.8g}", d.db[i]);
        s += "\n";
    }
    s += "EOD\n";
    const std::string shown = p.headphone && !p.headphone->name.empty()
                                  ? fmt::format("{} ({})", enhanced_literal(p.headphone->name), enhanced_literal(p.curve_name))
                                  : enhanced_literal(p.curve_name);
    const std::string behind =
        p.deviations.size() == 1
            ? (p.deviations.front().z_out_stated ? fmt::format("behind Z_{{out}} = {:.3g} ohm", p.deviations.front().z_out_ohm)
                                                 : std::string{"behind an output whose Z_{out} is not stated"})
            : fmt::format("behind {} outputs", p.deviations.size());
    s += "set multiplot layout 2,1 title " +
         gnuplot_lines({"Impedance and response deviation", fmt::format("{{/*0.8 {} {}}}", shown, behind)}) + "\n";
    s += "set logscale x\nset xrange [20:20000]\nset xtics (";
    constexpr std::array<std::pair<const char*, int>, 10> ticks{
        {{"20", 20}, {"50", 50}, {"100", 100}, {"200", 200}, {"500", 500}, {"1k", 1000}, {"2k", 2000}, {"5k", 5000}, {"10k", 10000}, {"20k", 20000}}};
    for (std::size_t k = 0; k < ticks.size(); ++k) s += fmt::format("{}{} {}", k ? ", " : "", gnuplot_quote(ticks[k].first), ticks[k].second);
    s += ")\nset mxtics 10\n";
    s += "set grid xtics ytics mxtics lc " + rgb("#dddddd") +
         "\nset key top right box opaque Left reverse width 1\nset border lw 1.2\nset lmargin 11\nset rmargin 11\n";
    s += "set ylabel " + gnuplot_quote("|Z| (ohm)") + "\nset yrange [0:*]\nset xlabel " + gnuplot_quote("") + "\n";
    const bool label_right_of_point = p.min_hz < 632.0;  // the geometric middle of the band
    s += fmt::format("set label {} at {:.6g},{:.6g} {} offset {},-1.2 front\n",
                     gnuplot_quote(fmt::format("min {:.4g} ohm at {:.0f} Hz", p.min_ohm, p.min_hz)), p.min_hz, p.min_ohm,
                     label_right_of_point ? "left" : "right", label_right_of_point ? "0.8" : "-0.8");
    s += fmt::format("set object circle at {:.6g},{:.6g} size char 0.5 fillstyle solid fc {} front\n", p.min_hz, p.min_ohm,
                     rgb(balanced_colour));
    if (p.headphone) {
        // The nominal impedance the sensitivity figures refer to, as a dotted level across the band.
        s += fmt::format("set arrow from graph 0, first {0:.6g} to graph 1, first {0:.6g} nohead dt 3 lw 1.5 lc {1}\n"
                         "set label {2} at graph 0.5, first {0:.6g} center offset 0,-0.8 textcolor {1}\n",
                         p.headphone->ohm, rgb("#444444"), gnuplot_quote(fmt::format("nominal {}", headphone_caption(*p.headphone))));
    }
    if (p.has_phase) {
        s += "set y2label " + gnuplot_quote("phase (degrees)") + "\nset y2range [-90:90]\nset y2tics 30\nset ytics nomirror\n";
        s += fmt::format("plot $z using 1:2 with lines lw 3 lc {} title {}, $z using 1:3 axes x1y2 with lines lw 2 dt 2 lc {} title {}\n",
                         rgb(se_colour), gnuplot_quote("|Z|"), rgb("#009E73"), gnuplot_quote("phase"));
    } else {
        s += fmt::format("plot $z using 1:2 with lines lw 3 lc {} title {}\n", rgb(se_colour),
                         gnuplot_quote("|Z| (no phase given: resistive)"));
    }
    s += "unset label\nunset object\nunset arrow\nunset y2label\nunset y2tics\nset ytics mirror\n";
    s += "set xlabel " + gnuplot_quote("frequency (Hz)") + "\nset ylabel " + gnuplot_quote("deviation from 1 kHz (dB)") +
         "\nset autoscale y\n";
    // Keep at least +-0.5 dB on screen so that a tiny deviation does not look large.
    double lo = -0.5, hi = 0.5;
    for (const auto& d : p.deviations)
        for (const double v : d.db) {
            lo = std::min(lo, v - 0.1);
            hi = std::max(hi, v + 0.1);
        }
    s += fmt::format("set yrange [{:.6g}:{:.6g}]\nplot ", lo, hi);
    for (std::size_t k = 0; k < p.deviations.size(); ++k) {
        const auto& d = p.deviations[k];
        const std::string what = d.z_out_stated ? fmt::format("Z_out {:.3g} ohm: spread {:.2f} dB", d.z_out_ohm, d.spread_db)
                                                : std::string{"Z_out not stated (0 ohm drawn): unknown"};
        s += fmt::format("{}$z using 1:{} with lines lw 3 {}lc {} title {}", k ? ", " : "", 4 + k, d.z_out_stated ? "" : "dt 2 ",
                         rgb(d.colour), gnuplot_quote(d.title.empty() ? what : d.title + ", " + what));
    }
    return s + "\nunset multiplot\n";
}

}  // namespace headroom::cli
