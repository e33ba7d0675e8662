#pragma once

// The gnuplot scripts behind `headroom plot`, as pure functions of the figures to draw, so that tests and a fuzz
// target can build them from any names without running gnuplot.
//
// gnuplot is a language: in a double-quoted string it runs `backquoted` commands and reads \ escapes, and a line
// break ends a command. So user text (file names, catalog names) enters a script only through gnuplot_quote(),
// the one quoting function: a single-quoted literal, where only '' is special and nothing is expanded, with every
// byte that could end the line or break the image encoding replaced. Every string literal of the scripts, ours
// included, is made by it; the only other literal is the fixed "\n" that joins title lines.

#include "headroom/analysis.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::cli {

// `text` as a gnuplot string literal: in single quotes, ' doubled, and each line break, other control character
// (C0, DEL, C1) and byte that is not valid UTF-8 replaced by U+FFFD, so that the literal is one line of valid
// UTF-8 that ends exactly where it was meant to.
[[nodiscard]] std::string gnuplot_quote(std::string_view text);

// `text` with gnuplot's enhanced-text markup (_ ^ { } @ & ~ and the backslash) escaped, so that user text inside
// markup of ours ("{/*0.8 ...}") is drawn as written. A matter of typography: safety comes from gnuplot_quote.
[[nodiscard]] std::string enhanced_literal(std::string_view text);

// Title lines as one gnuplot string expression: 'first' . "\n" . 'second'.
[[nodiscard]] std::string gnuplot_lines(const std::vector<std::string>& lines);

enum class image_format { svg, png };

// Each script starts with the terminal for `format` and leaves the output where gnuplot starts it: on its
// standard output, which the caller writes to the file (gnuplot never sees the destination's name).

// A headphone marked on a graph: its name (user text; empty when only an impedance was given) and impedance.
struct marked_headphone {
    std::string name;
    double ohm;
};

// ---- plot load ----

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

struct load_plot {
    std::vector<load_series> series;
    load_range range;
    std::string subtitle;  // enhanced-text markup of ours (V_{oc} ...); user text in it must be enhanced_literal
    std::optional<marked_headphone> headphone;
};

[[nodiscard]] std::string load_plot_script(const load_plot& p, image_format format);

// ---- plot response ----

// The response deviation behind one output: its name (user text), Z_out and the deviation on the plot's grid.
struct deviation_series {
    std::string title;
    std::string_view colour;
    std::vector<double> db;
    double z_out_ohm = 0.0;
    bool z_out_stated = true;  // false: no Z_out is stated, and 0 ohm is drawn (a flat line that means "unknown")
    double spread_db = 0.0;
};

struct response_plot {
    std::vector<double> hz, ohm, phase_deg;
    std::vector<deviation_series> deviations;  // at least one
    bool has_phase = false;
    std::string curve_name;  // user text: the curve file's name, or the driver model
    std::optional<marked_headphone> headphone;
    double min_ohm = 0.0, min_hz = 0.0;  // the impedance minimum
};

[[nodiscard]] std::string response_plot_script(const response_plot& p, image_format format);

// Colours from the Okabe-Ito palette (readable with the common colour-vision deficiencies).
inline constexpr std::string_view se_colour = "#0072B2";
inline constexpr std::string_view balanced_colour = "#D55E00";
// More curves (an amplifier's third output, a second gain setting) take the palette's next colours in turn.
[[nodiscard]] std::string_view palette_colour(std::size_t k) noexcept;

}  // namespace headroom::cli
