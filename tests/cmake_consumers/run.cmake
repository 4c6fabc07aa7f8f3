# Builds one consumer project from scratch and runs its tests: `cmake -P run.cmake` with
#   SOURCE     the consumer project (a folder beside this file)
#   BINARY     its build directory (emptied first)
#   CXX        the C++ compiler
#   GENERATOR  the CMake generator
#   OPTIONS    further -D options for its configuration, separated by '|'
#   PARALLEL   build jobs (default 1: CTest already runs several tests at once)
# Every step's output is printed; the first failing step fails the script.

cmake_policy(VERSION 3.16)

foreach(var SOURCE BINARY CXX GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake needs -D${var}=...")
  endif()
endforeach()
string(REPLACE "|" ";" options "${OPTIONS}")

file(REMOVE_RECURSE "${BINARY}")
file(MAKE_DIRECTORY "${BINARY}")

function(step name)
  message(STATUS "${name}: ${ARGN}")
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${BINARY}" RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${name} failed (${result})")
  endif()
endfunction()

step(configure "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${BINARY}" -G "${GENERATOR}"
     "-DCMAKE_CXX_COMPILER=${CXX}" ${options})
if(NOT PARALLEL)
  set(PARALLEL 1)
endif()
step(build "${CMAKE_COMMAND}" --build "${BINARY}" --parallel ${PARALLEL})
step(test "${CMAKE_CTEST_COMMAND}" --output-on-failure)
