// The typed model in Python: headphone, output stage, programme and attenuator, built from keywords by the fields
// table; their parts (sensitivity, impedance curve, EQ) are bound in responses.cpp and the analyses that report on
// them (analyse, need, fit, compare_outputs) in analyses.cpp. Quantities come in as numbers in SI base units or as
// text with a unit, exactly as the command line takes them; results go out as the command line's JSON keys
// (src/report/json.hpp), so a key means the same in both.

#include "bindings.hpp"

#include "headroom/compare.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/recommend.hpp"
#include "headroom/eq.hpp"
#include "headroom/fit.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/io.hpp"
#include "headroom/frontend/json.hpp"

#include <pybind11/complex.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cctype>
#include <filesystem>
#include <system_error>
#include <vector>

namespace headroom::python {

namespace {

// --- arguments --------------------------------------------------------------------------------------------------

using detail::lower;

topology topology_arg(const std::string& text, const std::string& entity) {
    const std::string t = lower(text);
    if (t == "single_ended" || t == "single-ended" || t == "se") return topology::single_ended;
    if (t == "balanced" || t == "bridged") return topology::balanced;
    throw spec_error{entity, "topology", "must be 'single_ended' or 'balanced', not '" + text + "'"};
}

// --- the model objects ------------------------------------------------------------------------------------------

// A keyword's value as the fields table takes it (headroom/fields.hpp): text as typed, a number in the field's SI
// unit (or dB), a list of texts (a power table: "1.2W@32ohm" or (power, load) pairs, written back exactly), or a
// Sensitivity. None is absent; anything else is a TypeError naming the keyword.
std::optional<fields::given> given_arg(py::handle value, const fields::field& row) {
    const std::string key{row.python};
    if (value.is_none()) return std::nullopt;
    if (py::isinstance<py::str>(value)) return fields::given{value.cast<std::string>()};
    if (row.kind == fields::value_kind::sensitivity && py::isinstance<stated_sensitivity>(value)) return fields::given{value.cast<stated_sensitivity>()};
    if (row.kind == fields::value_kind::power_table) {
        if (!py::isinstance<py::sequence>(value))
            throw py::type_error{key + ": expected a list of points (\"1.2W@32ohm\" or (power, load) pairs), not " +
                                 std::string{py::str(py::type::of(value).attr("__name__"))}};
        std::vector<std::string> points;
        for (const py::handle item : value) {
            if (py::isinstance<py::str>(item)) {
                points.push_back(item.cast<std::string>());
            } else if (py::isinstance<py::sequence>(item) && py::len(item) == 2) {
                const auto pair = item.cast<py::sequence>();
                const auto part = [&](py::handle x, const char* unit) {
                    if (py::isinstance<py::str>(x)) return x.cast<std::string>();
                    if (py::isinstance<py::bool_>(x) || !(py::isinstance<py::int_>(x) || py::isinstance<py::float_>(x)))
                        throw py::type_error{key + ": a (power, load) pair holds numbers or text"};
                    return std::string{py::str(py::repr(py::float_(x.cast<double>())))} + unit;  // repr: the shortest exact text
                };
                points.push_back(part(pair[0], "W") + "@" + part(pair[1], "ohm"));
            } else {
                throw py::type_error{key + ": each point must be \"1.2W@32ohm\" or a (power, load) pair"};
            }
        }
        return fields::given{std::move(points)};
    }
    if (py::isinstance<py::bool_>(value) || !(py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value) ||
                                               py::hasattr(value, "__float__")))
        throw py::type_error{key + ": expected a number or text such as \"" + std::string{row.example} + "\", not " +
                             std::string{py::str(py::type::of(value).attr("__name__"))}};
    if (row.kind == fields::value_kind::sensitivity)
        throw py::type_error{key + ": expected text with its unit or a Sensitivity (a bare number could be dB/mW or dB/V, 5-15 dB "
                                   "apart: \"97dB/mW\", \"102.2dB/V\")"};
    return fields::given{value.cast<double>()};
}

// Runs `make`, naming the entity in an input_error that has none (a value that could not be read).
template <class Make>
auto for_entity(const std::string& entity, Make make) {
    try {
        return make();
    } catch (const input_error& e) {
        if (!e.entity().empty()) throw;
        throw input_error{e.key(), e.problem(), entity, e.unreadable()};
    }
}

// Keywords into values by the table's Python names; an unknown keyword is a TypeError that lists the known ones.
template <class Enum, std::size_t N>
fields::values<Enum> values_arg(const py::kwargs& kw, const std::array<fields::field, N>& rows, const char* what) {
    fields::values<Enum> v;
    for (const auto& [k, value] : kw) {
        const std::string key = py::cast<std::string>(k);
        std::size_t found = N;
        for (std::size_t r = 0; r < N; ++r)
            if (rows[r].python == key) found = r;
        if (found == N) {
            std::string known;
            for (const auto& row : rows) known += (known.empty() ? "" : ", ") + std::string{row.python};
            throw py::type_error{std::string{what} + "() got an unexpected keyword argument '" + key + "' (keywords: " + known + ")"};
        }
        if (auto g = given_arg(value, rows[found])) v.set(static_cast<Enum>(found), std::move(*g));
    }
    return v;
}

headphone make_headphone(py::handle z, py::handle s, const std::string& name, py::handle rated_power, std::optional<impedance_curve> curve) {
    py::kwargs kw;
    kw["impedance"] = z;
    kw["sensitivity"] = s;
    kw["rated_power"] = rated_power;
    const std::string entity = "headphone '" + name + "'";
    if (z.is_none()) throw input_error{"impedance", "is missing (e.g. 300ohm)", entity};
    if (s.is_none()) throw input_error{"sensitivity", "is missing: give \"97dB/mW\", \"102dB/V\", \"94dB@100mV\" or a Sensitivity", entity};
    return for_entity("headphone '" + name + "'", [&] {
        const auto v = values_arg<fields::headphone_field>(kw, fields::headphone_rows, "Headphone");
        return fields::make_headphone(v, face::python, name, std::move(curve));
    });
}

output_stage make_output(const std::string& name, const std::string& kind, const py::kwargs& figures) {
    const std::string entity = "output stage '" + name + "'";
    return for_entity(entity, [&] {
        const auto v = values_arg<fields::output_field>(figures, fields::output_rows, "OutputStage");
        const topology t = topology_arg(kind, entity);
        return fields::make_output_stage(fields::read_output(v, face::python), t, name, face::python);
    });
}

}  // namespace

