# Shared by the consumer projects: one executable of consumer.cpp (or of SOURCE, another file
# of cmake_consumers/) for each C++ standard of SIO_CONSUMER_STANDARDS (default 17, 20 and 23),
# each built with -Wall -Wextra -Werror against `target` and registered as a test of the
# consumer project, named <PREFIX>_cxx<standard> (PREFIX defaults to consumer).

set(SIO_CONSUMER_STANDARDS "17;20;23" CACHE STRING "C++ standards the consumer is built as")
# Lists can be given with commas on a command line.
string(REPLACE "," ";" SIO_CONSUMER_STANDARDS "${SIO_CONSUMER_STANDARDS}")

enable_testing()

function(sio_add_consumers target)
  cmake_parse_arguments(arg "" "SOURCE;PREFIX" "" ${ARGN})
  if(NOT arg_SOURCE)
    set(arg_SOURCE consumer.cpp)
  endif()
  if(NOT arg_PREFIX)
    set(arg_PREFIX consumer)
  endif()
  foreach(standard IN LISTS SIO_CONSUMER_STANDARDS)
    set(name ${arg_PREFIX}_cxx${standard})
    add_executable(${name} "${CMAKE_CURRENT_LIST_DIR}/../${arg_SOURCE}")
    set_target_properties(${name} PROPERTIES
      CXX_STANDARD ${standard}
      CXX_STANDARD_REQUIRED ON
      CXX_EXTENSIONS OFF
      # sio's headers are checked for warnings even when they come from an installed package.
      NO_SYSTEM_FROM_IMPORTED ON)
    target_compile_definitions(${name} PRIVATE SIO_CONSUMER_STANDARD=${standard})
    target_compile_options(${name} PRIVATE -Wall -Wextra -Werror)
    target_link_libraries(${name} PRIVATE ${target})
    add_test(NAME ${name} COMMAND ${name})
  endforeach()
endfunction()
