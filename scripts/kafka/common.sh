# Shared by scripts/kafka/start and stop (sourced).
VP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../versions.env
. "$VP_ROOT/scripts/versions.env"
VP_CACHE=${VP_CACHE:-$HOME/.cache/vtex-pipes}
KAFKA_HOME=$VP_CACHE/kafka-$KAFKA_VERSION
KAFKA_LIBS=$KAFKA_HOME/libs
# The default broker directory (data, config, log, pid); tests pass --dir.
KAFKA_DIR_DEFAULT=${VP_KAFKA_DIR:-${TMPDIR:-/tmp}/vtex-pipes-kafka-$(id -u)}
kafka_die() { echo "kafka: $*" >&2; exit "${2:-1}"; }
# kafka_alive DIR: the broker whose pid DIR/broker.pid holds is running.
kafka_alive() {
	local pid
	pid=$(cat "$1/broker.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null
}
