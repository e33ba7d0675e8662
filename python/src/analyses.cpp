// The analyses in Python: analyse, need, fit and compare_outputs, each answering with the command line's JSON keys
// (python/headroom wraps them in its public functions).

#include "bindings.hpp"

#include "headroom/compare.hpp"
#include "headroom/eq.hpp"
#include "headroom/fit.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/recommend.hpp"
#include "headroom/frontend/json.hpp"

#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

namespace headroom::python {

namespace {

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

void bind_analyses(py::module_& m) {
    using namespace pybind11::literals;

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
