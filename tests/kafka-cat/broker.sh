# A real Kafka broker for a test script (sourced after tests/lib.sh); other
# areas' tests may source it too.
#   kafka_need [kcat]       skip the script (exit 77) without broker jars / kcat
#   kafka_start [ARGS...]   start a broker in $T_TMP/kafka on a free port (ARGS go
#                           to scripts/kafka/start, e.g. --set num.partitions=6);
#                           sets KAFKA_BROKERS; stopped when the script ends
#   kafka_stop / kafka_restart   stop it / start it again on the same port and data
KAFKA_TEST_DIR=$T_TMP/kafka
kafka_need() {
	. "$VP_ROOT/scripts/versions.env"
	local libs=${VP_CACHE:-$HOME/.cache/vtex-pipes}/kafka-$KAFKA_VERSION/libs
	if ! ls "$libs"/kafka_2.13-*.jar >/dev/null 2>&1 || ! command -v java >/dev/null; then
		echo "no Kafka broker jars in $libs (run scripts/bootstrap 70-kafka)"; exit 77
	fi
	if [ "${1:-}" = kcat ] && ! command -v kcat >/dev/null; then
		echo "kcat not installed (scripts/bootstrap 10-debian)"; exit 77
	fi
	[ -x "$VP_BIN/kafka-cat" ] || { echo "bin/kafka-cat not built"; exit 77; }
}
kafka_start() {
	KAFKA_BROKERS=$("$VP_ROOT/scripts/kafka/start" --dir "$KAFKA_TEST_DIR" --port 0 "$@") || {
		echo "broker did not start"; tail -20 "$KAFKA_TEST_DIR/broker.log"; exit 1; }
	export KAFKA_BROKERS
	t_on_exit "'$VP_ROOT/scripts/kafka/stop' --dir '$KAFKA_TEST_DIR' --timeout 10"
}
kafka_stop() { "$VP_ROOT/scripts/kafka/stop" --dir "$KAFKA_TEST_DIR" --timeout 20; }
kafka_restart() { "$VP_ROOT/scripts/kafka/start" --dir "$KAFKA_TEST_DIR" >/dev/null; }
# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local end=$((SECONDS + $1)); shift
	until "$@"; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}
