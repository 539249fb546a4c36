#!/usr/bin/env bash
# kafka-cat over SASL_SSL (SASL/PLAIN over TLS) against the real broker's
# SASL_SSL listener (scripts/kafka/start --sasl-ssl: a CA of its own, a broker
# certificate for 127.0.0.1). The password comes only from the environment or
# a file (KAFKA_CAT_SASL_PASSWORD, KAFKA_CAT_SASL_PASSWORD_FILE, a -F file):
# -X sasl.password is refused; the password is never in /proc/PID/cmdline,
# the logs (even librdkafka's debug lines) or the metrics. -X ssl.ca.location
# verifies the broker; without the CA the TLS handshake fails, with a wrong
# password the login: both a clear error and exit 78, without waiting for -m.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/broker.sh"
kafka_need
command -v openssl >/dev/null || { echo "openssl not installed"; exit 77; }
cd "$T_TMP"

PW="pw-$$-$RANDOM-not-in-argv"
export VP_KAFKA_SASL_PASSWORD=$PW VP_KAFKA_SASL_USER=pipes
kafka_start --sasl-ssl 0
unset VP_KAFKA_SASL_PASSWORD
SASL=$(cat "$KAFKA_TEST_DIR/sasl-ssl-address")
CA=$KAFKA_TEST_DIR/tls/ca.pem
[[ $SASL =~ ^127\.0\.0\.1:[0-9]+$ ]] && t_ok "broker: SASL_SSL listener at $SASL" || t_fail "SASL_SSL address" "$SASL"
[ "$(stat -c %a "$KAFKA_TEST_DIR/server.properties")" = 600 ] && t_ok "broker config (holds passwords) is mode 600" ||
	t_fail "server.properties mode" "$(stat -c %a "$KAFKA_TEST_DIR/server.properties")"
X=(-b "$SASL" -X security.protocol=SASL_SSL -X sasl.mechanism=PLAIN -X sasl.username=pipes)
(umask 077; printf '%s\n' "$PW" >pw.txt)

# Produce over SASL_SSL, the password from a file.
python3 -c '
for i in range(500): print("{\"OrderId\":\"o%d\",\"seq\":%d}" % (i, i))' >in.ndjson
KAFKA_CAT_SASL_PASSWORD_FILE=pw.txt kafka-cat -P -t secure --key-field OrderId "${X[@]}" -X ssl.ca.location="$CA" \
	--metrics-file p.prom <in.ndjson 2>p.err
t_eq "produce over SASL_SSL (password from KAFKA_CAT_SASL_PASSWORD_FILE): exit 0" 0 $?
t_eq "500 delivered" 500 "$(prom_value 'vtex_pipes_kafka_messages_total{outcome="delivered"}' <p.prom)"

# Consume over SASL_SSL in a group, the password from the environment; the
# process is looked at while it runs.
KAFKA_CAT_SASL_PASSWORD=$PW kafka-cat -C -G gs -t secure "${X[@]}" -X ssl.ca.location="$CA" \
	--metrics-file c.prom >c.out 2>c.err &
C=$!
t_on_exit "kill -9 $C 2>/dev/null"
wait_for 60 eval '[ $(wc -l <c.out) -ge 500 ]'
t_eq "consume over SASL_SSL (password from KAFKA_CAT_SASL_PASSWORD): every message" 500 "$(sort -u c.out | wc -l)"
t_same_file "the same lines came back" <(sort in.ndjson) <(sort c.out)
tr '\0' ' ' </proc/$C/cmdline >cmdline.txt
grep -q -- "sasl.username=pipes" cmdline.txt && ! grep -qF "$PW" cmdline.txt &&
	t_ok "/proc/PID/cmdline of the consumer: no password" || t_fail "cmdline without password" "$(cat cmdline.txt)"
kill -TERM $C
wait $C
t_eq "the SASL_SSL consumer stops on SIGTERM: exit 0" 0 $?
# The plaintext listener sees the same topic (one broker, two listeners).
kafka-cat -C -t secure -e -b "$KAFKA_BROKERS" >plain.out 2>/dev/null
t_eq "the same topic through the plaintext listener" 500 "$(wc -l <plain.out)"

# -F file with the password (a file, not argv), and librdkafka's debug lines.
(umask 077; printf 'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.username=pipes\nsasl.password=%s\nssl.ca.location=%s\n' \
	"$PW" "$CA" >client.properties)
