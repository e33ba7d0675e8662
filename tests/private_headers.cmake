# No face's source includes another face's or the batch engine's private header ("cli/...", "batch/...", "io/...",
# "report/..."): cmake -DROOT=<source dir> -P private_headers.cmake. The compile checks in CMakeLists.txt prove the
# include paths refuse them; this catches a face that adds such a path to its own build.
file(GLOB_RECURSE _sources "${ROOT}/python/src/*.cpp" "${ROOT}/python/src/*.hpp" "${ROOT}/web/src/*.cpp" "${ROOT}/web/src/*.hpp"
     "${ROOT}/src/cli/*.cpp" "${ROOT}/src/cli/*.hpp")
set(_found "")
foreach(f IN LISTS _sources)
  file(STRINGS "${f}" _lines REGEX "#include \"(cli|batch|io|report|frontend)/")
  if(_lines)
    string(APPEND _found "\n  ${f}: ${_lines}")
  endif()
endforeach()
if(_found)
  message(FATAL_ERROR "a face includes a private header:${_found}")
endif()
