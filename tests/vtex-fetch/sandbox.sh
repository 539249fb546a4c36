# Sourced by the vtex-fetch tests: starts a real vtex-sandbox on a free port
# with a truth file, exports what vtex-fetch needs, stops it at exit.
#   sb_start [vtex-sandbox options...]   -> $VTEX_BASE_URL, $SB_TRUTH
#   sb_stop                              (also done at exit)
# And the checks against the truth file a whole-history fetch must pass.
export VTEX_APP_KEY=vtexappkey-sandbox-TEST VTEX_APP_TOKEN=test-token-$$ VTEX_ACCOUNT=sandbox
SB_PID=
SB_N=0

sb_start() {
	SB_N=$((SB_N + 1))
	SB_TRUTH=$T_TMP/truth.$SB_N.json
	local ready=$T_TMP/sandbox.$SB_N.url
	vtex-sandbox --listen 127.0.0.1:0 --ready-file "$ready" --now 2026-01-15T12:00:00Z \
		--truth "$SB_TRUTH" --threads 2 "$@" 2>"$T_TMP/sandbox.$SB_N.log" &
	SB_PID=$!
	t_on_exit "sb_stop"
	for _ in $(seq 100); do [ -s "$ready" ] && break; sleep 0.05; done
	[ -s "$ready" ] || { cat "$T_TMP/sandbox.$SB_N.log"; echo "vtex-sandbox did not start"; exit 1; }
	export VTEX_BASE_URL=$(cat "$ready")
}

sb_stop() {
	[ -n "$SB_PID" ] || return 0
	kill "$SB_PID" 2>/dev/null && wait "$SB_PID" 2>/dev/null
	SB_PID=
}

# All of the history: orders are at most 730 days old at the sandbox's --now.
SB_SINCE=2024-01-01T00:00:00Z
SB_UNTIL=2026-01-16T00:00:00Z

# sb_check_orders LABEL FILE: every order of the truth, none twice (count,
# distinct ids, total value, and per customer the number of orders).
sb_check_orders() {
	local label=$1 f=$2
	t_eq "$label: one line per order of the truth" "$(jq .orders "$SB_TRUTH")" "$(wc -l <"$f")"
	t_eq "$label: no order twice" "$(wc -l <"$f")" "$(jq -r .orderId "$f" | sort -u | wc -l)"
	t_eq "$label: total value as the truth" "$(jq '.orders_value * 100 | round' "$SB_TRUTH")" \
		"$(jq -s 'map(.value) | add' "$f")"
	t_eq "$label: orders per customer as the truth" \
		"$(jq -r '.customers[] | select(.orders_all > 0) | "\(.user_id) \(.orders_all)"' "$SB_TRUTH" | sort)" \
		"$(jq -r .clientProfileData.userProfileId "$f" | sort | uniq -c | awk '{print $2, $1}' | sort)"
}

# sb_check_clients LABEL FILE: exactly the CL documents of the truth.
sb_check_clients() {
	local label=$1 f=$2
	t_eq "$label: one line per client" "$(jq .clients "$SB_TRUTH")" "$(wc -l <"$f")"
	if cmp -s <(jq -r '.customers[].id' "$SB_TRUTH" | sort) <(jq -r .id "$f" | sort); then
		t_ok "$label: the client ids are the truth's"
	else
		t_fail "$label: the client ids are the truth's"
	fi
}

# sb_check_catalog LABEL FILE: every product, SKU and price of the truth.
sb_check_catalog() {
	local label=$1 f=$2
	t_eq "$label: one line per product" "$(jq .products "$SB_TRUTH")" "$(wc -l <"$f")"
	t_eq "$label: no product twice" "$(wc -l <"$f")" "$(jq .Id "$f" | sort -u | wc -l)"
	t_eq "$label: every SKU" "$(jq .skus "$SB_TRUTH")" "$(jq -s 'map(.skus | length) | add' "$f")"
	t_eq "$label: active SKUs" "$(jq .active_skus "$SB_TRUTH")" \
		"$(jq -s 'map(.skus[] | select(.IsActive)) | length' "$f")"
	t_eq "$label: priced SKUs" "$(jq .priced_skus "$SB_TRUTH")" \
		"$(jq -s 'map(.skus[] | select(.price != null)) | length' "$f")"
}