kafka-cat -L -t secure -b "$SASL" -F client.properties --log-level debug -X debug=security,broker,protocol,conf \
	>l.out 2>l.err
t_eq "-L over SASL_SSL with the password in a -F file: exit 0" 0 $?
grep -q 'topic "secure"' l.out && t_ok "-L lists the topic" || t_fail "-L lists the topic" "$(head -5 l.out)"
[ "$(wc -l <l.err)" -gt 20 ] && t_ok "debug logging was on ($(wc -l <l.err) lines)" || t_fail "debug lines" "$(wc -l <l.err)"

# A password on the command line is refused, and not repeated in the error.
kafka-cat -L "${X[@]}" -X ssl.ca.location="$CA" -X "sasl.password=$PW" >/dev/null 2>x.err
t_eq "-X sasl.password: usage error 64" 64 $?
grep -q "KAFKA_CAT_SASL_PASSWORD" x.err && t_ok "the error points at KAFKA_CAT_SASL_PASSWORD(_FILE)" ||
	t_fail "points at the env" "$(cat x.err)"
kafka-cat -L -b 127.0.0.1:1 -X ssl.key.password=abc >/dev/null 2>/dev/null
t_eq "-X ssl.key.password: 64 too" 64 $?

# Wrong password: the login fails; a clear error, exit 78, well before -m.
start=$SECONDS
echo '{"x":1}' | KAFKA_CAT_SASL_PASSWORD="wrong-$PW" kafka-cat -P -t secure "${X[@]}" -X ssl.ca.location="$CA" -m 30 2>bad.err
t_eq "wrong password: exit 78" 78 $?
grep -q 'level=error.*msg="Kafka authentication failed' bad.err && t_ok "wrong password: says the login failed" ||
	t_fail "says the login failed" "$(tail -3 bad.err)"
[ $((SECONDS - start)) -lt 30 ] && t_ok "wrong password: no wait for -m" || t_fail "no wait for -m" "$((SECONDS - start))s"
KAFKA_CAT_SASL_PASSWORD="wrong-$PW" kafka-cat -C -G gs -t secure "${X[@]}" -X ssl.ca.location="$CA" >/dev/null 2>bad2.err
t_eq "wrong password, consumer: exit 78" 78 $?

# No CA: the broker's certificate cannot be verified.
KAFKA_CAT_SASL_PASSWORD_FILE=pw.txt kafka-cat -C -t secure -e "${X[@]}" >/dev/null 2>noca.err
t_eq "without ssl.ca.location: exit 78" 78 $?
grep -q "certificate could not be verified.*ssl.ca.location" noca.err && t_ok "without the CA: says the certificate is not trusted" ||
	t_fail "says the certificate is not trusted" "$(tail -3 noca.err)"
# A CA that did not sign the broker's certificate fails the same way.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -keyout other.key -out other.pem \
	-subj "/CN=another CA" >/dev/null 2>&1
KAFKA_CAT_SASL_PASSWORD_FILE=pw.txt kafka-cat -L "${X[@]}" -X ssl.ca.location=other.pem >/dev/null 2>other.err
t_eq "another CA: exit 78" 78 $?

# A password file its group or every user can read is refused (lib/secret).
chmod 640 pw.txt
KAFKA_CAT_SASL_PASSWORD_FILE=pw.txt kafka-cat -L "${X[@]}" -X ssl.ca.location="$CA" >/dev/null 2>wr.err
t_eq "group-readable password file: refused, exit 78" 78 $?
grep -q "readable by its group or by every user" wr.err && t_ok "group-readable password file: says why" ||
	t_fail "refusal message" "$(cat wr.err)"
chmod 600 pw.txt
t_exit "unreadable password file: 78" 78 env KAFKA_CAT_SASL_PASSWORD_FILE=/nonexistent/pw kafka-cat -L "${X[@]}" 2>/dev/null

# A restart of the same broker directory keeps the SASL_SSL listener, its
# certificate and the password.
kafka_stop
kafka_restart
KAFKA_CAT_SASL_PASSWORD_FILE=pw.txt kafka-cat -C -t secure -e "${X[@]}" -X ssl.ca.location="$CA" >again.out 2>again.err
t_eq "after a broker restart: the same listener, CA and password" 500 "$(wc -l <again.out)"

leaks=$(grep -lF "$PW" ./*.err ./*.prom 2>/dev/null)
[ -z "$leaks" ] && t_ok "the password is in no log and no metrics file" || t_fail "password leaked" "$leaks"
t_done