std::optional<double> decibel_arg(py::handle value, const std::string& entity, const char* field) {
    if (value.is_none()) return std::nullopt;
    if (py::isinstance<py::str>(value)) {
        try {
            return parse_gain(value.cast<std::string>()).db();
        } catch (const parse_error&) {
            try {
                return parse_spl(value.cast<std::string>()).db();  // "85 dB SPL"
            } catch (const parse_error& e) {
                throw argument_error{entity, field, e.what()};
            }
        }
    }
    if (py::isinstance<py::bool_>(value) || !(py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value) ||
                                               py::hasattr(value, "__float__")))
        throw py::type_error{entity + ": " + field + ": expected a number in dB or text such as \"85dB\", not " +
                             std::string{py::str(py::type::of(value).attr("__name__"))}};
    const double db = value.cast<double>();
    detail::require_finite(db, entity, field);
    return db;
}

std::optional<programme> programme_arg(py::handle programme_object, py::handle target, py::handle crest) {
    if (!programme_object.is_none()) {
        if (!target.is_none() || !crest.is_none())
            throw spec_error{"programme", target.is_none() ? "crest" : "target", "is given twice: pass a Programme or target and crest, not both"};
        return programme_object.cast<programme>();
    }
    if (target.is_none()) {
        if (!crest.is_none()) throw spec_error{"programme", "crest", "needs target (the average level it is a crest factor of)"};
        return std::nullopt;
    }
    const double level = *decibel_arg(target, "programme", "target");
    const auto cf = decibel_arg(crest, "programme", "crest");
    fields::programme_values v;
    v.set(fields::programme_field::target, level);
    if (cf) v.set(fields::programme_field::crest, *cf);
    return for_entity("programme", [&] { return fields::make_programme(v, face::python); });
}

