# gh_cmocka_tests(PROGRAM PREFIX [SOURCE file.c] [TIMEOUT s] [LABELS l...]
#                 [ENVIRONMENT v...])
#
# One ctest PREFIX.NAME per T(NAME) line of the program's test table (see
# tests/lib/gh_test.h), or per TN("NAME", fn) line where the test is named
# after a rule rather than its function, so a test's name is written once, in
# the C file; the
# list is read again when that file changes. Exit 77 (gh_skip) shows as
# skipped. PREFIX.ctest_runs_every_test_the_program_lists fails when what was
# read here differs from `PROGRAM --list`. Sets ${PREFIX}_TESTS in the
# caller, the ctest names, for properties of single tests.
set(GH_TEST_LIB_DIR ${CMAKE_CURRENT_LIST_DIR})
function(gh_cmocka_tests prog prefix)
  cmake_parse_arguments(A "" "SOURCE;TIMEOUT" "LABELS;ENVIRONMENT" ${ARGN})
  if(NOT A_SOURCE)
    set(A_SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/${prog}.c)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 60)
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${A_SOURCE})
  file(STRINGS ${A_SOURCE} lines REGEX "^[ \t]*(T\\([A-Za-z0-9_]+\\)|TN\\(\"[A-Za-z0-9_.]+\")")
  set(names)
  set(ctests)
  foreach(l IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*TN?\\(\"?([A-Za-z0-9_.]+).*" "\\1" n "${l}")
    list(APPEND names ${n})
  endforeach()
  if(NOT names)
    message(FATAL_ERROR "${A_SOURCE}: no T(name) lines in its test table")
  endif()
  foreach(n IN LISTS names)
    add_test(NAME ${prefix}.${n} COMMAND ${prog} ${n})
    set_tests_properties(${prefix}.${n} PROPERTIES TIMEOUT ${A_TIMEOUT}
      SKIP_RETURN_CODE 77 LABELS "${A_LABELS}")
    if(A_ENVIRONMENT)
      set_tests_properties(${prefix}.${n} PROPERTIES ENVIRONMENT "${A_ENVIRONMENT}")
    endif()
    list(APPEND ctests ${prefix}.${n})
  endforeach()
  string(REPLACE ";" "," joined "${names}")
  add_test(NAME ${prefix}.ctest_runs_every_test_the_program_lists
    COMMAND ${CMAKE_COMMAND} -DPROG=$<TARGET_FILE:${prog}> -DNAMES=${joined}
            -P ${GH_TEST_LIB_DIR}/list_check.cmake)
  set_tests_properties(${prefix}.ctest_runs_every_test_the_program_lists PROPERTIES
    TIMEOUT 30 LABELS "${A_LABELS}")
  set(${prefix}_TESTS ${ctests} PARENT_SCOPE)
endfunction()
