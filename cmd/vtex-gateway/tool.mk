# vtex-gateway: the unit test links its pure part (classes by path, endpoints, the config file).
UNIT_EXTRA_test_gateway := $(BUILD)/cmd/vtex-gateway/classes.o
