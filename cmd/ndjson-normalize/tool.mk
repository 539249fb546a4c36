# ndjson-normalize uses xxHash header-only (XXH_INLINE_ALL): no library to link.
CFLAGS_ndjson-normalize := $(shell pkg-config --cflags libxxhash)
# Its core (everything but main.c), for the unit tests.
NORMALIZE_CORE := $(patsubst %.c,$(BUILD)/%.o,$(filter-out %/main.c,$(wildcard cmd/ndjson-normalize/*.c)))
UNIT_EXTRA_test_normalize := $(NORMALIZE_CORE)
