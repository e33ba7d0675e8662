// The module's exceptions: every bad input is a ValueError subclass that names what was wrong, so that
// `except ValueError` catches them all and the attributes point at the exact value.

#include "bindings.hpp"

#include "headroom/batch/sweep.hpp"

#include "headroom/error.hpp"
#include "headroom/io.hpp"

#include <cerrno>
#include <initializer_list>

namespace headroom::python {

namespace {

// The classes, created once when the module is imported and kept for the translator (the module keeps them alive).
struct error_classes {
    PyObject* base = nullptr;     // HeadroomError(ValueError)
    PyObject* spec = nullptr;     // SpecError: entity, field, problem
    PyObject* parse = nullptr;    // ParseError: entity, field
    PyObject* file = nullptr;     // InputFileError: file, entry, field
    PyObject* missing = nullptr;  // MissingFileError(InputFileError, FileNotFoundError): filename, errno
    PyObject* unknown = nullptr;  // UnknownNameError(HeadroomError, LookupError): kind
};
error_classes classes;

PyObject* new_class(py::module_& m, const char* name, const char* doc, std::initializer_list<PyObject*> bases) {
    py::tuple b(bases.size());
    std::size_t k = 0;
    for (PyObject* base : bases) b[k++] = py::reinterpret_borrow<py::object>(base);
    const std::string qualified = std::string{"headroom."} + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, b.ptr(), nullptr);
    if (cls == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(cls));
    return cls;
}

void raise(PyObject* cls, const char* message, std::initializer_list<std::pair<const char*, py::object>> attributes) {
    py::object e = py::reinterpret_borrow<py::object>(cls)(message);
    for (const auto& [name, value] : attributes) e.attr(name) = value;
    PyErr_SetObject(cls, e.ptr());
}

py::object text_or_none(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

}  // namespace

void register_errors(py::module_& m) {
    classes.base = new_class(m, "HeadroomError",
                             "Bad input to headroom: a ValueError. Every other headroom exception derives from it.",
                             {PyExc_ValueError});
    classes.spec = new_class(m, "SpecError",
                             "A value the model refuses (an impedance of zero, a negative limit, a target of 300 dB). "
                             "Attributes: entity (\"headphone 'HD600'\"), field (\"impedance\"), problem (\"must be positive\").",
                             {classes.base});
    classes.parse = new_class(m, "ParseError",
                              "Text that is not a value of the expected kind (\"7.5Q\" for a voltage, \"97 dB\" without its "
                              "reference for a sensitivity). Attributes: entity, field (the argument).",
                              {classes.base});
    classes.file = new_class(m, "InputFileError",
                             "A file (catalog, impedance curve, EQ) that cannot be read as what it should be. Attributes: "
                             "file (with :line where known), entry, field (None when not applicable).",
                             {classes.base});
    classes.missing = new_class(m, "MissingFileError",
                                "A file that does not exist: both an InputFileError and a FileNotFoundError. Attributes: "
                                "filename, errno, and InputFileError's.",
                                {classes.file, PyExc_FileNotFoundError});
    classes.unknown = new_class(m, "UnknownNameError",
                                "A name the catalog does not hold (headphone, amplifier, output or gain setting); the "
                                "message lists the nearest names. Both a HeadroomError and a LookupError. Attribute: kind.",
                                {classes.base, PyExc_LookupError});
    m.attr("CatalogError") = m.attr("InputFileError");

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const spec_error& e) {
            raise(classes.spec, e.what(), {{"entity", py::str(e.entity())}, {"field", py::str(e.field())}, {"problem", py::str(e.problem())}});
        } catch (const batch::column_error& e) {  // a sweep's column, by its name
            raise(classes.spec, e.what(), {{"entity", py::str(e.entity())}, {"field", py::str(e.column())}, {"problem", py::str(e.what())}});
        } catch (const input_error& e) {  // named as the keyword the caller passed (fields.hpp)
            const std::string message = (e.entity().empty() ? std::string{} : e.entity() + ": ") + e.key() + ": " + e.problem();
            const py::object entity = e.entity().empty() ? py::object(py::none()) : py::object(py::str(e.entity()));
            if (e.unreadable())
                raise(classes.parse, message.c_str(), {{"entity", entity}, {"field", py::str(e.key())}});
            else
                raise(classes.spec, message.c_str(), {{"entity", entity}, {"field", py::str(e.key())}, {"problem", py::str(e.problem())}});
        } catch (const argument_error& e) {
            raise(classes.parse, e.what(), {{"entity", py::str(e.entity())}, {"field", py::str(e.field())}});
        } catch (const parse_error& e) {
            raise(classes.parse, e.what(), {{"entity", py::none()}, {"field", py::none()}});
        } catch (const missing_file& e) {
            raise(classes.missing, e.what(), {{"filename", py::str(e.path())}, {"errno", py::int_(ENOENT)}, {"strerror", py::str("No such file or directory")},
                                              {"file", py::str(e.path())}, {"entry", py::none()}, {"field", py::none()}});
        } catch (const io_error& e) {
            raise(classes.file, e.what(), {{"file", py::str(e.file())}, {"entry", text_or_none(e.entry())}, {"field", text_or_none(e.field())}});
        } catch (const unknown_name& e) {
            raise(classes.unknown, e.what(), {{"kind", py::str(e.kind())}});
        } catch (const std::invalid_argument& e) {
            raise(classes.base, e.what(), {});
        } catch (const py::cast_error& e) {  // a value of the wrong type where a keyword wants text or a number
            PyErr_SetString(PyExc_TypeError, e.what());
        }
    });
}

}  // namespace headroom::python
