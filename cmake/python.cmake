# The Python module's toolchain: the interpreter it is built for and pybind11. Sets HEADROOM_PYTHON_FOUND and the
# default of HEADROOM_BUILD_PYTHON (on where both are found, off in sanitizer builds, whose module Python could only
# load with the sanitizer runtime preloaded). Debian's /usr/bin/python3 is preferred over whatever python3 comes
# first on PATH (pyenv, conda): the module must load into the Python that has Debian's NumPy, pytest and Dask.
if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "The Python the module is built for")
endif()
set(HEADROOM_PYTHON_FOUND OFF)
find_package(Python 3.9 QUIET COMPONENTS Interpreter Development.Module)
if(Python_FOUND)
  find_package(pybind11 2.6 CONFIG QUIET)
  if(pybind11_FOUND)
    set(HEADROOM_PYTHON_FOUND ON)
  endif()
endif()

set(_headroom_python_default ${HEADROOM_PYTHON_FOUND})
if(HEADROOM_SANITIZE OR NOT PROJECT_IS_TOP_LEVEL)
  set(_headroom_python_default OFF)
endif()
# CI builds the module and runs its tests: a missing toolchain there is an error, not a skipped feature (unless the
# module was switched off explicitly, or the build is a sanitizer build).
if(NOT HEADROOM_PYTHON_FOUND AND NOT DEFINED HEADROOM_BUILD_PYTHON AND NOT HEADROOM_SANITIZE AND PROJECT_IS_TOP_LEVEL
   AND "$ENV{CI}")
  message(FATAL_ERROR "CI builds the Python module, but Python 3 with its headers or pybind11 is missing (Debian: "
                      "python3-dev pybind11-dev python3-pybind11): run .ci/install-deps, or pass -DHEADROOM_BUILD_PYTHON=OFF")
endif()
option(HEADROOM_BUILD_PYTHON "Build the Python module (python/; needs pybind11 and the Python headers)" ${_headroom_python_default})
if(HEADROOM_BUILD_PYTHON AND NOT HEADROOM_PYTHON_FOUND)
  message(FATAL_ERROR "HEADROOM_BUILD_PYTHON is on, but Python 3 with its headers or pybind11 is missing (Debian: "
                      "python3-dev pybind11-dev python3-pybind11)")
endif()
if(NOT HEADROOM_BUILD_PYTHON AND PROJECT_IS_TOP_LEVEL AND NOT HEADROOM_SANITIZE)
  message(STATUS "headroom: the Python module and its tests are skipped (pybind11 or the Python headers not found, or "
                 "HEADROOM_BUILD_PYTHON=OFF)")
endif()
