# `cmake --install` into a scratch prefix, then the installed package imported by a Python that knows nothing of
# the build tree: only PYTHONPATH=<prefix>/<HEADROOM_PYTHON_INSTALL_DIR>. It must come from there, carry its
# catalog, and analyse and sweep. Called by ctest with -DBINARY_DIR -DWORK_DIR -DPYTHON -DSITE (relative).
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${WORK_DIR}/prefix" RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
set(site "${WORK_DIR}/prefix/${SITE}")
if(NOT EXISTS "${site}/headroom/__init__.py")
  message(FATAL_ERROR "the package is not installed under ${site}")
endif()
set(check [=[
import pathlib, sys
import headroom as hr
site = pathlib.Path(sys.argv[1]).resolve()
here = pathlib.Path(hr.__file__).resolve().parent
assert here.parent == site, f"imported from {here}, not from {site}"
assert pathlib.Path(hr.catalog().headphones_file).resolve().parent == here / "data", "the installed catalog is read"
r = hr.analyse(hr.OutputStage(vmax=7.5, imax="250mA", zout=0.5), hr.Headphone(300, "97dB/mW"), target=85, crest=18)
s = hr.sweep(hr.catalog(), hr.catalog(), target=95, crest=18, top=1)
print(f"headroom {hr.__version__} from {here}: {r.max_spl_db:.2f} dB SPL max; sweep of {s.pairs} pairs, mean {s.headroom_db['mean']:+.2f} dB")
]=])
execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=HEADROOM_CLI "PYTHONPATH=${site}" PYTHONDONTWRITEBYTECODE=1
                        "${PYTHON}" -c "${check}" "${site}"
                WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed package does not import and run (${rc})")
endif()
