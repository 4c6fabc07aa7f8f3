# Packaging: sio as applications consume it. Each test builds a small consumer project of
# cmake_consumers/ from scratch (cmake_consumers/run.cmake) and runs it:
#   packaging.install            `cmake --install` of this build into a prefix (the fixture of
#   packaging.install_contents   the tests of the installed package), and what it holds
#   packaging.find_package.<cc>  the installed CMake package, as C++17, 20 and 23
#   packaging.find_package_tls   its tls component (sio::tls) and sio-tls.pc, where TLS is built
#   packaging.find_package_redis its redis component (sio::redis) and sio-redis.pc, where it is built
#   packaging.headers.<cc>       each installed public header alone, as C++17, 20 and 23
#   packaging.pkg-config         the installed sio.pc
#   packaging.add_subdirectory.<cc>  sio as a subdirectory, as C++17, 20 and 23
#   packaging.fetchcontent.<cc>  sio fetched by FetchContent from an archive of this tree
#   packaging.vendored           include/ and the transport source copied into an application
#   packaging.versions           CMake's and vcpkg's versions agree
#   packaging.recipes            Conan's tls and redis options and vcpkg's features set SIO_TLS, SIO_REDIS
#   packaging.doxygen            the API reference, with no Doxygen warning
# for <cc> gcc or clang (see SIO_PACKAGING_FULL below). `ctest -L packaging` runs them alone.

set(sio_pkg_dir "${CMAKE_CURRENT_LIST_DIR}/cmake_consumers")
set(sio_pkg_work "${CMAKE_CURRENT_BINARY_DIR}/packaging")
set(sio_pkg_prefix "${sio_pkg_work}/prefix")

# This build's compiler, and the other of GCC and Clang where it is installed.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(sio_pkg_main_compiler clang)
  set(sio_pkg_cxx_clang "${CMAKE_CXX_COMPILER}")
  find_program(SIO_GXX NAMES g++)
  if(SIO_GXX)
    set(sio_pkg_cxx_gcc "${SIO_GXX}")
  endif()
else()
  set(sio_pkg_main_compiler gcc)
  set(sio_pkg_cxx_gcc "${CMAKE_CXX_COMPILER}")
  find_program(SIO_CLANGXX NAMES clang++)
  if(SIO_CLANGXX)
    set(sio_pkg_cxx_clang "${SIO_CLANGXX}")
  endif()
endif()
set(sio_pkg_compilers "")
foreach(compiler gcc clang)
  if(sio_pkg_cxx_${compiler})
    list(APPEND sio_pkg_compilers ${compiler})
  endif()
endforeach()

