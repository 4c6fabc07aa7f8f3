# Finds RapidJSON (https://rapidjson.org), header-only, and provides the imported target
# `rapidjson`, named as RapidJSON's own config (since 1.1.0's successors), vcpkg and Conan name it.
#
# RapidJSON's CMake config is preferred. Debian's (RapidJSON 1.1.0) only sets
# RAPIDJSON_INCLUDE_DIRS, so the target is made here from it; without any config, the headers
# are searched for.
#
# Result variables: RapidJSON_FOUND, RapidJSON_VERSION, RapidJSON_INCLUDE_DIR (cache, in the
# header search only).

if(TARGET rapidjson)
  set(RapidJSON_FOUND TRUE)
  return()
endif()

find_package(RapidJSON CONFIG QUIET)
if(RapidJSON_FOUND)
  if(TARGET rapidjson)
    return()
  endif()
  if(RapidJSON_INCLUDE_DIRS)
    set(sio_rapidjson_include_dirs "${RapidJSON_INCLUDE_DIRS}")
  else()
    set(sio_rapidjson_include_dirs "${RAPIDJSON_INCLUDE_DIRS}")
  endif()
else()
  find_path(RapidJSON_INCLUDE_DIR rapidjson/document.h DOC "Directory holding rapidjson/document.h")
  mark_as_advanced(RapidJSON_INCLUDE_DIR)
  set(sio_rapidjson_include_dirs "${RapidJSON_INCLUDE_DIR}")
  if(RapidJSON_INCLUDE_DIR AND EXISTS "${RapidJSON_INCLUDE_DIR}/rapidjson/rapidjson.h")
    foreach(part MAJOR MINOR PATCH)
      file(STRINGS "${RapidJSON_INCLUDE_DIR}/rapidjson/rapidjson.h" sio_rapidjson_line
           REGEX "^#define RAPIDJSON_${part}_VERSION [0-9]+")
      string(REGEX REPLACE "^#define RAPIDJSON_${part}_VERSION ([0-9]+).*" "\\1"
             sio_rapidjson_${part} "${sio_rapidjson_line}")
    endforeach()
    set(RapidJSON_VERSION "${sio_rapidjson_MAJOR}.${sio_rapidjson_MINOR}.${sio_rapidjson_PATCH}")
    unset(sio_rapidjson_line)
    unset(sio_rapidjson_MAJOR)
    unset(sio_rapidjson_MINOR)
    unset(sio_rapidjson_PATCH)
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RapidJSON
  REQUIRED_VARS sio_rapidjson_include_dirs
  VERSION_VAR RapidJSON_VERSION)

if(RapidJSON_FOUND AND NOT TARGET rapidjson)
  add_library(rapidjson INTERFACE IMPORTED)
  set_target_properties(rapidjson PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${sio_rapidjson_include_dirs}")
endif()
unset(sio_rapidjson_include_dirs)
