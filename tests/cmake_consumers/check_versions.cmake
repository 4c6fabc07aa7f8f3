# Checks that packaging/vcpkg's port declares the version of CMakeLists.txt:
# `cmake -P check_versions.cmake` with VERSION and VCPKG_JSON. (The Conan recipe reads
# CMakeLists.txt itself.)

cmake_policy(VERSION 3.16)

file(READ "${VCPKG_JSON}" json)
if(NOT json MATCHES "\"version\" *: *\"([^\"]*)\"")
  message(FATAL_ERROR "${VCPKG_JSON} declares no version")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL VERSION)
  message(FATAL_ERROR "${VCPKG_JSON} declares version ${CMAKE_MATCH_1}, CMakeLists.txt ${VERSION}")
endif()
message(STATUS "version ${VERSION} everywhere")
