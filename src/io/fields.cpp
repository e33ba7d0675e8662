// From values as a face gives them to the model (include/headroom/fields.hpp): each value read as its row says,
// the model's constructors deciding what is valid, every error naming the field as the face spells it.

#include "headroom/fields.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace headroom::fields {

namespace {

[[noreturn]] void fail(const field& row, face f, const std::string& problem) { throw input_error{std::string{row.name(f)}, problem}; }

// Text that is not a value of the row's kind at all.
[[noreturn]] void unreadable(const field& row, face f, const std::string& problem) {
    throw input_error{std::string{row.name(f)}, problem, {}, true};
}

// A number as Python gives it, written back for a message: the shortest text that reads back the same.
std::string number_text(double v) {
    char text[32];
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, v);
        if (std::strtod(text, nullptr) == v) break;
    }
    return text;
}

// A catalog value always spells its unit, even where the command line would take a bare number: "7.5" could be volts
// or a misplaced Vpp figure, and a reference file should not make anyone guess.
void require_unit(const field& row, face f, std::string_view text) {
    if (f != face::catalog) return;
    std::string_view unit;
    try {
        unit = detail::split_number(text, "a number").second;
    } catch (const parse_error& e) {
        unreadable(row, f, e.what());
    }
    if (unit.empty()) unreadable(row, f, detail::quoted(text) + " needs a unit (e.g. " + std::string{row.example} + ")");
}

const std::string& text_of(const field& row, face f, const given& g) {
    if (const auto* s = std::get_if<std::string>(&g)) {
        if (detail::trim(*s).empty()) fail(row, f, "needs a value, not an empty text");
        return *s;
    }
    fail(row, f, row.kind == value_kind::power_table ? "must be a list of points such as " + std::string{row.example}
                                                      : "must be one value such as " + std::string{row.example});
}

// A quantity from text (parsed, its sign checked) or from a number in the SI base unit.
template <class Q, class Unit>
Q quantity_of(const field& row, face f, const given& g, Q (*parse)(std::string_view), Unit unit) {
    Q q;
    std::string shown;
    if (const auto* number = std::get_if<double>(&g)) {
        if (!std::isfinite(*number)) fail(row, f, "must be a finite number, not " + number_text(*number));
        q = in_si(*number, unit);
        shown = number_text(*number);
    } else {
        const std::string& text = text_of(row, f, g);
        require_unit(row, f, text);
        try {
            q = parse(text);
        } catch (const parse_error& e) {
            unreadable(row, f, e.what());
        }
        shown = text;
    }
    const double v = value_in(q, unit);
    if (row.zero_allowed ? v < 0.0 : !(v > 0.0))
        fail(row, f, detail::quoted(shown) + " must " + std::string{row.zero_allowed ? "not be negative" : "be positive"});
    return q;
}

gain gain_of(const field& row, face f, const given& g) {
    double db = 0.0;
    std::string shown;
    if (const auto* number = std::get_if<double>(&g)) {
        db = *number;
        shown = number_text(db);
    } else {
        const std::string& text = text_of(row, f, g);
        require_unit(row, f, text);
        try {
            db = parse_gain(text).db();
        } catch (const parse_error& e) {
            unreadable(row, f, e.what());
        }
        shown = text;
    }
    if (!std::isfinite(db)) fail(row, f, "must be a finite number, not " + shown);
    if (!row.zero_allowed && !(db > 0.0)) fail(row, f, detail::quoted(shown) + " must be positive");
    return gain::of_db(db);
}

spl level_of(const field& row, face f, const given& g) {
    if (const auto* number = std::get_if<double>(&g)) {
        if (!std::isfinite(*number)) fail(row, f, "must be a finite number, not " + number_text(*number));
        return spl::of_db(*number);
    }
    const std::string& text = text_of(row, f, g);
    require_unit(row, f, text);
    try {
        return parse_spl(text);
    } catch (const parse_error& e) {
        unreadable(row, f, e.what());
    }
}

