# Checks what `cmake --install` put into PREFIX: the public headers (exactly those of
# SOURCE_DIR/include), the library, the CMake package files, the pkg-config file and the license,
# and nothing else. `cmake -P check_install.cmake` with PREFIX, SOURCE_DIR, and the install's
# directories relative to the prefix: LIBDIR (library), CMAKEDIR (CMake package), PKGCONFIGDIR
# (sio.pc) and DOCDIR (LICENSE); TLS when sio::tls was built (its library, header and sio-tls.pc),
# REDIS when sio::redis was (its library, headers, sio-redis.pc and Findhiredis.cmake).

cmake_policy(VERSION 3.16)

file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${PREFIX}" "${PREFIX}/*")
file(GLOB_RECURSE expected_headers LIST_DIRECTORIES false RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/include/*.hpp")
list(SORT installed)

set(errors "")
set(headers "")
set(libraries "")
set(cmake_files "")
foreach(file IN LISTS installed)
  if(file MATCHES "^include/.*\\.hpp$")
    list(APPEND headers "${file}")
  elseif(file MATCHES "^${LIBDIR}/libsio(-tls|-redis)?\\.(a|so(\\.[0-9]+)*)$")
    list(APPEND libraries "${file}")
  elseif(file MATCHES "^${CMAKEDIR}/[^/]+\\.cmake$")
    list(APPEND cmake_files "${file}")
  elseif(file STREQUAL "${PKGCONFIGDIR}/sio.pc" OR file STREQUAL "${DOCDIR}/LICENSE"
         OR (TLS AND file STREQUAL "${PKGCONFIGDIR}/sio-tls.pc")
         OR (REDIS AND file STREQUAL "${PKGCONFIGDIR}/sio-redis.pc"))
    # expected, checked below
  else()
    string(APPEND errors "  unexpected file: ${file}\n")
  endif()
endforeach()

# The TLS transport's header comes with its library (TLS: sio::tls was built) only.
if(NOT TLS)
  list(REMOVE_ITEM expected_headers include/sio/transport/websocketpp_tls.hpp)
endif()
# Likewise the Redis adapter's, with sio::redis.
if(NOT REDIS)
  list(FILTER expected_headers EXCLUDE REGEX "^include/sio/redis/")
endif()
list(SORT headers)
list(SORT expected_headers)
if(NOT headers STREQUAL expected_headers)
  set(missing ${expected_headers})
  list(REMOVE_ITEM missing ${headers})
  set(extra ${headers})
  list(REMOVE_ITEM extra ${expected_headers})
  string(APPEND errors "  headers differ from the source tree's; missing: ${missing}; extra: ${extra}\n")
endif()
if(NOT libraries)
  string(APPEND errors "  no libsio in ${LIBDIR}\n")
endif()
foreach(required sio-config.cmake sio-config-version.cmake sio-targets.cmake)
  if(NOT "${CMAKEDIR}/${required}" IN_LIST cmake_files)
    string(APPEND errors "  missing ${CMAKEDIR}/${required}\n")
  endif()
endforeach()
if(REDIS AND NOT "${CMAKEDIR}/Findhiredis.cmake" IN_LIST cmake_files)
  string(APPEND errors "  missing ${CMAKEDIR}/Findhiredis.cmake\n")
endif()
foreach(required "${PKGCONFIGDIR}/sio.pc" "${DOCDIR}/LICENSE")
  if(NOT required IN_LIST installed)
    string(APPEND errors "  missing ${required}\n")
  endif()
endforeach()

if(errors)
  message(FATAL_ERROR "cmake --install into ${PREFIX}:\n${errors}")
endif()
list(LENGTH installed count)
message(STATUS "${count} files installed, as expected")
