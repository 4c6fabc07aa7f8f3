# Checks that the Conan recipe and the vcpkg port each set SIO_TLS and SIO_REDIS from options of
# their own: both default to on in a top-level build, which a package build is, so a recipe that
# did not set them would build sio::tls or sio::redis against whatever OpenSSL or hiredis it
# found without declaring it.
# `cmake -P check_recipes.cmake` with CONANFILE and PORTFILE (and VCPKG_JSON for the feature).

cmake_policy(VERSION 3.16)

file(READ "${CONANFILE}" conanfile)
if(NOT conanfile MATCHES "\"tls\": \\[True, False\\]")
  message(FATAL_ERROR "${CONANFILE} has no tls option")
endif()
if(NOT conanfile MATCHES "cache_variables\\[\"SIO_TLS\"\\] = bool\\(self\\.options\\.tls\\)")
  message(FATAL_ERROR "${CONANFILE} does not set SIO_TLS from its tls option")
endif()
if(NOT conanfile MATCHES "self\\.requires\\(\"openssl/")
  message(FATAL_ERROR "${CONANFILE} does not require OpenSSL for its tls option")
endif()

file(READ "${PORTFILE}" portfile)
if(NOT portfile MATCHES "FEATURES[ \n]+tls SIO_TLS")
  message(FATAL_ERROR "${PORTFILE} does not map its tls feature to SIO_TLS")
endif()
if(NOT portfile MATCHES "\\\${FEATURE_OPTIONS}")
  message(FATAL_ERROR "${PORTFILE} does not pass its feature options to CMake")
endif()
file(READ "${VCPKG_JSON}" json)
if(NOT json MATCHES "\"tls\": {[^}]*\"openssl\"")
  message(FATAL_ERROR "${VCPKG_JSON} has no tls feature depending on openssl")
endif()
if(NOT conanfile MATCHES "cache_variables\\[\"SIO_REDIS\"\\] = bool\\(self\\.options\\.redis\\)"
   OR NOT conanfile MATCHES "self\\.requires\\(\"hiredis/")
  message(FATAL_ERROR "${CONANFILE} does not set SIO_REDIS from a redis option that requires hiredis")
endif()
if(NOT portfile MATCHES "redis SIO_REDIS" OR NOT json MATCHES "\"redis\": {[^}]*\"hiredis\"")
  message(FATAL_ERROR "${PORTFILE} and ${VCPKG_JSON} do not map a redis feature, with hiredis, to SIO_REDIS")
endif()
message(STATUS "the Conan recipe and the vcpkg port set SIO_TLS and SIO_REDIS from their options")
