#!/usr/bin/env bash
# vtex-webhook: --help, --version, usage and configuration errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/webhook_lib.sh"

t_run "--help exits 0" vtex-webhook --help >/dev/null
t_eq "--help names every option of the man page" "" "$(
	for o in $(grep -oE '^\.BI? \\-\\-[a-z-]+' "$VP_ROOT/man/man1/vtex-webhook.1" | sed 's/.*\\-\\-//' | sort -u); do
		vtex-webhook --help | grep -q -- "--$o" || vtex-webhook configure --help | grep -q -- "--$o" || echo "$o"
	done)"
t_eq "--version" "vtex-webhook $(cat "$VP_ROOT/VERSION")" "$(vtex-webhook --version)"
t_run "configure --help exits 0" vtex-webhook configure --help >/dev/null
t_exit "unknown option: 64" 64 vtex-webhook --nope 2>/dev/null
t_exit "write deadline past VTEX's 5 s: 64" 64 vtex-webhook --write-deadline-ms 6000 2>/dev/null
t_exit "path without /: 64" 64 vtex-webhook --path hook 2>/dev/null
t_exit "tls cert without key: 64" 64 vtex-webhook --tls-cert /dev/null 2>/dev/null
t_exit "no secret: 78" 78 env -u VTEX_WEBHOOK_SECRET vtex-webhook 2>/dev/null
t_exit "a secret shorter than 16 bytes: 78" 78 env VTEX_WEBHOOK_SECRET=fifteen-bytes-x vtex-webhook --listen 127.0.0.1:0 </dev/null 2>/dev/null
t_exit "... for configure too" 78 env VTEX_WEBHOOK_SECRET=fifteen-bytes-x VTEX_ACCOUNT=a VTEX_APP_KEY=k VTEX_APP_TOKEN=t vtex-webhook configure --url https://x/hook </dev/null 2>/dev/null
t_exit "unreadable secret file: 78" 78 vtex-webhook --secret-file "$T_TMP/none" 2>/dev/null
t_exit "bad listen address: 69" 69 vtex-webhook --listen nowhere:1 2>/dev/null
echo 'not pem' >"$T_TMP/x.pem"
t_exit "certificate not PEM: 78" 78 vtex-webhook --tls-cert "$T_TMP/x.pem" --tls-key "$T_TMP/x.pem" 2>/dev/null
env -u VTEX_WEBHOOK_SECRET vtex-webhook 2>"$T_TMP/err" >/dev/null
t_run "the missing secret is explained" grep -q 'VTEX_WEBHOOK_SECRET' "$T_TMP/err"
t_exit "configure without --url: 64" 64 vtex-webhook configure 2>/dev/null
t_done
