# The unit tests link the rule engine (everything but main.c).
VALIDATE_CORE := $(patsubst %.c,$(BUILD)/%.o,$(filter-out %/main.c,$(wildcard cmd/ndjson-validate/*.c)))
UNIT_EXTRA_test_validate := $(VALIDATE_CORE)
