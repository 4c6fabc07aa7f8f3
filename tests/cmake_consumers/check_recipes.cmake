# Checks that the Conan recipe and the vcpkg port each set SIO_TLS from a tls option of their
# own: SIO_TLS defaults to on in a top-level build, which a package build is, so a recipe that
# did not set it would build sio::tls against whatever OpenSSL it found without declaring it.
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
message(STATUS "the Conan recipe and the vcpkg port set SIO_TLS from their tls option")
