#!/usr/bin/env bash
# The peer ndjson-post is measured against in bench/80-export.sh: one curl
# process per NDJSON record, sequential, as a shell script would post them.
# Usage: bench/export-curl-loop.sh URL < records.ndjson
set -euo pipefail
while IFS= read -r line; do
	curl -sS --fail -X POST -H 'Content-Type: application/json' --data-binary "$line" "$1" >/dev/null
done
