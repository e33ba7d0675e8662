// A headphone's responses in Python: its sensitivity (in each form makers publish), its impedance curve and a
// parametric EQ, each read from a file or built from numbers (python/src/model.cpp binds the objects that use them).

#include "bindings.hpp"

#include "headroom/eq.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/io.hpp"
#include "headroom/frontend/json.hpp"

#include <pybind11/complex.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <system_error>
#include <vector>

namespace headroom::python {

namespace {

using detail::lower;

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

}  // namespace

void bind_responses(py::module_& m) {
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
}

}  // namespace headroom::python
