# vtex-webhook: the unit test links its pure parts (validation, group commit, spool journal, acknowledgements).
UNIT_EXTRA_test_webhook := $(addprefix $(BUILD)/cmd/vtex-webhook/,event.o commit.o spool.o acks.o)
