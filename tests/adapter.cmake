sio_add_unit_test(test_adapter_in_memory unit/adapter/in_memory_adapter.cpp)
# The adapter seam, seen by a custom adapter that records what it is asked to forward.
sio_add_unit_test(test_adapter unit/adapter/adapter.cpp)
# Two servers in one process joined by a fanning-out adapter: the contract of a cluster adapter.
sio_add_unit_test(test_adapter_cluster unit/adapter/cluster.cpp)
