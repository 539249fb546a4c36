#!/usr/bin/env bash
# kafka-cat without a broker: --help and the man page agree with the code,
# usage errors exit 64, a refused librdkafka property 78, an acknowledgement
# path that is not a FIFO 74, and no broker at
# the address a clear message and 69 in every mode.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP"
[ -x "$VP_BIN/kafka-cat" ] || { echo "bin/kafka-cat not built"; exit 77; }

kafka-cat --help >help.txt
t_eq "--help exits 0" 0 $?
for flag in -P -C -L -b -t -p -G -o -e -c -J -K --key-field -k -H -X -F -m -q --rejects --commit-interval-ms --metrics-listen \
	--instance-id --ack-from --barrier-ms --barrier-records --ack-timeout --ack-to; do
	grep -q -- "$flag" help.txt || t_fail "--help mentions $flag"
	grep -q -- "$(sed 's/-/\\\\-/g' <<<"$flag")" "$VP_ROOT/man/man1/kafka-cat.1" || t_fail "man page mentions $flag"
done
t_ok "--help and the man page list every flag"
for code in 0 1 64 69 74 75 78; do
	grep -q "^$code\$" <(sed -n '/^\.SH EXIT STATUS/,/^\.SH EXAMPLES/p' "$VP_ROOT/man/man1/kafka-cat.1") ||
		t_fail "man page documents exit $code"
done
t_ok "man page documents every exit code"
kafka-cat --version | grep -q '^kafka-cat ' && t_ok "--version" || t_fail "--version"

t_exit "no mode: 64" 64 kafka-cat -t x 2>err
t_exit "-P without topic: 64" 64 kafka-cat -P 2>err
grep -q "needs a topic" err && t_ok "says what is missing" || t_fail "says what is missing" "$(cat err)"
t_exit "two key sources: 64" 64 kafka-cat -P -t t -K : --key-field id 2>err
t_exit "bad offset: 64" 64 kafka-cat -C -t t -o sideways 2>err
grep -q "sideways" err && t_ok "bad offset named" || t_fail "bad offset named" "$(cat err)"
t_exit "-G with -o N: 64" 64 kafka-cat -C -G g -t t -o 5 -b 127.0.0.1:1 -m 1 2>err
t_exit "unknown option: 64" 64 kafka-cat -P -t t --nope 2>err
t_exit "missing -F file: 64" 64 kafka-cat -L -F "$T_TMP/none.properties" 2>err

t_exit "--ack-to without --rejects: 64" 64 kafka-cat -P -t t --ack-to acks 2>err
grep -q "needs --rejects" err && t_ok "says --rejects is needed" || t_fail "says --rejects is needed" "$(cat err)"
t_exit "--ack-from without a group: 64" 64 kafka-cat -C -t t --ack-from acks 2>err
t_exit "--instance-id without -G: 64" 64 kafka-cat -C -t t --instance-id x 2>err
t_exit "--barrier-ms without --ack-from: 64" 64 kafka-cat -C -G g -t t --barrier-ms 5 2>err
: >not-a-fifo
t_exit "--ack-from on a regular file: 74, before any broker is asked" 74 \
	kafka-cat -C -G g -t t --ack-from not-a-fifo -b 127.0.0.1:1 -m 1 2>err
grep -q "not a FIFO" err && t_ok "says it is not a FIFO" || t_fail "says it is not a FIFO" "$(cat err)"

t_exit "refused -X property: 78" 78 kafka-cat -L -b 127.0.0.1:1 -X no.such.property=1 2>err
grep -q "no.such.property" err && t_ok "refused property named" || t_fail "refused property named" "$(cat err)"

# A port nobody listens on.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for mode in "-L" "-C -t t -e" "-C -G g -t t" "-P -t t"; do
	echo line | kafka-cat $mode -b 127.0.0.1:$port -m 2 >out 2>err
	rc=$?
	t_eq "no broker, kafka-cat $mode: exit 69" 69 "$rc"
	grep -q "no Kafka broker answered.*brokers=127.0.0.1:$port" err && t_ok "no broker, $mode: clear message" ||
		t_fail "no broker, $mode: clear message" "$(tail -2 err)"
done
t_done