# Consumers of the installed library link what this build compiled: under the sanitizers they
# need the sanitizers' runtime too, and only this build's compiler has a compatible one.
set(sio_pkg_installed_compilers ${sio_pkg_compilers})
set(sio_pkg_installed_options "")
if(SIO_SANITIZE)
  set(sio_pkg_installed_compilers ${sio_pkg_main_compiler})
  set(sio_pkg_installed_options
      "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer|-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
elseif(SIO_TSAN)
  # As in the top-level CMakeLists.txt: GCC's warning about Asio's fences is not a finding.
  set(sio_pkg_no_tsan_warning "")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(sio_pkg_no_tsan_warning "-Wno-tsan")
  endif()
  set(sio_pkg_installed_compilers ${sio_pkg_main_compiler})
  set(sio_pkg_installed_options
      "-DCMAKE_CXX_FLAGS=-fsanitize=thread -fno-omit-frame-pointer ${sio_pkg_no_tsan_warning}|-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread")
endif()

# sio_pkg_consumer(<test name> <project> <compiler> [FIXTURE] [OPTIONS <-D...>...])
function(sio_pkg_consumer name project compiler)
  cmake_parse_arguments(arg "FIXTURE" "" "OPTIONS" ${ARGN})
  string(MAKE_C_IDENTIFIER "${name}" dir)
  string(REPLACE ";" "|" options "${arg_OPTIONS}")
  add_test(NAME "packaging.${name}"
    COMMAND "${CMAKE_COMMAND}"
      "-DSOURCE=${sio_pkg_dir}/${project}"
      "-DBINARY=${sio_pkg_work}/${dir}"
      "-DCXX=${sio_pkg_cxx_${compiler}}"
      "-DGENERATOR=${CMAKE_GENERATOR}"
      "-DOPTIONS=${options}"
      -P "${sio_pkg_dir}/run.cmake")
  set_tests_properties("packaging.${name}" PROPERTIES LABELS packaging TIMEOUT 900)
  if(arg_FIXTURE)
    set_tests_properties("packaging.${name}" PROPERTIES FIXTURES_REQUIRED sio_installed)
  endif()
endfunction()

# The quick matrix (default) covers every method, every standard and both compilers, without
# every combination: find_package with both compilers, headers with clang, add_subdirectory with
# gcc, fetchcontent with clang; the full one builds every combination.
option(SIO_PACKAGING_FULL "Packaging tests: every consumer with every compiler and standard" OFF)
macro(sio_pkg_pick var preferred)
  if(SIO_PACKAGING_FULL)
    set(${var} ${sio_pkg_compilers})
  elseif("${preferred}" IN_LIST sio_pkg_compilers)
    set(${var} ${preferred})
  else()
    list(GET sio_pkg_compilers 0 ${var})
  endif()
endmacro()
sio_pkg_pick(sio_pkg_headers_compilers clang)
sio_pkg_pick(sio_pkg_subdirectory_compilers gcc)
sio_pkg_pick(sio_pkg_fetchcontent_compilers clang)
set(sio_pkg_one_standard "")
if(NOT SIO_PACKAGING_FULL)
  set(sio_pkg_one_standard "-DSIO_CONSUMER_STANDARDS=20")
endif()

if(SIO_INSTALL)
  get_property(sio_pkg_multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  set(sio_pkg_config "")
  if(sio_pkg_multi_config)
    set(sio_pkg_config "$<CONFIG>")
  endif()
  add_test(NAME "packaging.install"
    COMMAND "${CMAKE_COMMAND}" "-DBUILD=${PROJECT_BINARY_DIR}" "-DPREFIX=${sio_pkg_prefix}"
            "-DCONFIG=${sio_pkg_config}" -P "${sio_pkg_dir}/install.cmake")
  set_tests_properties("packaging.install" PROPERTIES LABELS packaging FIXTURES_SETUP sio_installed)

  add_test(NAME "packaging.install_contents"
    COMMAND "${CMAKE_COMMAND}" "-DPREFIX=${sio_pkg_prefix}" "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
            "-DLIBDIR=${CMAKE_INSTALL_LIBDIR}" "-DCMAKEDIR=${SIO_INSTALL_CMAKEDIR}"
            "-DPKGCONFIGDIR=${SIO_INSTALL_PKGCONFIGDIR}" "-DDOCDIR=${CMAKE_INSTALL_DATAROOTDIR}/doc/sio"
            "-DTLS=$<TARGET_EXISTS:sio_tls>" "-DREDIS=$<TARGET_EXISTS:sio_redis>"
            -P "${sio_pkg_dir}/check_install.cmake")
  set_tests_properties("packaging.install_contents" PROPERTIES LABELS packaging FIXTURES_REQUIRED sio_installed)

  foreach(compiler IN LISTS sio_pkg_installed_compilers)
    sio_pkg_consumer("find_package.${compiler}" find_package ${compiler} FIXTURE
      OPTIONS "-DCMAKE_PREFIX_PATH=${sio_pkg_prefix}" "-DSIO_EXPECTED_VERSION=${PROJECT_VERSION}"
              ${sio_pkg_installed_options})
  endforeach()
  foreach(compiler IN LISTS sio_pkg_headers_compilers)
    sio_pkg_consumer("headers.${compiler}" headers ${compiler} FIXTURE
      OPTIONS "-DCMAKE_PREFIX_PATH=${sio_pkg_prefix}")
  endforeach()
  if(TARGET sio_tls)
    sio_pkg_consumer("find_package_tls" find_package_tls ${sio_pkg_main_compiler} FIXTURE
      OPTIONS "-DCMAKE_PREFIX_PATH=${sio_pkg_prefix}" "-DSIO_CONSUMER_PKG_CONFIG=ON"
              ${sio_pkg_installed_options} ${sio_pkg_one_standard})
  endif()
  if(TARGET sio_redis)
    sio_pkg_consumer("find_package_redis" find_package_redis ${sio_pkg_main_compiler} FIXTURE
      OPTIONS "-DCMAKE_PREFIX_PATH=${sio_pkg_prefix}" "-DSIO_CONSUMER_PKG_CONFIG=ON"
              ${sio_pkg_installed_options} ${sio_pkg_one_standard})
  endif()
  sio_pkg_consumer("pkg-config" pkg_config ${sio_pkg_main_compiler} FIXTURE
    OPTIONS "-DCMAKE_PREFIX_PATH=${sio_pkg_prefix}" "-DSIO_EXPECTED_VERSION=${PROJECT_VERSION}"
            ${sio_pkg_installed_options} ${sio_pkg_one_standard})
endif()

foreach(compiler IN LISTS sio_pkg_subdirectory_compilers)
  sio_pkg_consumer("add_subdirectory.${compiler}" add_subdirectory ${compiler}
    OPTIONS "-DSIO_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()
foreach(compiler IN LISTS sio_pkg_fetchcontent_compilers)
  sio_pkg_consumer("fetchcontent.${compiler}" fetchcontent ${compiler}
    OPTIONS "-DSIO_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endforeach()
# C++20 by default: an application of a later standard than the transport's C++17 file.
sio_pkg_consumer("vendored" vendored ${sio_pkg_main_compiler}
  OPTIONS "-DSIO_SOURCE_DIR=${PROJECT_SOURCE_DIR}" ${sio_pkg_one_standard})

# The packaging files agree on the version: vcpkg's port declares it again.
add_test(NAME "packaging.versions"
  COMMAND "${CMAKE_COMMAND}" "-DVERSION=${PROJECT_VERSION}"
          "-DVCPKG_JSON=${PROJECT_SOURCE_DIR}/packaging/vcpkg/ports/sio/vcpkg.json"
          -P "${sio_pkg_dir}/check_versions.cmake")
set_tests_properties("packaging.versions" PROPERTIES LABELS packaging)

# Neither package builds sio::tls unless asked, and then with OpenSSL declared.
add_test(NAME "packaging.recipes"
  COMMAND "${CMAKE_COMMAND}" "-DCONANFILE=${PROJECT_SOURCE_DIR}/packaging/conan/conanfile.py"
          "-DPORTFILE=${PROJECT_SOURCE_DIR}/packaging/vcpkg/ports/sio/portfile.cmake"
          "-DVCPKG_JSON=${PROJECT_SOURCE_DIR}/packaging/vcpkg/ports/sio/vcpkg.json"
          -P "${sio_pkg_dir}/check_recipes.cmake")
set_tests_properties("packaging.recipes" PROPERTIES LABELS packaging)

if(TARGET sio_docs)
  add_test(NAME "packaging.doxygen"
    COMMAND "${DOXYGEN_EXECUTABLE}" "${PROJECT_BINARY_DIR}/docs/Doxyfile"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties("packaging.doxygen" PROPERTIES LABELS packaging)
endif()
