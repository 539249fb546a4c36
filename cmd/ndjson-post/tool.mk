UNIT_EXTRA_test_ndjson_post := $(BUILD)/cmd/ndjson-post/post.o
