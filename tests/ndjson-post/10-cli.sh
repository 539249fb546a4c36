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
t_exit "bearer without a token: 78" 78 env -u NDJSON_POST_TOKEN ndjson-post --url http://x --auth bearer </dev/null 2>/dev/null
t_exit "hmac without a key: 78" 78 env -u NDJSON_POST_HMAC_KEY ndjson-post --url http://x --auth hmac </dev/null 2>/dev/null
t_exit "no input: nothing sent, exit 0" 0 ndjson-post --url http://127.0.0.1:9/ </dev/null 2>/dev/null
t_done
