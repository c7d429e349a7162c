# Helpers that give every module the same shape: one library per folder under src/, named
# caudal_<module> with the alias caudal::<module>, explicit source lists, tests beside the code.

set(CAUDAL_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
                    -Woverloaded-virtual -Wimplicit-fallthrough)
if(CAUDAL_WERROR)
  list(APPEND CAUDAL_WARNINGS -Werror)
endif()

# A fuzz build (fuzz/) is a sanitizer build whose libraries also carry libFuzzer's coverage
# instrumentation, so the fuzzers see into the code they call.
if(CAUDAL_BUILD_FUZZ)
  set(CAUDAL_SANITIZE ON)
endif()

set(CAUDAL_SANITIZER_FLAGS "")
if(CAUDAL_SANITIZE)
  set(CAUDAL_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
                             -fno-sanitize-recover=undefined)
endif()
if(CAUDAL_BUILD_FUZZ)
  list(APPEND CAUDAL_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
endif()

function(caudal_apply_flags target)
  target_compile_options(${target} PRIVATE ${CAUDAL_WARNINGS} ${CAUDAL_SANITIZER_FLAGS})
  if(CAUDAL_SANITIZE)
    target_link_options(${target} PRIVATE ${CAUDAL_SANITIZER_FLAGS})
  endif()
endfunction()

# caudal_library(NAME <module> SOURCES ... [DEPS ...])
function(caudal_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  set(target caudal_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(caudal::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  caudal_apply_flags(${target})
  if(CAUDAL_SANITIZE)
    target_link_options(${target} INTERFACE ${CAUDAL_SANITIZER_FLAGS})
  endif()
endfunction()

# caudal_test(NAME <name> SOURCES ... DEPS ... [LABELS unit|integration|slow ...] [TIMEOUT s])
# One executable per test file group; registered with ctest under the given labels.
function(caudal_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT CAUDAL_BUILD_TESTS)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  caudal_apply_flags(${ARG_NAME})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if("unit" IN_LIST ARG_LABELS)
    set_property(GLOBAL APPEND PROPERTY CAUDAL_UNIT_TESTS ${ARG_NAME})
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "CAUDAL_SOURCE_DIR=${PROJECT_SOURCE_DIR};CAUDAL_BINARY=$<TARGET_FILE:caudal>")
endfunction()

# caudal_bench(NAME <name> SOURCES ... DEPS ...): a Google Benchmark executable. Never a test.
function(caudal_bench)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  if(NOT CAUDAL_BUILD_BENCH)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  caudal_apply_flags(${ARG_NAME})
endfunction()