std::vector<power_point> points_of(const field& row, face f, const given& g) {
    std::vector<std::string> texts;
    if (const auto* list = std::get_if<std::vector<std::string>>(&g)) {
        texts = *list;
    } else if (const auto* one = std::get_if<std::string>(&g)) {
        texts.push_back(*one);
    } else {
        fail(row, f, "must be a list of points such as " + std::string{row.example});
    }
    if (texts.empty()) fail(row, f, "must list at least one point such as " + std::string{row.example});
    if (texts.size() > rating_table::max_points)
        fail(row, f, "lists " + std::to_string(texts.size()) + " points; at most " + std::to_string(rating_table::max_points) +
                         " are accepted");
    std::vector<power_point> points;
    for (const auto& text : texts) {
        const auto at = text.find('@');
        if (at == std::string::npos) unreadable(row, f, detail::quoted(text) + " is not a power into a load (e.g. " + std::string{row.example} + ")");
        require_unit(row, f, std::string_view{text}.substr(0, at));
        require_unit(row, f, std::string_view{text}.substr(at + 1));
        power_point p;
        try {
            p = parse_power_point(text);
        } catch (const parse_error& e) {
            unreadable(row, f, e.what());
        }
        if (!(value_in(p.output, watt) > 0.0) || !(value_in(p.load, ohm) > 0.0)) fail(row, f, detail::quoted(text) + " must be positive");
        points.push_back(p);
    }
    return points;
}

noise_weighting weighting_of(const field& row, face f, const given& g) {
    const std::string t = detail::lower(detail::trim(text_of(row, f, g)));
    if (t == "a-weighted" || (f != face::catalog && (t == "a" || t == "a_weighted" || t == "a weighted"))) return noise_weighting::a_weighted;
    if (t == "unweighted") return noise_weighting::unweighted;
    unreadable(row, f, "'" + std::get<std::string>(g) + "' is not one of 'A-weighted', 'unweighted'");
}

volume_control volume_of(const field& row, face f, const given& g) {
    std::string t{detail::trim(text_of(row, f, g))};
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (t == "analog" || (f != face::catalog && t == "analogue")) return volume_control::analog;
    if (t == "digital") return volume_control::digital;
    unreadable(row, f, "'" + std::get<std::string>(g) + "' is not one of 'analog', 'digital'");
}

template <class Q, class Unit>
void read_into(std::optional<Q>& into, const output_values& v, output_field e, face f, Q (*parse)(std::string_view), Unit unit) {
    if (const auto& g = v[e]) into = quantity_of(output_rows[at(e)], f, *g, parse, unit);
}

// The message "state at least one limit" in the face's spellings, from the rows.
std::string limits_needed(face f) {
    // (A source resistance belongs to the limits' set, but alone limits nothing: it stands behind a voltage.)
    std::string names;
    for (const auto& row : output_rows)
        if (row.limit && row.kind != value_kind::impedance) names += (names.empty() ? "" : ", ") + std::string{row.name(f)};
    return "no limit is stated: give at least one of " + names + " or " + std::string{output_rows[at(output_field::source_level)].name(f)};
}

}  // namespace

std::string_view key_for(std::string_view model_field, face f) noexcept {
    const auto find = [&](const auto& table) -> const field* {
        for (const auto& row : table)
            if (row.model == model_field) return &row;
        return nullptr;
    };
    for (const field* row : {find(output_rows), find(headphone_rows), find(programme_rows), find(attenuator_rows)})
        if (row != nullptr) return row->name(f);
    // The parts of a sensitivity or a power point are named after them.
    if (model_field == "level" || model_field == "reference current" || model_field == "voltage")
        return headphone_rows[at(headphone_field::sensitivity)].name(f);
    if (model_field == "load") return output_rows[at(output_field::power)].name(f);
    return {};
}

