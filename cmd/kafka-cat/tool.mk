PKGS_kafka-cat := rdkafka
# The unit tests link kafka-cat's pure parts (no librdkafka in them).
UNIT_EXTRA_test_kafkacat := $(addprefix $(BUILD)/cmd/kafka-cat/,opts.o envelope.o settle.o)
