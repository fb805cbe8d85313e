# cmake -DPROG=... -DNAMES=a,b,c -P list_check.cmake: the names ctest was
# given (read from the test table by gh_cmocka_tests) are exactly what
# `PROG --list` prints, in order; else fails naming the difference.
execute_process(COMMAND ${PROG} --list OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROG} --list: exit ${rc}")
endif()
string(STRIP "${out}" out)
string(REPLACE "\n" "," listed "${out}")
if(NOT listed STREQUAL NAMES)
  message(FATAL_ERROR "ctest has: ${NAMES}\n${PROG} --list: ${listed}\n"
                      "(write each test as T(name) on a line of its own)")
endif()
message(STATUS "ok: ${PROG} lists the same tests as ctest")
