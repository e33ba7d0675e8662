#pragma once

// What the parts of the Python module share: turning Python arguments into the model's quantities (a number in the
// SI base unit, or text with a unit as the command line takes it), JSON figures into Python objects, and the
// errors that name the argument they came from. The module itself is python/src/module.cpp.

#include "headroom/analysis.hpp"
#include "headroom/fields.hpp"
#include "headroom/frontend/lookup.hpp"
#include "headroom/io.hpp"
#include "headroom/parse.hpp"
#include "headroom/units.hpp"

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace headroom::python {

namespace py = pybind11;

// Text given for an argument that is not a value of its kind: raised as headroom.ParseError, with the entity
// ("headphone 'HD600'") and the argument ("impedance") it was given for.
class argument_error : public std::invalid_argument {
public:
    argument_error(std::string entity, std::string field, const std::string& problem)
        : std::invalid_argument{entity + ": " + field + ": " + problem}, entity_{std::move(entity)}, field_{std::move(field)} {}
    [[nodiscard]] const std::string& entity() const noexcept { return entity_; }
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    std::string entity_, field_;
};

// A name the catalog does not hold (a headphone, an amplifier, an output, a setting): headroom.UnknownNameError,
// a LookupError as well as a ValueError. The message lists the nearest names.
using unknown_name = frontend::unknown_name;

// A file that does not exist: headroom.MissingFileError, both an InputFileError and a FileNotFoundError.
class missing_file : public std::invalid_argument {
public:
    missing_file(std::string path, const std::string& message) : std::invalid_argument{message}, path_{std::move(path)} {}
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

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

// A quantity from a Python argument: None is absent; an int or float is in the SI base unit (as a bare number on
// the command line); a str is parsed with `parse` ("250mA", "6.5Vpp"). Anything else is a TypeError naming the
// argument; bad text is an argument_error.
template <class Q, class Unit>
std::optional<Q> quantity_arg(py::handle value, const std::string& entity, const char* field, Q (*parse)(std::string_view),
                              Unit unit) {
    if (value.is_none()) return std::nullopt;
    if (py::isinstance<py::str>(value)) {
        const std::string text = value.cast<std::string>();
        try {
            return parse(text);
        } catch (const parse_error& e) {
            throw argument_error{entity, field, e.what()};
        }
    }
    if (py::isinstance<py::bool_>(value) || !(py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value) ||
                                               py::hasattr(value, "__float__")))
        throw py::type_error{entity + ": " + field + ": expected a number (in SI base units) or text with a unit, not " +
                             std::string{py::str(py::type::of(value).attr("__name__"))}};
    return in_si(value.cast<double>(), unit);
}

// A whole-number-or-text quantity that must be present.
template <class Q, class Unit>
Q required_quantity(py::handle value, const std::string& entity, const char* field, Q (*parse)(std::string_view), Unit unit) {
    const auto q = quantity_arg(value, entity, field, parse, unit);
    if (!q) throw spec_error{entity, field, "is missing"};
    return *q;
}

// A level or gain in dB from a number or text ("85", "85dB", "18 dB").
std::optional<double> decibel_arg(py::handle value, const std::string& entity, const char* field);

// The programme an analysis asks about: `programme` when given, else one made of `target` and `crest` (dB or text),
// else none. Giving both is a ValueError.
std::optional<programme> programme_arg(py::handle programme_object, py::handle target, py::handle crest);

// JSON figures as Python objects: objects become dicts (in the same key order), arrays lists, null None.
py::object to_python(const nlohmann::ordered_json& j);

// Registers the exception classes on the module and the translator that raises them.
void register_errors(py::module_& m);

void bind_model(py::module_& m);
// Parts of bind_model: the sensitivity, impedance curve and EQ classes (responses.cpp), the analyses (analyses.cpp).
void bind_responses(py::module_& m);
void bind_analyses(py::module_& m);
void bind_catalog(py::module_& m);
void bind_sweep(py::module_& m);

}  // namespace headroom::python
