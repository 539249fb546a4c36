#!/usr/bin/env bash
# clients: a 50,000-client Master Data scroll whose token expires mid-way
# (a 1 s token life, and some answers 1.5 s late); the scroll goes on after
# the last id seen and the result is exactly the truth's clients.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox.sh"
cd "$T_TMP"
sb_start --seed 5 --products 20 --clients 50000 --orders 200 \
	--scroll-ttl 1 --faults slow --fault-rate 0.04 --slow-ms 1500 --fault-seed 3

t_run "clients full export" bash -c "vtex-fetch clients --metrics-file m.prom >cl.ndjson 2>err"
sb_check_clients "50,000 clients" cl.ndjson
t_eq "no client twice" 50000 "$(jq -r .id cl.ndjson | sort -u | wc -l)"
restarts=$(awk '/^vtex_pipes_fetch_scroll_restarts_total/ {print $2}' m.prom)
[ "${restarts%.*}" -ge 1 ] && t_ok "the token expired and the scroll went on ($restarts)" ||
	t_fail "the token expired and the scroll went on" "$restarts"
grep -q 'scroll token expired' err && t_ok "the expiry is logged" || t_fail "the expiry is logged"

# An update window: the clients whose updatedIn or createdIn falls in it.
t_run "clients of a window" bash -c \
	"vtex-fetch clients --updated-since 2025-06-01T00:00:00Z --updated-until 2025-09-01T00:00:00Z >win.ndjson 2>err2"
want=$(jq -r 'select(((.updatedIn // "") >= "2025-06-01T00:00:00" and (.updatedIn // "") <= "2025-09-01T00:00:00.0000000Z")
	or ((.createdIn // "") >= "2025-06-01T00:00:00" and (.createdIn // "") <= "2025-09-01T00:00:00.0000000Z")) | .id' cl.ndjson | sort | md5sum)
t_eq "the window holds exactly the clients updated or created in it" "$want" "$(jq -r .id win.ndjson | sort | md5sum)"
t_done