output_figures read_output(const output_values& v, face f) {
    output_figures o;
    read_into(o.vmax, v, output_field::vmax, f, parse_voltage, volt);
    read_into(o.imax, v, output_field::imax, f, parse_current, ampere);
    read_into(o.pmax, v, output_field::pmax, f, parse_power, watt);
    read_into(o.thermal_power, v, output_field::thermal_power, f, parse_power, watt);
    read_into(o.source_resistance, v, output_field::source_resistance, f, parse_impedance, ohm);
    read_into(o.zout, v, output_field::zout, f, parse_impedance, ohm);
    read_into(o.source_level, v, output_field::source_level, f, parse_voltage, volt);
    read_into(o.noise, v, output_field::noise, f, parse_voltage, volt);
    read_into(o.snr_reference, v, output_field::snr_reference, f, parse_voltage, volt);
    if (const auto& g = v[output_field::power]) o.points = points_of(output_rows[at(output_field::power)], f, *g);
    if (const auto& g = v[output_field::gain]) o.amplifier_gain = gain_of(output_rows[at(output_field::gain)], f, *g);
    if (const auto& g = v[output_field::snr]) o.snr = gain_of(output_rows[at(output_field::snr)], f, *g);
    if (const auto& g = v[output_field::noise_weighting]) o.weighting = weighting_of(output_rows[at(output_field::noise_weighting)], f, *g);
    if (const auto& g = v[output_field::volume]) o.volume = volume_of(output_rows[at(output_field::volume)], f, *g);
    const auto& snr = output_rows[at(output_field::snr)];
    if (o.snr && o.noise)
        fail(snr, f, "and " + std::string{output_rows[at(output_field::noise)].name(f)} +
                         " exclude each other: give the noise voltage, or the SNR it is derived from");
    if (o.snr_reference && !o.snr) fail(output_rows[at(output_field::snr_reference)], f, "needs the " + std::string{snr.name(f)} + " it is the reference of");
    return o;
}

output_figures overlay(const output_figures& base, const output_figures& over) {
    output_figures e = base;
    if (over.states_limits()) {
        e.vmax = over.vmax;
        e.imax = over.imax;
        e.pmax = over.pmax;
        e.thermal_power = over.thermal_power;
        e.source_resistance = over.source_resistance;
        e.points = over.points;
    }
    if (over.zout) e.zout = over.zout;
    if (over.noise || over.snr) {
        e.noise = over.noise;
        e.snr = over.snr;
        e.snr_reference = over.snr_reference;
    }
    if (over.weighting) e.weighting = over.weighting;
    if (over.volume) e.volume = over.volume;
    if (over.source_level) e.source_level = over.source_level;
    if (over.amplifier_gain) e.amplifier_gain = over.amplifier_gain;
    return e;
}

output_stage make_output_stage(const output_figures& e, topology kind, const std::string& name, face f) {
    const auto& row = [](output_field x) -> const field& { return output_rows[at(x)]; };
    if (e.weighting && !e.noise && !e.snr)
        fail(row(output_field::noise_weighting), f, "needs the " + std::string{row(output_field::noise).name(f)} + " (or " +
                                                        std::string{row(output_field::snr).name(f)} + ") it describes");
    if (e.amplifier_gain && !e.source_level)
        fail(row(output_field::gain), f, "needs the source level it follows (" + std::string{row(output_field::source_level).name(f)} + ")");
    if (!e.states_limits() && !e.source_level) fail(row(output_field::vmax), f, limits_needed(f));
    const std::string entity = "output stage '" + name + "'";
    return checked(f, row(output_field::vmax).name(f), [&] {
        output_spec spec;
        spec.open_circuit_voltage = e.vmax;
        spec.source_resistance = e.source_resistance;
        spec.current_limit = e.imax;
        spec.clipping_power = e.pmax;
        spec.thermal_power = e.thermal_power;
        spec.output_impedance = e.zout;
        spec.volume = e.volume;
        spec.kind = kind;
        if (e.points) spec.ratings = rating_table{*e.points, entity};
        if (e.noise) spec.noise = output_noise{*e.noise, e.weighting.value_or(noise_weighting::not_stated), entity};
        // A source level alone means unity gain after it (a dongle's DAC driving the jack directly).
        if (e.source_level) spec.source = source_gain{*e.source_level, e.amplifier_gain.value_or(gain::of_db(0.0)), entity};
        if (e.snr) {
            const std::optional<voltage> reference = e.snr_reference ? e.snr_reference : maximum_swing(spec);
            if (!reference)
                fail(row(output_field::snr), f,
                     "needs " + std::string{row(output_field::snr_reference).name(f)} + ", or a " + std::string{row(output_field::vmax).name(f)} +
                         ", " + std::string{row(output_field::power).name(f)} + " or " + std::string{row(output_field::source_level).name(f)} +
                         " whose swing it is stated against");
            spec.noise = output_noise::from_snr(*e.snr, *reference, e.snr_reference.has_value(),
                                                e.weighting.value_or(noise_weighting::not_stated), entity);
        }
        return output_stage{name, std::move(spec)};
    });
}

