# Install rules (SIO_INSTALL): the public headers, the library, the CMake package with its version
# file, the pkg-config file and the license, and nothing else.

include(CMakePackageConfigHelpers)

# sio::tls and sio::redis with it where they are built (SIO_TLS, SIO_REDIS).
set(sio_install_targets sio)
foreach(component tls redis)
  if(TARGET sio_${component})
    list(APPEND sio_install_targets sio_${component})
  endif()
endforeach()
install(TARGETS ${sio_install_targets} EXPORT sio-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The headers one by one rather than the include/ directory, so that no empty directory is copied.
file(GLOB_RECURSE sio_headers RELATIVE "${PROJECT_SOURCE_DIR}/include" CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/include/*.hpp")
# The TLS transport's header only with its library: it includes OpenSSL's headers.
if(NOT TARGET sio_tls)
  list(REMOVE_ITEM sio_headers sio/transport/websocketpp_tls.hpp)
endif()
# The Redis adapter's headers only with its library.
if(NOT TARGET sio_redis)
  list(FILTER sio_headers EXCLUDE REGEX "^sio/redis/")
endif()
foreach(header IN LISTS sio_headers)
  get_filename_component(header_dir "${header}" DIRECTORY)
  install(FILES "include/${header}" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/${header_dir}")
endforeach()

install(EXPORT sio-targets NAMESPACE sio:: DESTINATION ${SIO_INSTALL_CMAKEDIR})

get_target_property(SIO_LIBRARY_TYPE sio TYPE)
set(SIO_TLS_BUILT OFF)
if(TARGET sio_tls)
  set(SIO_TLS_BUILT ON)
endif()
set(SIO_REDIS_BUILT OFF)
set(sio_redis_find_module "")
if(TARGET sio_redis)
  set(SIO_REDIS_BUILT ON)
  set(sio_redis_find_module cmake/Findhiredis.cmake)
endif()
configure_package_config_file(cmake/sio-config.cmake.in "${PROJECT_BINARY_DIR}/sio-config.cmake"
  INSTALL_DESTINATION ${SIO_INSTALL_CMAKEDIR})
# Before 1.0 a minor release may break the API, so only the same major.minor is compatible.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(sio_compatibility SameMinorVersion)
else()
  set(sio_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/sio-config-version.cmake"
  COMPATIBILITY ${sio_compatibility})
install(FILES
  "${PROJECT_BINARY_DIR}/sio-config.cmake"
  "${PROJECT_BINARY_DIR}/sio-config-version.cmake"
  cmake/Findasio.cmake
  cmake/FindRapidJSON.cmake
  ${sio_redis_find_module}
  DESTINATION ${SIO_INSTALL_CMAKEDIR})

# sio.pc finds its prefix from its own place (${pcfiledir}), so the package can be installed
# into any prefix (`cmake --install --prefix`) and moved.
if(IS_ABSOLUTE "${SIO_INSTALL_PKGCONFIGDIR}")
  set(SIO_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH sio_pc_to_prefix "/prefix/${SIO_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" sio_pc_to_prefix "${sio_pc_to_prefix}")
  set(SIO_PC_PREFIX "\${pcfiledir}/${sio_pc_to_prefix}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(SIO_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(SIO_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(cmake/sio.pc.in "${PROJECT_BINARY_DIR}/sio.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/sio.pc" DESTINATION ${SIO_INSTALL_PKGCONFIGDIR})
# A static libsio-redis needs hiredis on the application's link line, which pkg-config gives for
# Requires, and for Requires.private only with --static (CMake's pkg_check_modules does not ask);
# a shared one links hiredis itself.
if(TARGET sio_redis)
  get_target_property(sio_redis_type sio_redis TYPE)
endif()
if(sio_redis_type STREQUAL "STATIC_LIBRARY")
  set(SIO_PC_REDIS_REQUIRES " hiredis")
  set(SIO_PC_REDIS_REQUIRES_PRIVATE "")
else()
  set(SIO_PC_REDIS_REQUIRES "")
  set(SIO_PC_REDIS_REQUIRES_PRIVATE "Requires.private: hiredis\n")
endif()
foreach(component tls redis)
  if(TARGET sio_${component})
    configure_file(cmake/sio-${component}.pc.in "${PROJECT_BINARY_DIR}/sio-${component}.pc" @ONLY)
    install(FILES "${PROJECT_BINARY_DIR}/sio-${component}.pc" DESTINATION ${SIO_INSTALL_PKGCONFIGDIR})
  endif()
endforeach()

install(FILES LICENSE DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/sio")
