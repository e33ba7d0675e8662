// headroom._core: the compiled part of the Python package. The package (python/headroom/__init__.py) re-exports
// its classes and wraps its functions' dicts in result objects; docs/python.md is the tour.

#include "bindings.hpp"

#include "headroom/version.hpp"

#ifndef HEADROOM_DATA_DIR
#define HEADROOM_DATA_DIR ""
#endif

PYBIND11_MODULE(_core, m) {
    m.doc() = "headroom's compiled core: the model, the catalog and the sweep (use the headroom package)";
    m.attr("__version__") = HEADROOM_VERSION_STRING;
    // The source tree's catalog, for a module used from the build tree; an installed package carries its own copy.
    m.attr("_source_data_dir") = HEADROOM_DATA_DIR;
    headroom::python::register_errors(m);
    headroom::python::bind_model(m);
    headroom::python::bind_catalog(m);
    headroom::python::bind_sweep(m);
}
