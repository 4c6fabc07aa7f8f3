# Pieces every transport shares: query strings, the mount table.
sio_add_unit_test(test_transport_query_string unit/transport/query_string.cpp)
sio_add_unit_test(test_transport_mount_table unit/transport/mount_table.cpp)