headphone make_headphone(const headphone_values& v, face f, const std::string& name, std::optional<impedance_curve> curve) {
    const auto& row = [](headphone_field x) -> const field& { return fields::headphone_rows[at(x)]; };
    if (!v.has(headphone_field::impedance)) fail(row(headphone_field::impedance), f, "is missing (e.g. 300ohm)");
    if (!v.has(headphone_field::sensitivity))
        fail(row(headphone_field::sensitivity), f, "is missing: give it with its unit, 97dB/mW, 102.2dB/V, 94.6dB@5mA or 327mV@94dB");
    const impedance z = quantity_of(row(headphone_field::impedance), f, *v[headphone_field::impedance], parse_impedance, ohm);
    const given& s_given = *v[headphone_field::sensitivity];
    const stated_sensitivity s = [&]() -> stated_sensitivity {
        if (const auto* read = std::get_if<stated_sensitivity>(&s_given)) return *read;
        if (std::holds_alternative<double>(s_given))
            fail(row(headphone_field::sensitivity), f,
                 "needs its unit: a bare number could be dB/mW or dB/V, 5-15 dB apart (97dB/mW, 102.2dB/V)");
        const std::string& text = text_of(row(headphone_field::sensitivity), f, s_given);
        return checked(f, row(headphone_field::sensitivity).name(f), [&] {
            try {
                return parse_stated_sensitivity(text);
            } catch (const parse_error& e) {
                unreadable(row(headphone_field::sensitivity), f, e.what());
            }
        });
    }();
    headphone_details details;
    details.sensitivity_frequency = s.at;
    if (const auto& g = v[headphone_field::sensitivity_frequency]) {
        const frequency at_f = quantity_of(row(headphone_field::sensitivity_frequency), f, *g, parse_frequency, hertz);
        if (s.at && *s.at != at_f)
            fail(row(headphone_field::sensitivity_frequency), f, "disagrees with the frequency the sensitivity names");
        details.sensitivity_frequency = at_f;
    }
    if (const auto& g = v[headphone_field::rated_power]) details.rated_power = quantity_of(row(headphone_field::rated_power), f, *g, parse_power, watt);
    details.curve = std::move(curve);
    return checked(f, row(headphone_field::sensitivity).name(f), [&] { return headphone{name, z, s.value, std::move(details)}; });
}

std::optional<programme> make_programme(const programme_values& v, face f) {
    const auto& target_row = programme_rows[at(programme_field::target)];
    const auto& crest_row = programme_rows[at(programme_field::crest)];
    if (!v.has(programme_field::target)) {
        if (v.has(programme_field::crest)) fail(crest_row, f, "needs " + std::string{target_row.name(f)} + ", the average level it is a crest factor of");
        return std::nullopt;
    }
    const spl level = level_of(target_row, f, *v[programme_field::target]);
    const gain cf = v.has(programme_field::crest) ? gain_of(crest_row, f, *v[programme_field::crest]) : sine_crest_factor;
    return checked(f, target_row.name(f), [&] { return programme{level, cf}; });
}

std::optional<attenuator> make_attenuator(const attenuator_values& v, face f, const std::string& name) {
    if (v.empty()) return std::nullopt;
    const auto& row = [](attenuator_field x) -> const field& { return attenuator_rows[at(x)]; };
    const auto& series_row = row(attenuator_field::series);
    if (!v.has(attenuator_field::series)) {
        if (v.has(attenuator_field::shunt))
            fail(row(attenuator_field::shunt), f, "needs " + std::string{series_row.name(f)} + ": a shunt across the headphone works against a series resistor (an L-pad)");
        fail(row(attenuator_field::rating), f, "needs the resistors it rates (" + std::string{series_row.name(f)} + ")");
    }
    const impedance rs = quantity_of(series_row, f, *v[attenuator_field::series], parse_impedance, ohm);
    std::optional<impedance> rp;
    if (const auto& g = v[attenuator_field::shunt]) rp = quantity_of(row(attenuator_field::shunt), f, *g, parse_impedance, ohm);
    std::optional<power> rating;
    if (const auto& g = v[attenuator_field::rating]) rating = quantity_of(row(attenuator_field::rating), f, *g, parse_power, watt);
    return checked(f, series_row.name(f), [&] { return attenuator{name, rs, rp, rating}; });
}

}  // namespace headroom::fields
