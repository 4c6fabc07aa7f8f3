# Installs a configured and built sio into an empty PREFIX: `cmake -P install.cmake` with
#   BUILD   sio's build directory
#   PREFIX  the prefix (emptied first)
#   CONFIG  the configuration to install, for multi-configuration generators (optional)

cmake_policy(VERSION 3.16)

file(REMOVE_RECURSE "${PREFIX}")
set(config_args "")
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${PREFIX}" ${config_args}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${result})")
endif()
