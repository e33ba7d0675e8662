// The typed model in Python: sensitivity, headphone, output stage, programme, impedance curves, EQ, and the
// analyses that report on them (analyse, need, fit, compare_outputs). Quantities come in as numbers in SI base units
// or as text with a unit, exactly as the command line takes them; results go out as the command line's JSON keys
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

// A whole-number-or-text quantity that must be present.
template <class Q, class Unit>
Q required_quantity(py::handle value, const std::string& entity, const char* field, Q (*parse)(std::string_view), Unit unit) {
    const auto q = quantity_arg(value, entity, field, parse, unit);
    if (!q) throw spec_error{entity, field, "is missing"};
    return *q;
}

// A point of a power table: "1.2W@32ohm", or a pair (power, load) of numbers or texts.
power_point power_point_arg(py::handle item, const std::string& entity) {
    if (py::isinstance<py::str>(item)) {
        const std::string text = item.cast<std::string>();
        try {
            return parse_power_point(text);
        } catch (const parse_error& e) {
            throw argument_error{entity, "power", e.what()};
        }
    }
    if (py::isinstance<py::sequence>(item) && py::len(item) == 2) {
        const auto pair = item.cast<py::sequence>();
        return {required_quantity(pair[0], entity, "power", parse_power, watt), required_quantity(pair[1], entity, "power", parse_impedance, ohm)};
    }
    throw py::type_error{entity + ": power: expected \"1.2W@32ohm\" or a (power, load) pair, not " +
                         std::string{py::str(py::type::of(item).attr("__name__"))}};
}

std::vector<power_point> power_table_arg(py::handle table, const std::string& entity) {
    if (py::isinstance<py::str>(table) || !py::isinstance<py::sequence>(table))
        throw py::type_error{entity + ": power: expected a list of points (\"1.2W@32ohm\" or (power, load) pairs)"};
    std::vector<power_point> points;
    for (const py::handle item : table) points.push_back(power_point_arg(item, entity));
    return points;
}

topology topology_arg(const std::string& text, const std::string& entity) {
    const std::string t = lower(text);
    if (t == "single_ended" || t == "single-ended" || t == "se") return topology::single_ended;
    if (t == "balanced" || t == "bridged") return topology::balanced;
    throw spec_error{entity, "topology", "must be 'single_ended' or 'balanced', not '" + text + "'"};
}

std::filesystem::path path_arg(py::handle value) { return value.cast<std::filesystem::path>(); }

// f at a frequency in Hz: a number gives a number, an array (or any sequence) an array of the same shape.
template <class R, class F>
py::object at_frequencies(py::handle hz, F f) {
    if (py::isinstance<py::float_>(hz) || py::isinstance<py::int_>(hz)) return py::cast(f(hz.cast<double>()));
    const auto in = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(hz);
    if (!in) throw py::type_error{"frequency_hz: expected a number or an array of numbers (Hz)"};
    py::array_t<R> out(std::vector<py::ssize_t>(in.shape(), in.shape() + in.ndim()));
    const double* x = in.data();
    R* y = out.mutable_data();
    for (py::ssize_t k = 0; k < in.size(); ++k) y[k] = f(x[k]);
    return out;
}

// Runs a reader on a file; a file that is not there becomes missing_file (FileNotFoundError as well).
template <class Read>
auto from_file(const std::filesystem::path& path, Read read) {
    try {
        return read(path);
    } catch (const io_error& e) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) throw missing_file{path.string(), e.what()};
        throw;
    }
}

// --- the Sensitivity class --------------------------------------------------------------------------------------

std::string_view form_name(sensitivity::form f) {
    switch (f) {
        case sensitivity::form::db_per_milliwatt: return "db_per_mw";
        case sensitivity::form::db_per_volt: return "db_per_v";
        case sensitivity::form::db_at_current: return "db_at_current";
        case sensitivity::form::voltage_for_level: return "voltage_for_level";
    }
    return {};
}

