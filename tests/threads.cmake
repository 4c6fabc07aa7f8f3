# Calls from real threads (tests/unit/threads.cpp); `scripts/test --tsan` runs them under ThreadSanitizer.
sio_add_unit_test(test_threads unit/threads.cpp)
