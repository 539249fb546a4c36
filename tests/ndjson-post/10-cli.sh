#!/usr/bin/env bash
# ndjson-post's command line: help, usage errors, missing secrets.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP
ndjson-post --help >"$D/help"
t_eq "--help exits 0" 0 $?
t_run "--help names the exit codes" grep -q '75 the API kept failing' "$D/help"
t_exit "--url is required" 64 ndjson-post </dev/null 2>/dev/null
t_exit "a URL must be http(s)" 64 ndjson-post --url ftp://x </dev/null 2>/dev/null
t_exit "an unclosed { is a usage error" 64 ndjson-post --url 'http://x/{id' </dev/null 2>/dev/null
t_exit "unknown --auth" 64 ndjson-post --url http://x --auth magic </dev/null 2>/dev/null
t_exit "bad header" 64 ndjson-post --url http://x -H 'nocolon' </dev/null 2>/dev/null
t_exit "bearer without a token: 78" 78 env -u NDJSON_POST_TOKEN ndjson-post --url https://x --auth bearer </dev/null 2>/dev/null
# Credentials: never on the command line, never in clear across a network,
# unless an explicit option says so (ndjson-post(1), SECURITY.md).
t_exit "-H Authorization on the command line: 64" 64 ndjson-post --url https://x -H 'Authorization: Bearer s3' </dev/null 2>"$D/err"
t_eq "... the error names the header, not its value" "0 1" "$(grep -c s3 "$D/err") $(grep -c "Authorization: a credential" "$D/err")"
t_exit "-H with a *Token header: 64" 64 ndjson-post --url https://x -H 'X-VTEX-API-AppToken: s3' </dev/null 2>/dev/null
t_exit "... taken with --allow-secret-header" 0 ndjson-post --url https://x -H 'Authorization: s3' --allow-secret-header </dev/null 2>/dev/null
t_exit "... or from NDJSON_POST_HEADERS" 0 env NDJSON_POST_HEADERS='Authorization: s3' ndjson-post --url https://x </dev/null 2>/dev/null
t_exit "--auth bearer over http:// to another host: 64" 64 env NDJSON_POST_TOKEN=t ndjson-post --url http://crm.example/x --auth bearer </dev/null 2>/dev/null
t_exit "a credential header over http:// to another host: 64" 64 env NDJSON_POST_HEADERS='Cookie: s=1' ndjson-post --url http://10.0.0.1/x </dev/null 2>/dev/null
t_exit "... taken with --allow-plain-http" 0 env NDJSON_POST_TOKEN=t ndjson-post --url http://crm.example/x --auth bearer --allow-plain-http </dev/null 2>/dev/null
t_exit "... and over http:// to the loopback" 0 env NDJSON_POST_TOKEN=t ndjson-post --url http://localhost:9/x --auth bearer </dev/null 2>/dev/null
t_exit "hmac over http:// (the key itself is not sent)" 0 env NDJSON_POST_HMAC_KEY=k ndjson-post --url http://crm.example/x --auth hmac </dev/null 2>/dev/null
t_exit "hmac without a key: 78" 78 env -u NDJSON_POST_HMAC_KEY ndjson-post --url http://x --auth hmac </dev/null 2>/dev/null
t_exit "no input: nothing sent, exit 0" 0 ndjson-post --url http://127.0.0.1:9/ </dev/null 2>/dev/null
t_done
