# ndjson-normalize uses xxHash header-only (XXH_INLINE_ALL): no library to link.
CFLAGS_ndjson-normalize := $(shell pkg-config --cflags libxxhash)
