# The unit tests link dedup's own objects (from the same build tree, so the
# ASan+UBSan build links instrumented ones).
UNIT_EXTRA_test_dedup := $(addprefix $(BUILD)/cmd/dedup/,version.o keytab.o keyspec.o seen.o state.o spillfile.o latest.o held.o)
