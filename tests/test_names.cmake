# A Catch2 test name must not hold a ';': catch_discover_tests splits names on it, and the halves
# become CTest tests that match nothing and pass without running anything.
add_test(NAME test_names
         COMMAND sh -c "! grep -rn 'TEST_CASE(\"[^\"]*;' '${CMAKE_CURRENT_SOURCE_DIR}/unit'")
