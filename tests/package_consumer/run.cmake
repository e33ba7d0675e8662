# Installs the built project into a scratch prefix, then configures, builds and runs the consumer against it.
# Called by ctest with -DBINARY_DIR=<headroom build> -DSOURCE_DIR=<this folder> -DWORK_DIR=<scratch>.
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(step
    "${CMAKE_COMMAND};--install;${BINARY_DIR};--prefix;${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR};-B;${WORK_DIR}/build;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix;-DCMAKE_BUILD_TYPE=Release;-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/build"
    "${WORK_DIR}/build/consumer_model"
    "${WORK_DIR}/build/consumer_io"
    "${WORK_DIR}/build/consumer_catalog"
    "${WORK_DIR}/build/consumer_batch")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package consumer step failed (${rc}): ${step}")
  endif()
endforeach()

# The installed command finds the catalog installed beside it, also once the install tree has been moved: rename
# one headphone in the moved copy and look for the new name.
if(EXISTS "${WORK_DIR}/prefix/bin/headroom")
  set(moved "${WORK_DIR}/moved")
  file(RENAME "${WORK_DIR}/prefix" "${moved}")
  set(catalog "${moved}/share/headroom/headphones.json")
  file(READ "${catalog}" text)
  string(REPLACE "\"name\": \"Sennheiser HD600\"," "\"name\": \"Relocated HD600\"," text "${text}")
  file(WRITE "${catalog}" "${text}")
  execute_process(COMMAND "${moved}/bin/headroom" catalog headphones RESULT_VARIABLE rc OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "Relocated HD600")
    message(FATAL_ERROR "the moved install did not read its own catalog (exit ${rc})")
  endif()
endif()

# pkg-config, as a Makefile would use it: `pkg-config --cflags --libs headroom` is enough to build every consumer.
find_program(PKG_CONFIG pkg-config)
find_program(CXX_COMPILER NAMES c++ g++)
if(PKG_CONFIG AND CXX_COMPILER AND EXISTS "${WORK_DIR}/moved/lib/pkgconfig/headroom.pc")
  set(ENV{PKG_CONFIG_PATH} "${WORK_DIR}/moved/lib/pkgconfig")
  execute_process(COMMAND ${PKG_CONFIG} --cflags --libs headroom RESULT_VARIABLE rc OUTPUT_VARIABLE flags
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config --cflags --libs headroom failed (${rc})")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(extra UNIX_COMMAND "${CXX_FLAGS}")
  foreach(consumer model io batch)
    execute_process(COMMAND ${CXX_COMPILER} -std=c++20 ${extra} ${SOURCE_DIR}/${consumer}.cpp ${flags} -o ${WORK_DIR}/pc_${consumer}
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "building the ${consumer} consumer with pkg-config's flags failed (${rc}): ${flags}")
    endif()
    execute_process(COMMAND ${WORK_DIR}/pc_${consumer} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "the ${consumer} consumer built with pkg-config's flags failed (${rc})")
    endif()
  endforeach()
endif()
