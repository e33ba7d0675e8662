// The bundled catalog (or any catalog in its format) in Python: headphones and amplifiers with their outputs and
// gain settings, each carrying the model objects the analyses take, and the recommender over it (recommend.hpp).

#include "bindings.hpp"

#include "headroom/frontend/lookup.hpp"
#include "headroom/recommend.hpp"

#include "headroom/catalog.hpp"
#include "headroom/recommend.hpp"
#include "headroom/frontend/json.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>
#include <vector>

namespace headroom::python {

namespace {

// A loaded catalog: where it came from and its entries.
struct catalog {
    std::vector<headphone_entry> headphones;
    std::vector<amplifier_entry> amplifiers;
    std::vector<attenuator_entry> attenuators;  // none where the folder has no attenuators.json
    std::filesystem::path headphones_file, amplifiers_file;
};

catalog load_catalog(const std::filesystem::path& headphones_file, const std::filesystem::path& amplifiers_file,
                     const std::optional<std::filesystem::path>& attenuators_file) {
    catalog c;
    c.headphones = from_file(headphones_file, [](const std::filesystem::path& p) { return load_headphone_catalog(p); });
    c.amplifiers = from_file(amplifiers_file, [](const std::filesystem::path& p) { return load_amplifier_catalog(p); });
    if (attenuators_file)
        c.attenuators = from_file(*attenuators_file, [](const std::filesystem::path& p) { return load_attenuator_catalog(p); });
    c.headphones_file = headphones_file;
    c.amplifiers_file = amplifiers_file;
    return c;
}

py::object text_or_none(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

// (output, gain_setting, stage) of every option the amplifier gives `hp` (recommend.hpp's options_of: of a
// load-sensed output the mode the device selects); without a headphone, every setting.
py::list options_list(const amplifier_entry& a, const std::optional<headphone>& hp) {
    py::list l;
    if (hp) {
        for (const auto& o : options_of(a, *hp)) l.append(py::make_tuple(o.output, text_or_none(o.gain_setting), o.stage));
        return l;
    }
    for (const auto& o : a.outputs)
        for (const auto& s : o.settings) l.append(py::make_tuple(o.name, text_or_none(s.gain_name), s.stage));
    return l;
}

// The table `sweep --headphone/--amp --json` lists (frontend::ranked_table_json): the qualifying rows first, at most
// `top` of them.
py::dict ranked_json(const char* owner_key, const std::string& owner, std::vector<frontend::ranked_row> rows, gain enough,
                     const std::optional<spl>& max_hiss, std::optional<std::size_t> top, const attenuator* att) {
    const frontend::ranked_table t = frontend::qualify(std::move(rows), enough, max_hiss);
    return to_python(frontend::ranked_table_json(owner_key, owner, t, top.value_or(t.qualifying), att)).cast<py::dict>();
}

std::optional<spl> max_hiss_arg(py::handle max_hiss) {
    const auto db = decibel_arg(max_hiss, "recommendation", "max_hiss");
    if (!db) return std::nullopt;
    return spl::of_db(*db);
}

std::optional<std::size_t> top_arg(std::optional<long long> top) {
    if (!top) return std::nullopt;
    if (*top < 0) throw spec_error{"recommendation", "top", "must not be negative"};
    return static_cast<std::size_t>(*top);
}

}  // namespace

void bind_catalog(py::module_& m) {
    using namespace pybind11::literals;

    py::class_<output_setting>(m, "GainSetting", "One gain setting of one amplifier output: the output stage the analyses use.")
        .def_property_readonly("name", [](const output_setting& s) { return text_or_none(s.gain_name); },
                               "The setting's name ('low', 'high'), None when the output has one setting.")
        .def_property_readonly("gain_db", [](const output_setting& s) -> std::optional<double> {
            if (s.stated_gain) return s.stated_gain->db();
            return std::nullopt;
        }, "The setting's voltage gain in dB, when stated.")
        .def_readonly("stage", &output_setting::stage)
        .def_property_readonly("kind", [](const output_setting& s) { return std::string{to_string(s.kind)}; },
                               "gain (a setting the user picks), load_sensed (a mode the device selects by the load) or "
                               "output_impedance (a Z_out selector)")
        .def_property_readonly("loads", [](const output_setting& s) {
            return std::pair<double, double>{s.load_min ? value_in(*s.load_min, ohm) : 0.0,
                                             s.load_max ? value_in(*s.load_max, ohm) : std::numeric_limits<double>::infinity()};
        }, "The loads (ohm, from, up to) the device selects a load-sensed mode for; (0, inf) for other settings.")
        .def("__repr__", [](const output_setting& s) { return "GainSetting(" + std::string{py::repr(text_or_none(s.gain_name))} + ")"; });

    py::class_<amplifier_output>(m, "AmplifierOutput", "One output (jack) of a catalog amplifier, with its gain settings.")
        .def_readonly("name", &amplifier_output::name)
        .def_property_readonly("topology", [](const amplifier_output& o) { return std::string{to_string(o.kind)}; })
        .def_property_readonly("connector", [](const amplifier_output& o) { return text_or_none(o.connector); })
        .def_readonly("settings", &amplifier_output::settings)
        .def("setting", [](const amplifier_output& o, const std::string& name) {
            return frontend::find_setting(o, name);
        }, "name"_a = "", "The gain setting of this name (case-insensitive); '' when the output has one.")
        .def("__repr__", [](const amplifier_output& o) { return "AmplifierOutput(" + std::string{py::repr(py::str(o.name))} + ")"; });

    py::class_<amplifier_entry>(m, "Amplifier", "A catalog amplifier: its kind, source and outputs.")
        .def_readonly("name", &amplifier_entry::name)
        .def_property_readonly("kind", [](const amplifier_entry& a) { return std::string{to_string(a.kind)}; })
        .def_property_readonly("basis", [](const amplifier_entry& a) { return std::string{to_string(a.basis)}; },
                               "'spec' (the maker's figures), 'measured' or 'own'")
        .def_property_readonly("source", [](const amplifier_entry& a) { return text_or_none(a.source); })
        .def_property_readonly("secondary_source", [](const amplifier_entry& a) { return text_or_none(a.secondary_source); })
        .def_property_readonly("note", [](const amplifier_entry& a) { return text_or_none(a.note); })
        .def_readonly("outputs", &amplifier_entry::outputs)
        .def("output", [](const amplifier_entry& a, const std::string& name) {
            return frontend::find_output(a, name);
        }, "name"_a, "The output of this name (case-insensitive).")
        .def_property_readonly("balanced_output", [](const amplifier_entry& a) -> std::optional<amplifier_output> {
            if (const auto* o = a.balanced_output()) return *o;
            return std::nullopt;
        })
        .def("options", &options_list, "headphone"_a = py::none(),
             "Every (output, gain_setting, OutputStage) the amplifier offers the headphone, as compare_outputs takes them: of a "
             "load-sensed output only the mode the device selects for it; without a headphone, every setting.")
        .def("to_dict", [](const amplifier_entry& a) { return to_python(frontend::amplifier_entry_json(a)); },
             "The entry as `catalog amps --json` writes it.")
        .def("__repr__", [](const amplifier_entry& a) { return "Amplifier(" + std::string{py::repr(py::str(a.name))} + ")"; });

    py::class_<headphone_entry>(m, "CatalogHeadphone", "A catalog headphone: its model (a Headphone), type and source.")
        .def_property_readonly("name", &headphone_entry::name)
        .def_readonly("model", &headphone_entry::model, "The Headphone the analyses take (with its impedance curve, if any).")
        .def_property_readonly("type", [](const headphone_entry& h) { return std::string{to_string(h.type)}; })
        .def_property_readonly("basis", [](const headphone_entry& h) { return std::string{to_string(h.basis)}; })
        .def_property_readonly("source", [](const headphone_entry& h) { return text_or_none(h.source); })
        .def_property_readonly("secondary_source", [](const headphone_entry& h) { return text_or_none(h.secondary_source); })
        .def_property_readonly("note", [](const headphone_entry& h) { return text_or_none(h.note); })
        .def_property_readonly("drivers", [](const headphone_entry& h) { return text_or_none(h.drivers); })
        .def_property_readonly("impedance_curve_file", [](const headphone_entry& h) -> std::optional<std::filesystem::path> {
            if (h.impedance_curve.empty()) return std::nullopt;
            return h.impedance_curve_file;
        })
        .def("to_dict", [](const headphone_entry& h) { return to_python(frontend::headphone_entry_json(h)); },
             "The entry as `catalog headphones --json` writes it.")
        .def("__repr__", [](const headphone_entry& h) { return "CatalogHeadphone(" + std::string{py::repr(py::str(h.name()))} + ")"; });

    py::class_<catalog>(m, "Catalog", "Headphones and amplifiers read from catalog files (docs/catalog-format.md).")
        .def_readonly("headphones", &catalog::headphones)
        .def_readonly("amplifiers", &catalog::amplifiers)
        .def_readonly("headphones_file", &catalog::headphones_file)
        .def_readonly("amplifiers_file", &catalog::amplifiers_file)
        .def("headphone", [](const catalog& c, const std::string& name) {
            return frontend::find_headphone(c.headphones, name);
        }, "name"_a, "The headphone of this name (case-insensitive); a miss suggests the nearest names.")
        .def("amplifier", [](const catalog& c, const std::string& name) {
            return frontend::find_amplifier(c.amplifiers, name);
        }, "name"_a, "The amplifier of this name (case-insensitive); a miss suggests the nearest names.")
        .def_readonly("attenuators", &catalog::attenuators)
        .def("attenuator", [](const catalog& c, const std::string& name) {
            return frontend::find_attenuator(c.attenuators, name);
        }, "name"_a, "The attenuator or adapter of this name (case-insensitive); a miss suggests the nearest names.")
        .def("__repr__", [](const catalog& c) {
            return "Catalog(" + std::to_string(c.headphones.size()) + " headphones, " + std::to_string(c.amplifiers.size()) + " amplifiers, " +
                   std::to_string(c.attenuators.size()) + " attenuators)";
        });

    py::class_<attenuator_entry>(m, "CatalogAttenuator",
                                 "A catalog attenuator or impedance adapter: its model (an Attenuator), its resistor values' source.")
        .def_property_readonly("name", &attenuator_entry::name)
        .def_readonly("model", &attenuator_entry::model, "The Attenuator the analyses take.")
        .def_property_readonly("basis", [](const attenuator_entry& a) { return std::string{to_string(a.basis)}; })
        .def_property_readonly("source", [](const attenuator_entry& a) { return text_or_none(a.source); })
        .def_property_readonly("secondary_source", [](const attenuator_entry& a) { return text_or_none(a.secondary_source); })
        .def_property_readonly("note", [](const attenuator_entry& a) { return text_or_none(a.note); })
        .def("__repr__", [](const attenuator_entry& a) { return "CatalogAttenuator(" + std::string{py::repr(py::str(a.name()))} + ")"; });

    m.def("_load_catalog", &load_catalog, "headphones_file"_a, "amplifiers_file"_a, "attenuators_file"_a = py::none());

    m.def("_rank_outputs", [](py::handle hp_object, std::vector<amplifier_entry> amps, py::handle prog, py::handle target,
                              py::handle crest, py::handle min_headroom, std::optional<long long> top, const attenuator* att,
                              py::handle max_hiss) {
        const auto p = programme_arg(prog, target, crest);
        const gain enough = gain::of_db(decibel_arg(min_headroom, "recommendation", "min_headroom").value_or(0.0));
        // A catalog entry or a Headphone of one's own; an attenuator stands before a catalog entry only if it is an IEM (as
        // sweep --attenuator), before a Headphone of one's own always.
        const bool catalog_entry = py::isinstance<headphone_entry>(hp_object);
        const headphone hp = catalog_entry ? hp_object.cast<const headphone_entry&>().model : hp_object.cast<headphone>();
        // Named for a catalog headphone that is not an IEM it would change nothing, so it is refused rather than dropped.
        if (catalog_entry && att != nullptr && hp_object.cast<const headphone_entry&>().type != headphone_type::iem)
            throw spec_error{"recommendation", "attenuator",
                             "stands before IEMs only (as sweep --attenuator), and '" + hp.name() + "' is not one"};
        const auto ranked = rank_outputs(hp, amps, p, enough, att);
        std::vector<frontend::ranked_row> rows;
        for (const auto& r : ranked) rows.push_back({r.amplifier->name, &r.advised});
        return ranked_json("headphone", hp.name(), std::move(rows), enough, max_hiss_arg(max_hiss), top_arg(top), att);
    }, "headphone"_a, "amplifiers"_a, "programme"_a = py::none(), "target"_a = py::none(), "crest"_a = py::none(), "min_headroom"_a = 0.0,
       "top"_a = py::none(), "attenuator"_a = nullptr, "max_hiss"_a = py::none());

    m.def("_rank_headphones", [](const amplifier_entry& amp, std::vector<headphone_entry> headphones, py::handle prog, py::handle target,
                                 py::handle crest, py::handle min_headroom, std::optional<long long> top, const attenuator* att,
                                 py::handle max_hiss) {
        const auto p = programme_arg(prog, target, crest);
        if (!p) throw spec_error{"recommendation", "programme", "is missing: ranking headphones by headroom needs a target level"};
        const gain enough = gain::of_db(decibel_arg(min_headroom, "recommendation", "min_headroom").value_or(0.0));
        const auto ranked = rank_headphones(amp, headphones, *p, enough, att);
        std::vector<frontend::ranked_row> rows;
        for (const auto& r : ranked) rows.push_back({r.headphone->name(), &r.best});
        return ranked_json("amplifier", amp.name, std::move(rows), enough, max_hiss_arg(max_hiss), top_arg(top), att);
    }, "amplifier"_a, "headphones"_a, "programme"_a = py::none(), "target"_a = py::none(), "crest"_a = py::none(), "min_headroom"_a = 0.0,
       "top"_a = py::none(), "attenuator"_a = nullptr, "max_hiss"_a = py::none());
}

}  // namespace headroom::python
