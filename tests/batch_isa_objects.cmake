# The batch engine's per-instruction-set objects (src/batch/targets/*.cpp) must define no symbol but their own table
# of kernels (`kernels`, or `across_kernels` for the sweep across frequency): an inline function of a shared header
# emitted there (a weak symbol) could be picked by the linker for
# every caller, and run AVX-512 code where the processor has none. Called by ctest with -DNM=<nm> -DLIBRARY=<.a>.
execute_process(COMMAND "${NM}" -A --defined-only "${LIBRARY}" OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(bad "")
set(tables 0)
foreach(line IN LISTS lines)
  if(line MATCHES "(baseline|avx2|avx512)\\.cpp\\.o:[0-9a-fA-F]* ([A-Za-z]) (.*)$")
    set(kind "${CMAKE_MATCH_2}")
    set(name "${CMAKE_MATCH_3}")
    if(kind MATCHES "^[tbdr]$")
      continue()  # local to the object
    endif()
    if(kind STREQUAL "u")
      # A unique global object: the constant tables of inline variables (limit.hpp's exp_taylor, the engine's
      # atanh_series), emitted where an unoptimised build (the sanitizers') does not fold them. Data, the same
      # bits from every object, never code: the linker's choice among them cannot change a path.
      continue()
    endif()
    if(name MATCHES "^__odr_asan\\._ZN8headroom5batch6detail(8baseline|4avx2|6avx512)(7kernels|14across_kernels)E$")
      continue()  # AddressSanitizer's one-definition marker of that table: a byte, not code
    endif()
    if(name MATCHES "^_ZN8headroom5batch6detail(8baseline|4avx2|6avx512)(7kernels|14across_kernels)E$")
      math(EXPR tables "${tables} + 1")
      continue()
    endif()
    list(APPEND bad "${line}")
  endif()
endforeach()
if(bad)
  string(REPLACE ";" "\n" bad "${bad}")
  message(FATAL_ERROR "instruction-set objects define shared symbols:\n${bad}")
endif()
if(tables EQUAL 0)
  message(FATAL_ERROR "no table of kernels found in ${LIBRARY}")
endif()
message(STATUS "${tables} instruction-set objects, each defining only its table of kernels")
