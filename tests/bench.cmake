# The benchmark's quick mode as a smoke test: sio, Node's socket.io and the raw websocketpp server
# each serve the load generator (bench/), and every message of every scenario must arrive.
# Speed is not checked here: `bench/run` without --quick measures it.
if(SIO_BUILD_BENCH)
  add_test(NAME bench_quick
           COMMAND ${PROJECT_SOURCE_DIR}/bench/run --quick
                   --bin $<TARGET_FILE_DIR:sio_bench_load>
                   --out ${CMAKE_CURRENT_BINARY_DIR}/bench-quick)
  # Alone: it loads both cores, and its waits are bounded in seconds.
  set_tests_properties(bench_quick PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE LABELS bench)
endif()
