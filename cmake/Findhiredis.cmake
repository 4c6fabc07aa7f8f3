# Finds hiredis (https://github.com/redis/hiredis), the C client library of Redis, and provides
# the imported target hiredis::hiredis, named as hiredis's own CMake config (1.0 and later,
# vcpkg, Conan) names it. sio::redis uses its protocol reader and command formatter.
#
# A CMake config that provides hiredis::hiredis is preferred. Without one (Debian's
# libhiredis-dev 0.14 ships a config that defines no target), the header and the library are
# searched for and hiredis::hiredis is made here.
#
# Result variables: hiredis_FOUND, hiredis_VERSION, hiredis_INCLUDE_DIR and hiredis_LIBRARY
# (cache, in the fallback only).

if(TARGET hiredis::hiredis)
  set(hiredis_FOUND TRUE)
  return()
endif()

find_package(hiredis CONFIG QUIET)
if(hiredis_FOUND AND TARGET hiredis::hiredis)
  return()
endif()

find_path(hiredis_INCLUDE_DIR hiredis/hiredis.h DOC "Directory holding hiredis/hiredis.h")
find_library(hiredis_LIBRARY NAMES hiredis DOC "The hiredis library")
mark_as_advanced(hiredis_INCLUDE_DIR hiredis_LIBRARY)

if(hiredis_INCLUDE_DIR AND EXISTS "${hiredis_INCLUDE_DIR}/hiredis/hiredis.h")
  file(STRINGS "${hiredis_INCLUDE_DIR}/hiredis/hiredis.h" hiredis_version_lines
       REGEX "^#define HIREDIS_(MAJOR|MINOR|PATCH) [0-9]+")
  foreach(part MAJOR MINOR PATCH)
    string(REGEX REPLACE ".*#define HIREDIS_${part} ([0-9]+).*" "\\1" hiredis_${part} "${hiredis_version_lines}")
  endforeach()
  set(hiredis_VERSION "${hiredis_MAJOR}.${hiredis_MINOR}.${hiredis_PATCH}")
  unset(hiredis_version_lines)
  unset(hiredis_MAJOR)
  unset(hiredis_MINOR)
  unset(hiredis_PATCH)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(hiredis
  REQUIRED_VARS hiredis_LIBRARY hiredis_INCLUDE_DIR
  VERSION_VAR hiredis_VERSION)

if(hiredis_FOUND AND NOT TARGET hiredis::hiredis)
  add_library(hiredis::hiredis UNKNOWN IMPORTED)
  set_target_properties(hiredis::hiredis PROPERTIES
    IMPORTED_LOCATION "${hiredis_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${hiredis_INCLUDE_DIR}")
endif()