py::object to_python(const nlohmann::ordered_json& j) {
    switch (j.type()) {
        case nlohmann::ordered_json::value_t::object: {
            py::dict d;
            for (const auto& [key, value] : j.items()) d[py::str(key)] = to_python(value);
            return d;
        }
        case nlohmann::ordered_json::value_t::array: {
            py::list l;
            for (const auto& value : j) l.append(to_python(value));
            return l;
        }
        case nlohmann::ordered_json::value_t::string: return py::str(j.get_ref<const std::string&>());
        case nlohmann::ordered_json::value_t::boolean: return py::bool_(j.get<bool>());
        case nlohmann::ordered_json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
        case nlohmann::ordered_json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
        case nlohmann::ordered_json::value_t::number_float: return py::float_(j.get<double>());
        case nlohmann::ordered_json::value_t::null:
        case nlohmann::ordered_json::value_t::binary:
        case nlohmann::ordered_json::value_t::discarded: break;
    }
    return py::none();
}

void bind_model(py::module_& m) {
    using namespace pybind11::literals;

    bind_responses(m);  // first: the classes below name them in their signatures

    py::class_<headphone>(m, "Headphone", R"doc(
A headphone as the amplifier sees it: its impedance at 1 kHz and its sensitivity.

impedance: ohm, or text ("300", "300ohm", "1.2kohm"). sensitivity: text as the command line takes it
("97dB/mW", "102dB/V", "94dB@100mV", "96dB/1mW") or a Sensitivity. rated_power: the maker's maximum input
(W or "200mW"). curve: an ImpedanceCurve, for the analysis across frequency.)doc")
        .def(py::init([](py::handle z, py::handle s, const std::string& name, py::handle rated_power, std::optional<impedance_curve> curve) {
            return make_headphone(z, s, name, rated_power, std::move(curve));
        }), "impedance"_a, "sensitivity"_a, py::kw_only(), "name"_a = "headphone", "rated_power"_a = py::none(), "curve"_a = py::none())
        .def_property_readonly("name", &headphone::name)
        .def_property_readonly("impedance_ohm", [](const headphone& h) { return value_in(h.nominal_impedance(), ohm); })
        .def_property_readonly("sensitivity", [](const headphone& h) {
            return stated_sensitivity{h.stated_sensitivity(), h.sensitivity_frequency()};
        }, "The sensitivity as stated.")
        .def_property_readonly("sensitivity_db_per_v", [](const headphone& h) { return h.sensitivity_per_volt().db(); },
                               "dB SPL for 1 V RMS at the nominal impedance.")
        .def_property_readonly("sensitivity_db_per_mw", [](const headphone& h) {
            return h.stated_sensitivity().per_milliwatt(h.nominal_impedance()).db();
        }, "dB SPL for 1 mW at the nominal impedance.")
        .def_property_readonly("sensitivity_frequency_hz", [](const headphone& h) -> std::optional<double> {
            if (const auto f = h.sensitivity_frequency()) return value_in(*f, hertz);
            return std::nullopt;
        })
        .def_property_readonly("rated_power_w", [](const headphone& h) -> std::optional<double> {
            if (const auto p = h.rated_power()) return value_in(*p, watt);
            return std::nullopt;
        })
        .def_property_readonly("curve", [](const headphone& h) -> std::optional<impedance_curve> {
            if (const auto* c = h.curve()) return *c;
            return std::nullopt;
        }, "The impedance curve, or None.")
        .def("with_curve", &headphone::with_curve, "curve"_a, "The same headphone with this impedance curve.")
        .def("level_at", [](const headphone& h, py::handle v) {
            return h.level_at(required_quantity(v, "headphone '" + h.name() + "'", "voltage", parse_voltage, volt)).db();
        }, "voltage"_a, "dB SPL for an RMS voltage across the headphone (V or text).")
        .def("voltage_for", [](const headphone& h, py::handle level) {
            return value_in(h.voltage_for(spl::of_db(*decibel_arg(level, "headphone '" + h.name() + "'", "level"))), volt);
        }, "level"_a, "The RMS voltage (V) for a level in dB SPL.")
        .def("__repr__", [](const headphone& h) {
            return "Headphone(" + std::string{py::repr(py::float_(value_in(h.nominal_impedance(), ohm)))} + ", '" +
                   frontend::sensitivity_text(h.stated_sensitivity()) + "', name=" + std::string{py::repr(py::str(h.name()))} + ")";
        });

    py::class_<output_stage>(m, "OutputStage", R"doc(
One channel of an amplifier output: whichever limits its maker or a measurement states.

Keywords as the command line's flags: vmax (open-circuit RMS voltage: V or "7.5V", "21Vpp"), imax (RMS
current: A or "250mA"), pmax (a load-independent sine rating: W or "1W"), power (a spec sheet's table:
["1.2W@32ohm", "300mW@300"] or (W, ohm) pairs), thermal_power (a continuous limit), source_resistance (supply
sag behind vmax), zout (output impedance; None: not stated, 0 ohm assumed and reported as such), source and
gain (full-scale level and gain in dB), noise (output noise, V RMS) and noise_weighting ('A-weighted',
'unweighted'), topology ('single_ended' or 'balanced'). At least one limit is needed. bridged() derives a
balanced output from a single-ended leg.)doc")
        .def(py::init([](const std::string& name, const std::string& topology, const py::kwargs& figures) {
            return make_output(name, topology, figures);
        }), "name"_a = "amplifier output", py::kw_only(), "topology"_a = "single_ended")
        .def_property_readonly("name", &output_stage::name)
        .def_property_readonly("topology", [](const output_stage& o) { return std::string{to_string(o.kind())}; },
                               "'single_ended' or 'balanced'")
        .def_property_readonly("derived", &output_stage::derived, "True for a balanced output derived by bridged().")
        .def_property_readonly("zout_stated", &output_stage::output_impedance_stated)
        .def("bridged", [](const output_stage& o) { return bridge(o); },
             "The balanced output two such legs make in a bridge: twice V_oc, Z_out and the power ratings, the same current "
             "limit, the noise x1.41 to x2 (docs/model.md).")
        .def("to_dict", [](const output_stage& o) { return to_python(frontend::output_json(o)); },
             "The stated figures in SI base units under the keys of `catalog amps --json` \"computed\" (vmax_vrms, imax_arms, "
             "pclip_w, ratings, zout_ohm, ...); absent ones are None.")
        .def("__repr__", [](const output_stage& o) {
            return "OutputStage(" + std::string{py::repr(py::str(o.name()))} + ", topology='" + std::string{to_string(o.kind())} + "')";
        });

    py::class_<programme>(m, "Programme", R"doc(
A programme to play: its average level in dB SPL (target) and crest factor in dB (peak over RMS; default a
sine's 3.01 dB; music is typically 12-20 dB). Numbers or text ("85dB").)doc")
        .def(py::init([](py::handle target, py::handle crest) { return *programme_arg(py::none(), target, crest); }), "target"_a,
             "crest"_a = py::none())
        .def_property_readonly("target_spl_db", [](const programme& p) { return p.average_level().db(); })
        .def_property_readonly("crest_factor_db", [](const programme& p) { return p.crest_factor().db(); })
        .def("__repr__", [](const programme& p) {
            return "Programme(" + std::string{py::repr(py::float_(p.average_level().db()))} + ", crest=" +
                   std::string{py::repr(py::float_(p.crest_factor().db()))} + ")";
        });

    py::class_<attenuator>(m, "Attenuator", R"doc(
An attenuator or impedance adapter between an amplifier output and the headphone (docs/physics.md section 10).

Keywords from the fields table (the command line's --series, --shunt, --resistor-rating): series (the resistor in
series, ohm or "75ohm"; an IEM adapter has only this), shunt (a resistor across the headphone: an L-pad attenuator),
resistor_rating (the power each resistor takes; 0.25 W is assumed where not given). The headphone sees a new
source, V_oc R_p / (R_p + Z_out + R_s) behind (Z_out + R_s) || R_p; the amplifier sees R_s + (R_p || Z) and its own
limits act there. analyse(..., attenuator=...) reports what it buys and costs under "attenuator".)doc")
        .def(py::init([](const std::string& name, const py::kwargs& kw) {
            return for_entity("attenuator '" + name + "'", [&] {
                const auto v = values_arg<fields::attenuator_field>(kw, fields::attenuator_rows, "Attenuator");
                auto a = fields::make_attenuator(v, face::python, name);
                if (!a) throw input_error{"series", "is missing: the resistor in series (an IEM adapter's), in ohm or text (\"75ohm\")"};
                return *a;
            });
        }), "name"_a = "attenuator")
        .def_property_readonly("name", &attenuator::name)
        .def_property_readonly("series_ohm", [](const attenuator& a) { return value_in(a.series(), ohm); })
        .def_property_readonly("shunt_ohm", [](const attenuator& a) -> std::optional<double> {
            if (const auto& rp = a.shunt()) return value_in(*rp, ohm);
            return std::nullopt;
        })
        .def_property_readonly("resistor_rating_w", [](const attenuator& a) { return value_in(a.rating(), watt); },
                               "The rating the resistors' dissipation is judged against (0.25 W where none was given).")
        .def_property_readonly("resistor_rating_stated", [](const attenuator& a) { return a.stated_rating().has_value(); })
        .def("source_impedance", [](const attenuator& a, py::handle zout) {
            return a.thevenin_impedance(value_in(quantity_arg(zout, "attenuator '" + a.name() + "'", "zout", parse_impedance, ohm).value_or(in_si(0.0, ohm)), ohm));
        }, "zout"_a = 0.0, "Z_th = (Z_out + R_s) || R_p in ohm: the source the headphone sees behind an output of this impedance.")
        .def("amplifier_load", [](const attenuator& a, py::handle z) {
            return a.amplifier_load(value_in(*quantity_arg(z, "attenuator '" + a.name() + "'", "impedance", parse_impedance, ohm), ohm)).real();
        }, "impedance"_a, "R_s + (R_p || Z) in ohm: the load the amplifier sees with a headphone of this impedance.")
        .def("__repr__", [](const attenuator& a) {
            std::string r = "Attenuator(" + std::string{py::repr(py::str(a.name()))} + ", series=" +
                            std::string{py::repr(py::float_(value_in(a.series(), ohm)))};
            if (a.shunt()) r += ", shunt=" + std::string{py::repr(py::float_(value_in(*a.shunt(), ohm)))};
            return r + ")";
        });

    // The keywords of OutputStage and Headphone: the fields table's Python names.
    py::list output_fields, headphone_fields;
    for (const auto& row : fields::output_rows) output_fields.append(py::str(std::string{row.python}));
    for (const auto& row : fields::headphone_rows) headphone_fields.append(py::str(std::string{row.python}));
    m.attr("_output_fields") = py::tuple(output_fields);
    m.attr("_headphone_fields") = py::tuple(headphone_fields);
    py::list attenuator_fields;
    for (const auto& row : fields::attenuator_rows) attenuator_fields.append(py::str(std::string{row.python}));
    m.attr("_attenuator_fields") = py::tuple(attenuator_fields);

    bind_analyses(m);
}

}  // namespace headroom::python
