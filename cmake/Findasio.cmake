# Finds standalone Asio (https://think-async.com/Asio/), header-only, and provides the imported
# target asio::asio, named as vcpkg's and Conan's packages of Asio name it.
#
# A CMake config of Asio (vcpkg, Conan) is preferred. Without one (Debian's libasio-dev ships
# none), the headers are searched for and asio::asio is made here.
#
# Result variables: asio_FOUND, asio_VERSION, asio_INCLUDE_DIR (cache, in the fallback only).

if(TARGET asio::asio)
  set(asio_FOUND TRUE)
  return()
endif()

find_package(asio CONFIG QUIET)
if(asio_FOUND AND TARGET asio::asio)
  return()
endif()

find_path(asio_INCLUDE_DIR asio.hpp DOC "Directory holding asio.hpp")
mark_as_advanced(asio_INCLUDE_DIR)

if(asio_INCLUDE_DIR AND EXISTS "${asio_INCLUDE_DIR}/asio/version.hpp")
  # ASIO_VERSION is written as XXYYZZ: 102201 is 1.22.1.
  file(STRINGS "${asio_INCLUDE_DIR}/asio/version.hpp" asio_version_line REGEX "^#define ASIO_VERSION [0-9]+")
  string(REGEX REPLACE "^#define ASIO_VERSION ([0-9]+).*" "\\1" asio_version_number "${asio_version_line}")
  math(EXPR asio_version_major "${asio_version_number} / 100000")
  math(EXPR asio_version_minor "${asio_version_number} / 100 % 1000")
  math(EXPR asio_version_patch "${asio_version_number} % 100")
  set(asio_VERSION "${asio_version_major}.${asio_version_minor}.${asio_version_patch}")
  unset(asio_version_line)
  unset(asio_version_number)
  unset(asio_version_major)
  unset(asio_version_minor)
  unset(asio_version_patch)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(asio
  REQUIRED_VARS asio_INCLUDE_DIR
  VERSION_VAR asio_VERSION)

if(asio_FOUND AND NOT TARGET asio::asio)
  # Asio runs its own threads for some services (name resolution): it needs the thread library.
  if(NOT TARGET Threads::Threads)
    find_package(Threads REQUIRED)
  endif()
  add_library(asio::asio INTERFACE IMPORTED)
  set_target_properties(asio::asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${asio_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS ASIO_STANDALONE
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
