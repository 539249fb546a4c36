#!/usr/bin/env bash
# The peer vtex-fetch is measured against in bench/20-fetch.sh: full order
# details fetched one at a time, one curl process per order, as a shell
# script would do it. Ids come one per line in IDS_FILE; details go to stdout.
# Credentials are passed to curl in a header file, not on its command line.
# Usage: bench/fetch-curl-loop.sh IDS_FILE   (env VTEX_BASE_URL, VTEX_APP_KEY, VTEX_APP_TOKEN)
set -euo pipefail
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT
chmod 600 "$headers"
printf 'X-VTEX-API-AppKey: %s\nX-VTEX-API-AppToken: %s\nAccept: application/json\n' \
	"$VTEX_APP_KEY" "$VTEX_APP_TOKEN" >"$headers"
while read -r id; do
	curl -sS --fail -H @"$headers" "$VTEX_BASE_URL/api/oms/pvt/orders/$id"
	echo
done <"$1"