stated_sensitivity make_sensitivity(py::handle text, py::handle db_per_mw, py::handle db_per_v, py::handle db, py::handle current_ref,
                                    py::handle voltage_ref, py::handle at) {
    const std::string entity = "sensitivity";
    const int forms = int{!text.is_none()} + int{!db_per_mw.is_none()} + int{!db_per_v.is_none()} + int{!db.is_none()};
    if (forms != 1)
        throw spec_error{entity, "form", forms == 0 ? "is missing: give text (\"97dB/mW\"), db_per_mw, db_per_v, or db with current or voltage"
                                                    : "is given twice: give one of text, db_per_mw, db_per_v, db"};
    std::optional<frequency> f;
    if (!at.is_none()) f = quantity_arg(at, entity, "frequency", parse_frequency, hertz);
    if (!text.is_none()) {
        if (!py::isinstance<py::str>(text)) throw py::type_error{"sensitivity: text must be a str such as \"97dB/mW\""};
        const std::string t = text.cast<std::string>();
        stated_sensitivity s = [&] {
            try {
                return parse_stated_sensitivity(t);
            } catch (const parse_error& e) {
                throw argument_error{entity, "text", e.what()};
            }
        }();
        if (f && s.at && *f != *s.at) throw spec_error{entity, "frequency", "is given twice, differently: in the text and as frequency"};
        if (f) s.at = f;
        if (!current_ref.is_none() || !voltage_ref.is_none())
            throw spec_error{entity, current_ref.is_none() ? "voltage" : "current", "goes with db, not with text (the text states its reference)"};
        return s;
    }
    if (!db.is_none()) {
        const spl level = spl::of_db(*decibel_arg(db, entity, "db"));
        if (current_ref.is_none() == voltage_ref.is_none())
            throw spec_error{entity, "db", "needs its reference: current (\"5mA\") or voltage (\"100mV\"), one of them"};
        if (!current_ref.is_none())
            return {sensitivity::at_current(level, required_quantity(current_ref, entity, "current", parse_current, ampere)), f};
        return {sensitivity::voltage_for(required_quantity(voltage_ref, entity, "voltage", parse_voltage, volt), level), f};
    }
    if (!current_ref.is_none() || !voltage_ref.is_none())
        throw spec_error{entity, current_ref.is_none() ? "voltage" : "current", "goes with db (a level at that reference)"};
    if (!db_per_mw.is_none()) return {sensitivity::per_milliwatt(spl::of_db(*decibel_arg(db_per_mw, entity, "db_per_mw"))), f};
    return {sensitivity::per_volt(spl::of_db(*decibel_arg(db_per_v, entity, "db_per_v"))), f};
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

// The outputs to compare: an amplifier (every setting of every output), one of its outputs (every setting), or a
// list of output stages or (output, gain_setting, stage) triples.
// `att`: the attenuator between (a load-sensed output's mode is the one selected for the load the amplifier sees).
std::vector<output_option> options_arg(py::handle options, const headphone& hp, const attenuator* att) {
    std::vector<output_option> list;
    if (py::isinstance<amplifier_entry>(options)) return options_of(options.cast<const amplifier_entry&>(), hp, nullptr, att);
    if (py::isinstance<amplifier_output>(options)) {
        const auto& o = options.cast<const amplifier_output&>();
        for (const output_setting* s : o.settings_for(hp, att)) list.push_back({o.name, s->gain_name, s->stage, s->kind});
        return list;
    }
    if (py::isinstance<py::str>(options) || !py::isinstance<py::sequence>(options))
        throw py::type_error{"comparison: outputs: expected an Amplifier, an AmplifierOutput, or a list of OutputStage or "
                             "(output, gain_setting, OutputStage) triples"};
    for (const py::handle item : options) {
        if (py::isinstance<output_stage>(item)) {
            const auto& stage = item.cast<const output_stage&>();
            list.push_back({stage.name(), "", stage});
        } else if (py::isinstance<py::tuple>(item) && py::len(item) == 3) {
            const auto t = item.cast<py::tuple>();
            list.push_back({t[0].cast<std::string>(), t[1].is_none() ? std::string{} : t[1].cast<std::string>(), t[2].cast<output_stage>()});
        } else {
            throw py::type_error{"comparison: outputs: each item must be an OutputStage or an (output, gain_setting, OutputStage) triple"};
        }
    }
    return list;
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

    py::class_<stated_sensitivity>(m, "Sensitivity", R"doc(
A headphone's sensitivity in one of the forms makers and measurers publish.

Give one form: text as the command line takes it ("97dB/mW", "102dB/V", "94dB@100mV", "96dB/1mW",
"94.6dB@5mA", "327mV@94dB", "98 dB SPL/1 mW @ 1 kHz"), or keywords: db_per_mw=97, db_per_v=102,
db=94.6 with current=0.005 (or "5mA"), db=94 with voltage=0.1 (or "100mV"). frequency (Hz) is where the
maker stated it, when not 1 kHz. The forms based on power or current need the impedance to become dB SPL/V,
which the Headphone supplies.)doc")
        .def(py::init(&make_sensitivity), "text"_a = py::none(), py::kw_only(), "db_per_mw"_a = py::none(), "db_per_v"_a = py::none(),
             "db"_a = py::none(), "current"_a = py::none(), "voltage"_a = py::none(), "frequency"_a = py::none())
        .def_property_readonly("form", [](const stated_sensitivity& s) { return std::string{form_name(s.value.stated_form())}; },
                               "'db_per_mw', 'db_per_v', 'db_at_current' or 'voltage_for_level'")
        .def_property_readonly("level_db", [](const stated_sensitivity& s) { return s.value.stated_level().db(); },
                               "The stated level in dB SPL (for voltage_for_level: the level the voltage produces).")
        .def_property_readonly("current_a", [](const stated_sensitivity& s) -> std::optional<double> {
            if (s.value.stated_form() != sensitivity::form::db_at_current) return std::nullopt;
            return s.value.reference_value();
        }, "The reference current (A RMS) of the db_at_current form, else None.")
        .def_property_readonly("voltage_v", [](const stated_sensitivity& s) -> std::optional<double> {
            if (s.value.stated_form() != sensitivity::form::voltage_for_level) return std::nullopt;
            return s.value.reference_value();
        }, "The voltage (V RMS) of the voltage_for_level form, else None.")
        .def_property_readonly("frequency_hz", [](const stated_sensitivity& s) -> std::optional<double> {
            if (!s.at) return std::nullopt;
            return value_in(*s.at, hertz);
        }, "Where the sensitivity was stated, when named; None means 1 kHz.")
        .def("db_per_v", [](const stated_sensitivity& s, py::handle z) {
            return s.value.per_volt(required_quantity(z, "sensitivity", "impedance", parse_impedance, ohm)).db();
        }, "impedance"_a, "dB SPL for 1 V RMS into a load of this impedance (ohm or text).")
        .def("db_per_mw", [](const stated_sensitivity& s, py::handle z) {
            return s.value.per_milliwatt(required_quantity(z, "sensitivity", "impedance", parse_impedance, ohm)).db();
        }, "impedance"_a, "dB SPL for 1 mW into a load of this impedance (ohm or text).")
        .def("__str__", [](const stated_sensitivity& s) { return frontend::sensitivity_text(s.value); })
        .def("__repr__", [](const stated_sensitivity& s) {
            std::string r = "Sensitivity('" + frontend::sensitivity_text(s.value) + "'";
            if (s.at) r += ", frequency=" + std::string{py::repr(py::float_(value_in(*s.at, hertz)))};
            return r + ")";
        });

    py::class_<impedance_curve>(m, "ImpedanceCurve", R"doc(
A headphone's impedance across frequency: a measured table or a dynamic-driver model.

Make one with ImpedanceCurve.load(path) (CSV rows of frequency_hz,magnitude_ohm[,phase_deg]),
ImpedanceCurve.read(text), ImpedanceCurve.from_points(frequency_hz, magnitude_ohm, phase_deg=None),
ImpedanceCurve.driver("Re=32,Le=0.05mH,fs=100Hz,Qms=2,Qes=0.5") or ImpedanceCurve.driver(re=..., le=...,
fs=..., qms=..., qes=...), or ImpedanceCurve.resistive(ohm). Give it to a Headphone (curve=) and analyse()
reports the response deviation and the worst case across 20 Hz-20 kHz.)doc")
        .def_static("load", [](py::handle path) {
            return from_file(path_arg(path), [](const std::filesystem::path& p) { return load_impedance_curve(p); });
        }, "path"_a, "Reads a CSV file of frequency_hz,magnitude_ohm[,phase_deg] (phase positive when inductive).")
        .def_static("read", [](const std::string& text, const std::string& source) { return read_impedance_curve(text, source); },
                    "text"_a, "source"_a = "curve", "Reads CSV text; `source` names it in errors.")
        .def_static("from_points", [](const std::vector<double>& hz, const std::vector<double>& z, std::optional<std::vector<double>> phase,
                                      std::string name) {
            if (hz.size() != z.size() || (phase && phase->size() != hz.size()))
                throw spec_error{"impedance curve '" + name + "'", "points", "need as many magnitudes (and phases) as frequencies"};
            std::vector<impedance_point> points;
            for (std::size_t k = 0; k < hz.size(); ++k) points.push_back({in_si(hz[k], hertz), in_si(z[k], ohm), phase ? (*phase)[k] : 0.0});
            return impedance_curve::tabulated(std::move(points), std::move(name));
        }, "frequency_hz"_a, "magnitude_ohm"_a, "phase_deg"_a = py::none(), "name"_a = "curve",
           "A measured curve from sequences (or NumPy arrays) of frequency (Hz, increasing), |Z| (ohm) and phase (degrees).")
        .def_static("driver", [](py::handle text, py::handle re, py::handle le, py::handle fs, py::handle qms, py::handle qes) {
            if (!text.is_none()) {
                if (!re.is_none() || !le.is_none() || !fs.is_none() || !qms.is_none() || !qes.is_none())
                    throw spec_error{"driver model", "text", "is given with keywords: give one or the other"};
                const std::string t = text.cast<std::string>();
                return impedance_curve::driver(parse_driver_model(t), t);
            }
            const std::string entity = "driver model";
            const auto number = [&](py::handle v, const char* field) {
                if (v.is_none()) throw spec_error{entity, field, "is missing: give re, le, fs, qms and qes"};
                return v.cast<double>();
            };
            const driver_model d{required_quantity(re, entity, "Re", parse_impedance, ohm), in_si(number(le, "Le"), henry),
                                 required_quantity(fs, entity, "fs", parse_frequency, hertz), number(qms, "Qms"), number(qes, "Qes"), entity};
            return impedance_curve::driver(d, "driver model");
        }, "text"_a = py::none(), py::kw_only(), "re"_a = py::none(), "le"_a = py::none(), "fs"_a = py::none(), "qms"_a = py::none(),
           "qes"_a = py::none(),
           "A dynamic driver's impedance from text (\"Re=32,Le=0.05mH,fs=100Hz,Qms=2,Qes=0.5\") or keywords: re (ohm), le (H), "
           "fs (Hz), qms, qes.")
        .def_static("resistive", [](py::handle z) {
            return impedance_curve::resistive(required_quantity(z, "impedance curve", "impedance", parse_impedance, ohm));
        }, "impedance"_a, "A frequency-independent resistance.")
        .def_property_readonly("name", &impedance_curve::name)
        .def_property_readonly("is_driver_model", &impedance_curve::is_driver_model)
        .def("impedance_at", [](const impedance_curve& c, py::handle hz) {
            return at_frequencies<std::complex<double>>(hz, [&](double f) { return c.ohms_at(in_si(f, hertz)); });
        }, "frequency_hz"_a,
             "Z(f) in ohm as a complex number (real: resistance, imaginary: reactance); takes a number or an array.")
        .def("magnitude_at", [](const impedance_curve& c, py::handle hz) {
            return at_frequencies<double>(hz, [&](double f) { return value_in(c.magnitude_at(in_si(f, hertz)), ohm); });
        },
             "frequency_hz"_a, "|Z(f)| in ohm; takes a number or an array.")
        .def("minimum", [](const impedance_curve& c) {
            const auto min = c.minimum();
            return py::make_tuple(value_in(min.magnitude, ohm), value_in(min.at, hertz));
        }, "The smallest |Z| over 20 Hz-20 kHz and where it is: (ohm, hz).")
        .def("__repr__", [](const impedance_curve& c) { return "ImpedanceCurve(" + std::string{py::repr(py::str(c.name()))} + ")"; });

    py::class_<eq_filter>(m, "EQFilter", "One filter of a parametric EQ: type 'PK' (peaking), 'LSC' (low shelf) or 'HSC' (high shelf), "
                                         "fc (Hz), gain (dB), q.")
        .def(py::init([](const std::string& type, py::handle fc, py::handle g, double q) {
            const std::string t = lower(type);
            const eq_filter_type kind = t == "pk" || t == "peaking" ? eq_filter_type::peaking
                                        : t == "lsc" || t == "ls" || t == "low_shelf" ? eq_filter_type::low_shelf
                                        : t == "hsc" || t == "hs" || t == "high_shelf" ? eq_filter_type::high_shelf
                                        : throw spec_error{"EQ filter", "type", "must be PK, LSC or HSC, not '" + type + "'"};
            return eq_filter{kind, required_quantity(fc, "EQ filter", "Fc", parse_frequency, hertz),
                             gain::of_db(decibel_arg(g, "EQ filter", "gain").value_or(0.0)), q};
        }), "type"_a, "fc"_a, "gain"_a, "q"_a = 0.7071067811865476)
        .def_property_readonly("type", [](const eq_filter& f) {
            return f.type() == eq_filter_type::peaking ? "PK" : f.type() == eq_filter_type::low_shelf ? "LSC" : "HSC";
        })
        .def_property_readonly("fc_hz", [](const eq_filter& f) { return value_in(f.centre(), hertz); })
        .def_property_readonly("gain_db", [](const eq_filter& f) { return f.boost().db(); })
        .def_property_readonly("q", &eq_filter::q)
        .def("__repr__", [](const eq_filter& f) {
            return "EQFilter('" + std::string{f.type() == eq_filter_type::peaking ? "PK" : f.type() == eq_filter_type::low_shelf ? "LSC" : "HSC"} +
                   "', fc=" + std::string{py::repr(py::float_(value_in(f.centre(), hertz)))} + ", gain=" +
                   std::string{py::repr(py::float_(f.boost().db()))} + ", q=" + std::string{py::repr(py::float_(f.q()))} + ")";
        });

    py::class_<parametric_eq>(m, "ParametricEQ", R"doc(
A parametric EQ as AutoEq publishes it: a digital preamp and peaking / shelf filters. Its boost is level the
amplifier must deliver on top of the programme: analyse(..., eq=...) reports the headroom left.
ParametricEQ.load(path) reads AutoEq's ParametricEQ.txt (and Equalizer APO's filter lines).)doc")
        .def(py::init([](py::handle preamp, std::vector<eq_filter> filters) {
            return parametric_eq{gain::of_db(decibel_arg(preamp, "EQ", "preamp").value_or(0.0)), std::move(filters)};
        }), "preamp"_a = 0.0, "filters"_a = std::vector<eq_filter>{})
        .def_static("load", [](py::handle path) {
            return from_file(path_arg(path), [](const std::filesystem::path& p) { return load_parametric_eq(p); });
        }, "path"_a, "Reads AutoEq's ParametricEQ.txt.")
        .def_static("read", [](const std::string& text, const std::string& source) { return read_parametric_eq(text, source); }, "text"_a,
                    "source"_a = "EQ", "Reads ParametricEQ.txt text; `source` names it in errors.")
        .def_property_readonly("preamp_db", [](const parametric_eq& e) { return e.preamp().db(); })
        .def_property_readonly("filters", &parametric_eq::filters)
        .def("gain_at", [](const parametric_eq& e, py::handle hz) {
            return at_frequencies<double>(hz, [&](double f) { return eq_gain_at(e, in_si(f, hertz)).db(); });
        }, "frequency_hz"_a,
             "The filters' combined gain in dB at a frequency (preamp excluded); takes a number or an array.")
        .def("max_boost", [](const parametric_eq& e) {
            const eq_peak p = exact_peak(e);
            return py::make_tuple(p.boost.db(), value_in(p.at, hertz));
        }, "The largest gain over 20 Hz-20 kHz and where it is: (dB, Hz).")
        .def("__repr__", [](const parametric_eq& e) {
            return "ParametricEQ(preamp=" + std::string{py::repr(py::float_(e.preamp().db()))} + ", filters=" +
                   std::to_string(e.filters().size()) + " filters)";
        });

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

    m.def("_analyse", [](const output_stage& out, const headphone& hp, py::handle prog, py::handle target, py::handle crest,
                         const parametric_eq* eq, const attenuator* att) {
        const auto p = programme_arg(prog, target, crest);
        const pair_analysis a = analyse(out, hp, p, att);
        const auto across = analyse_frequency(out, hp, eq, p, att);
        return to_python(frontend::pair_json(out, hp, p, a, across ? &*across : nullptr));
    }, "output"_a, "headphone"_a, "programme"_a = py::none(), "target"_a = py::none(), "crest"_a = py::none(), "eq"_a = nullptr,
       "attenuator"_a = nullptr);

    m.def("_need", [](const headphone& hp, py::handle prog, py::handle target, py::handle crest, py::handle zout, py::handle source,
                      const parametric_eq* eq, const attenuator* att) {
        const auto p = programme_arg(prog, target, crest);
        if (!p) throw spec_error{"programme", "target", "is missing: give the level to reach (and crest for music)"};
        const auto z = quantity_arg(zout, "need", "zout", parse_impedance, ohm);
        if (z) detail::require_impedance(value_in(*z, ohm), "need", "zout", true);
        const voltage s = required_quantity(source, "need", "source", parse_voltage, volt);
        detail::require_voltage(value_in(s, volt), "need", "source");
        // With an EQ, what the programme needs at its largest boost (as `headroom need --eq`).
        std::optional<eq_response> boost;
        programme wanted = *p;
        if (eq != nullptr) {
            boost = eq_response_on(*eq, audio_band_grid(), p->spectrum());
            wanted = programme{p->average_level() + boost->peak.boost, p->crest_factor(), p->spectrum()};
        }
        return to_python(frontend::need_json(hp, *p, requirement_for(hp, wanted, z.value_or(in_si(0.0, ohm)), std::nullopt, att), z, s,
                                             boost ? &*boost : nullptr, att));
    }, "headphone"_a, "programme"_a = py::none(), "target"_a = py::none(), "crest"_a = py::none(), "zout"_a = py::none(), "source"_a = "2V",
       "eq"_a = nullptr, "attenuator"_a = nullptr);

    m.def("_fit", [](py::handle power, py::handle zout) {
        const std::string entity = "amplifier output";
        fit_options options;
        options.output_impedance = quantity_arg(zout, entity, "zout", parse_impedance, ohm);
        const rating_table table{power_table_arg(power, entity), entity};
        const stage_fit f = fit_output_stage(table.points(), options, entity);
        return py::make_tuple(to_python(frontend::fit_json(f)), f.stage);
    }, "power"_a, "zout"_a = py::none());

    m.def("_compare_outputs", [](py::handle options, const headphone& hp, py::handle prog, py::handle target, py::handle crest, py::handle enough,
                                 const parametric_eq* eq, const attenuator* att) {
        const auto p = programme_arg(prog, target, crest);
        const double e = decibel_arg(enough, "comparison", "enough").value_or(0.0);
        return to_python(frontend::comparison_json(hp, compare_outputs(options_arg(options, hp, att), hp, p, gain::of_db(e), eq, att)));
    }, "outputs"_a, "headphone"_a, "programme"_a = py::none(), "target"_a = py::none(), "crest"_a = py::none(), "enough"_a = 0.0,
       "eq"_a = nullptr, "attenuator"_a = nullptr);
}

}  // namespace headroom::python
