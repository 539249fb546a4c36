# vtex-sandbox: the unit test of its generators and Master Data queries links
# these objects (built with the tool's flags, in whichever $(BUILD) is active).
SANDBOX_UNIT_OBJS = $(patsubst %,$(BUILD)/cmd/vtex-sandbox/%.o,store plan catalog client names text timefmt jw segarr mdquery order_json)
UNIT_EXTRA_test_sandbox = $(SANDBOX_UNIT_OBJS)
# This file is read before the Makefile's own rules: keep `make` meaning `make all`.
.DEFAULT_GOAL := all
$(BUILD)/tests/test_sandbox: $(SANDBOX_UNIT_OBJS)
