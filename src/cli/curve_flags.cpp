#include "curve_flags.hpp"

#include "commands.hpp"
#include "terminal_text.hpp"
#include "headroom/io.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace headroom::cli {

void add_curve_flags(CLI::App& app, curve_flags& f) {
    const auto row = [](fields::request_field r) -> const fields::field& { return fields::request_rows[fields::at(r)]; };
    auto* curve = app.add_option(std::string{row(fields::request_field::curve).flag}, f.impedance_curve, std::string{row(fields::request_field::curve).help});
    auto* driver = app.add_option(std::string{row(fields::request_field::driver).flag}, f.driver, std::string{row(fields::request_field::driver).help});
    curve->excludes(driver);
    auto* eq = app.add_option(std::string{row(fields::request_field::eq).flag}, f.eq,
                              "AutoEq ParametricEQ.txt: its boost is wanted on top of --target (preamp excluded), at every output");
    // An empty value means "not given" once parsed, so --eq "" would silently drop the EQ: refuse it where given.
    for (auto* o : {curve, driver, eq}) o->check(non_empty);
}

// Rounded to 0.01 with the sign of zero dropped, so that a deviation of -0.001 dB reads +0.00, not -0.00.
namespace {
double hundredths(double db) { return std::round(db * 100.0) / 100.0 + 0.0; }
}  // namespace

void print_frequency_report(std::ostream& os, const frequency_analysis& a, bool output_impedance_stated) {
    const auto hz = [](frequency f) {
        const double v = value_in(f, hertz);
        return v >= 1000.0 ? fmt::format("{:.3g} kHz", v / 1000.0) : fmt::format("{:.0f} Hz", v);
    };
    os << fmt::format("\nAcross 20 Hz-20 kHz (impedance: {})\n", terminal_text(a.curve_source));  // a file name
    if (a.has_curve) {
        os << fmt::format("  {:<16}min {:.4g} ohm at {}; {:.4g} ohm at 1 kHz\n", "impedance",
                          value_in(a.response.min_impedance, ohm), hz(a.response.min_impedance_at), value_in(a.at_1khz, ohm));
        // S_V came from the stated sensitivity at --impedance; a curve that disagrees at 1 kHz deserves a look.
        const double ratio = value_in(a.at_1khz, ohm) / value_in(a.nominal, ohm);
        if (ratio > 1.1 || ratio < 1.0 / 1.1)
            os << fmt::format("  {:<16}the curve's {:.4g} ohm at 1 kHz differs from --impedance {:.4g} ohm; the sensitivity "
                              "was converted at --impedance\n",
                              "caution", value_in(a.at_1khz, ohm), value_in(a.nominal, ohm));
        if (output_impedance_stated || a.spread_without_attenuator)
            os << fmt::format("  {:<16}{:.2f} dB spread from the {} ({:+.2f} to {:+.2f} dB from 1 kHz){}\n", "response", a.response.spread.db(),
                              a.spread_without_attenuator ? "source through the attenuator" : "output impedance",
                              hundredths(a.response.deviation_db.minCoeff()), hundredths(a.response.deviation_db.maxCoeff()),
                              a.spread_without_attenuator && !output_impedance_stated ? " (Z_out not stated: 0 ohm behind it)" : "");
        else
            os << fmt::format("  {:<16}unknown: no output impedance is stated\n", "response");
        os << fmt::format("  {:<16}lowest {:.2f} dB SPL at {}, limited by {}\n", "max sine", a.max.lowest_max_level.db(),
                          hz(a.max.lowest_max_level_at), to_string(a.max.lowest_binding));
    }
    if (a.eq) {
        os << fmt::format("  {:<16}{:+.2f} dB at {} (a sine sweep's worst case); {:+.2f} dB for {}; preamp {:+.1f} dB\n",
                          "EQ boost", a.eq->peak.boost.db(), hz(a.eq->peak.at), a.eq->programme_increase.db(),
                          to_string(a.eq->spectrum), a.eq->preamp.db());
        if (a.eq->clips_digitally())
            os << fmt::format("  {:<16}the boost exceeds the preamp by {:.2f} dB: full-scale peaks clip in the DSP\n", "caution",
                              a.eq->digital_overshoot.db());
    }
    if (a.headroom)
        os << fmt::format("  {:<16}{:+.2f} dB at {}{}, limited by {}\n", "worst headroom", a.headroom->worst.db(),
                          hz(a.headroom->worst_at), a.eq ? " with the EQ's boost" : "", to_string(a.headroom->worst_binding));
    if (a.eq_programme_headroom)
        os << fmt::format("  {:<16}{:+.2f} dB for {} through the EQ (an estimate for real programme)\n", "EQ headroom",
                          a.eq_programme_headroom->db(), to_string(a.eq->spectrum));
}

}  // namespace headroom::cli
