# headroom_warnings(<target>): the project's warning set, on targets only (never global flags).
function(headroom_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wno-sign-conversion)
    if(HEADROOM_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # GCC documents that -fsanitize=address makes -Wmaybe-uninitialized report false positives (GCC 12 does,
      # on std::optional of Boost.Units quantities); the release build keeps the warning.
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
    if(HEADROOM_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
