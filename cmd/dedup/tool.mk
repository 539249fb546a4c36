# The unit tests link dedup's own objects (from the same build tree, so the
# ASan+UBSan build links instrumented ones).
DEDUP_UNIT_OBJ := $(addprefix $(BUILD)/cmd/dedup/,version.o keytab.o keyspec.o seen.o state.o spillfile.o latest.o)
UNIT_EXTRA_test_dedup := $(DEDUP_UNIT_OBJ)
$(BUILD)/tests/test_dedup: $(DEDUP_UNIT_OBJ)
# This file is included before the Makefile's `all`: keep a rule here from
# becoming the default goal.
.DEFAULT_GOAL :=
