# The web page's tests, registered with the main build's ctest when the web toolchain is here (emscripten, node
# with web/node_modules from `npm ci`, and chromium: .ci/install-web-deps installs them). web.build builds the page
# into <build>/web/site with web/build.sh; each web.* test then runs one file of web/tests in headless chromium and
# compares the page with this build's headroom command.
option(HEADROOM_WEB_TESTS_AUTO "Register the web page's browser tests when emscripten, node and chromium are found" ON)
set(HEADROOM_CHROMIUM "/usr/bin/chromium" CACHE FILEPATH "The chromium the browser tests drive")
find_program(HEADROOM_EMCMAKE emcmake)
find_program(HEADROOM_NODE node)
set(_web "${PROJECT_SOURCE_DIR}/web")
set(_web_missing "")
if(NOT HEADROOM_EMCMAKE)
  list(APPEND _web_missing "emscripten")
endif()
if(NOT HEADROOM_NODE)
  list(APPEND _web_missing "node")
endif()
if(NOT EXISTS "${_web}/node_modules/puppeteer-core/package.json")
  list(APPEND _web_missing "web/node_modules (npm ci)")
endif()
if(NOT EXISTS "${HEADROOM_CHROMIUM}")
  list(APPEND _web_missing "chromium")
endif()

# Sanitizer builds test the native code; the page is tested once, in the plain build.
if(HEADROOM_SANITIZE OR NOT HEADROOM_WEB_TESTS_AUTO)
  return()
endif()
if(_web_missing)
  if("$ENV{CI}")
    message(FATAL_ERROR "CI runs the browser tests, but ${_web_missing} is missing: run .ci/install-web-deps")
  endif()
  message(STATUS "headroom: the web page's browser tests are skipped (missing: ${_web_missing}; .ci/install-web-deps installs them)")
  return()
endif()

add_test(NAME web.build COMMAND "${_web}/build.sh" "${PROJECT_BINARY_DIR}/web")
set_tests_properties(web.build PROPERTIES FIXTURES_SETUP web_site TIMEOUT 1200)
foreach(name numbers page links)
  add_test(NAME web.${name} COMMAND "${HEADROOM_NODE}" --test "${_web}/tests/${name}.test.mjs" WORKING_DIRECTORY "${_web}")
  set_tests_properties(web.${name} PROPERTIES FIXTURES_REQUIRED web_site RESOURCE_LOCK chromium TIMEOUT 600
    ENVIRONMENT "HEADROOM_SITE=${PROJECT_BINARY_DIR}/web/site;HEADROOM_CLI=$<TARGET_FILE:headroom_cli>;HEADROOM_CHROMIUM=${HEADROOM_CHROMIUM}")
endforeach()
