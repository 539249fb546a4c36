# vtex-sandbox: the unit test of its generators and Master Data queries links
# these objects (built with the tool's flags, in whichever $(BUILD) is active).
UNIT_EXTRA_test_sandbox = $(patsubst %,$(BUILD)/cmd/vtex-sandbox/%.o,store ids plan catalog client names text timefmt jw segarr mdquery order_json filter keys feed feed_queue)
