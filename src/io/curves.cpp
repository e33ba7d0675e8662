// Impedance curves from CSV text and driver models from "key=value" text (docs/frequency.md).

#include "headroom/io.hpp"
#include "headroom/parse.hpp"

#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>

namespace headroom {

namespace {

using detail::lower;

bool contains_any(const std::string& s, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return s.find(w) != std::string::npos; });
}

// A first row that names its columns: a frequency, a magnitude and, optionally, a phase. Anything else is data
// (so "nan,50" or "-20,50" are errors, not a header).
bool is_header(const std::vector<std::string_view>& fields) {
    if (fields.size() < 2 || fields.size() > 3) return false;
    const std::string f = lower(fields[0]), z = lower(fields[1]);
    const bool frequency = f == "f" || contains_any(f, {"freq", "hz"});
    const bool magnitude = z == "z" || contains_any(z, {"mag", "imp", "ohm", "|z|"});
    const bool phase = fields.size() < 3 || contains_any(lower(fields[2]), {"phase", "deg", "arg"});
    return frequency && magnitude && phase;
}

inductance parse_inductance(std::string_view text) {
    return inductance::from_value(
        detail::parse_scaled(text, "an inductance", {{"H", 1.0}, {"mH", 1e-3}, {"uH", 1e-6}, {"µH", 1e-6}}, 1.0, "0.05mH"));
}

}  // namespace

namespace {

// A measurement export of any length (REW writes tens of thousands of rows) in at most max_points rows: the file's
// frequency span cut into equal steps of log f, each keeping its points of lowest and highest |Z| (in frequency
// order). The extremes are kept exactly, so the impedance minimum that sets the load, and every peak, stay; between
// them the analysis interpolates on its own 1/48-octave grid, far coarser than the steps.
std::vector<impedance_point> reduced(const std::vector<impedance_point>& points) {
    const std::size_t bins = impedance_curve::max_points / 2;
    const double lo = std::log(value_in(points.front().at, hertz)), hi = std::log(value_in(points.back().at, hertz));
    std::vector<impedance_point> kept;
    std::size_t k = 0;
    for (std::size_t b = 0; b < bins && k < points.size(); ++b) {
        const double edge = b + 1 == bins ? hi : lo + (hi - lo) * static_cast<double>(b + 1) / static_cast<double>(bins);
        std::size_t low = k, high = k, end = k;
        for (; end < points.size() && (std::log(value_in(points[end].at, hertz)) <= edge || b + 1 == bins); ++end) {
            if (points[end].magnitude < points[low].magnitude) low = end;
            if (points[end].magnitude > points[high].magnitude) high = end;
        }
        if (end == k) continue;  // an empty step
        kept.push_back(points[std::min(low, high)]);
        if (low != high) kept.push_back(points[std::max(low, high)]);
        k = end;
    }
    return kept;
}

}  // namespace

impedance_curve read_impedance_curve(std::string_view text, const std::string& source) {
    std::vector<impedance_point> points;
    bool first_row = true;
    double previous_hz = 0.0;
    int previous_line = 0;
    io_detail::for_each_line(text, [&](int line_number, std::string_view line) {
        if (line.empty() || line.front() == '#') return;
        const std::string where = source + ":" + std::to_string(line_number);
        const auto fields = io_detail::split_fields(line, ',');
        const bool header = first_row && is_header(fields);
        first_row = false;
        if (header) return;
        if (fields.size() < 2 || fields.size() > 3)
            throw io_error{where, "", "",
                           "expected frequency_hz,magnitude_ohm[,phase_deg], found " + std::to_string(fields.size()) + " field(s)"};
        const double hz = io_detail::number_field(fields[0], where, "frequency_hz");
        const double z = io_detail::number_field(fields[1], where, "magnitude_ohm");
        const double phase = fields.size() == 3 ? io_detail::number_field(fields[2], where, "phase_deg") : 0.0;
        if (!(hz > 0.0)) throw io_error{where, "", "", "frequency_hz " + detail::quoted(fields[0]) + " must be positive"};
        if (hz <= previous_hz)
            throw io_error{where, "", "",
                           "frequency_hz " + detail::quoted(fields[0]) + " must be above line " + std::to_string(previous_line) +
                               "'s (rows in increasing frequency)"};
        if (!(z > 0.0)) throw io_error{where, "", "", "magnitude_ohm " + detail::quoted(fields[1]) + " must be positive"};
        if (std::abs(phase) > 90.0)
            throw io_error{where, "", "", "phase_deg " + detail::quoted(fields[2]) + " must lie within -90 to 90"};
        previous_hz = hz;
        previous_line = line_number;
        points.push_back({in_si(hz, hertz), in_si(z, ohm), phase});
    });
    if (points.empty())
        throw io_error{source, "", "", "no impedance rows (expected frequency_hz,magnitude_ohm[,phase_deg])"};
    if (points.size() > impedance_curve::max_points) points = reduced(points);
    try {
        return impedance_curve::tabulated(std::move(points), source);
    } catch (const spec_error& e) {  // a value out of range (a frequency above 1 MHz, an impedance above 1 Mohm)
        throw io_error{source, "", e.field(), e.problem()};
    }
}

impedance_curve load_impedance_curve(const std::filesystem::path& path) {
    return read_impedance_curve(read_text_file(path, "impedance curve"), path.string());
}

driver_model parse_driver_model(std::string_view text) {
    std::optional<impedance> re;
    std::optional<inductance> le;
    std::optional<frequency> fs;
    std::optional<double> qms, qes;
    bool seen[5] = {false, false, false, false, false};
    constexpr std::string_view keys[5] = {"Re", "Le", "fs", "Qms", "Qes"};
    const auto fail = [](const std::string& problem) { return io_error{"", "", "", problem}; };
    for (const auto field : io_detail::split_fields(text, ',')) {
        const auto eq = field.find('=');
        if (eq == std::string_view::npos) throw fail("'" + std::string{field} + "' is not key=value (keys: Re, Le, fs, Qms, Qes)");
        const auto key = detail::trim(field.substr(0, eq));
        const auto value = detail::trim(field.substr(eq + 1));
        const auto k = static_cast<std::size_t>(std::find(std::begin(keys), std::end(keys), key) - std::begin(keys));
        if (k == 5) throw fail("unknown driver parameter '" + std::string{key} + "' (keys: Re, Le, fs, Qms, Qes)");
        if (seen[k]) throw fail("driver parameter " + std::string{key} + " is given twice");
        seen[k] = true;
        try {
            switch (k) {
                case 0: re = parse_impedance(value); break;
                case 1: le = parse_inductance(value); break;
                case 2: fs = parse_frequency(value); break;
                case 3: qms = io_detail::number_field(value, "", "Qms"); break;
                default: qes = io_detail::number_field(value, "", "Qes"); break;
            }
        } catch (const parse_error& e) {
            throw fail(std::string{key} + ": " + e.what());
        }
    }
    for (std::size_t k = 0; k < 5; ++k)
        if (!seen[k]) throw fail("driver parameter " + std::string{keys[k]} + " is missing (give Re, Le, fs, Qms, Qes)");
    try {
        return driver_model{*re, *le, *fs, *qms, *qes};
    } catch (const spec_error& e) {
        throw io_error{"", "", e.field(), e.problem()};
    }
}

}  // namespace headroom
