#!/usr/bin/env bash
# vtex-sandbox: Master Data v1 CL scroll (token header, 1,000 a page, end [],
# 10 at once, idle expiry) and search (REST-Range, 100 a page, 10,000 cap),
# _where on updatedIn/createdIn, _fields, _sort.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sandbox_lib.sh"

sb_start main --products 20 --clients 12000 --orders 3000 --scroll-ttl 2 || { t_fail "sandbox starts"; t_done; }

# A whole scroll.
fields=id,email,userId,createdIn,updatedIn
sb_get "/api/dataentities/CL/scroll?_size=1000&_fields=$fields" -D "$T_TMP/h1" >"$T_TMP/p1.json"
token=$(grep -i '^x-vtex-md-token:' "$T_TMP/h1" | cut -d' ' -f2 | tr -d '\r')
t_eq "the first page holds _size documents" 1000 "$(jq length "$T_TMP/p1.json")"
t_eq "REST-Content-Total gives the query's total" 12000 "$(grep -i '^rest-content-total:' "$T_TMP/h1" | cut -d' ' -f2 | tr -d '\r')"
t_eq "the token comes in X-VTEX-MD-TOKEN" true "$([ ${#token} -ge 32 ] && echo true)"
t_eq "documents hold the fields asked" "$(echo '["createdIn","email","id","updatedIn","userId"]')" "$(jq -c '.[0] | keys' "$T_TMP/p1.json")"
cp "$T_TMP/p1.json" "$T_TMP/all.json"
pages=1
while :; do
	sb_get "/api/dataentities/CL/scroll?_token=$token" >"$T_TMP/p.json"
	[ "$(jq length "$T_TMP/p.json")" -eq 0 ] && break
	jq -s 'add' "$T_TMP/all.json" "$T_TMP/p.json" >"$T_TMP/all2.json" && mv "$T_TMP/all2.json" "$T_TMP/all.json"
	pages=$((pages + 1))
	[ $pages -gt 20 ] && break
done
t_eq "the scroll ends with []" "[]" "$(jq -c . "$T_TMP/p.json")"
t_eq "the scroll returns every document once" "12000 12000" "$(jq -r '"\(length) \(map(.id) | unique | length)"' "$T_TMP/all.json")"
t_eq "userIds are unique" 12000 "$(jq 'map(.userId) | unique | length' "$T_TMP/all.json")"
t_eq "e-mails are real addresses, some with capitals" true "$(jq '(map(.email | test("@ct\\.vtex")) | any | not) and (map(.email | test("[A-Z]")) | any)' "$T_TMP/all.json")"
t_eq "some documents were never updated (updatedIn null)" true "$(jq 'map(select(.updatedIn == null)) | length > 0' "$T_TMP/all.json")"
t_eq "_size above 1000: 400" 400 "$(sb_status "/api/dataentities/CL/scroll?_size=1001")"
t_eq "without _fields: id, accountId, accountName, dataEntityId" '["accountId","accountName","dataEntityId","id"]' \
	"$(sb_get "/api/dataentities/CL/scroll?_size=1" | jq -c '.[0] | keys')"
t_eq "unknown field in _fields: 400" 400 "$(sb_status "/api/dataentities/CL/scroll?_fields=id,shoeSize")"

# Ten scrolls at once, then 400; an idle token expires.
for i in $(seq 10); do sb_get "/api/dataentities/CL/scroll?_size=5" -o /dev/null; done
sb_get "/api/dataentities/CL/scroll?_size=5" >"$T_TMP/eleventh.json"
t_eq "the 11th simultaneous scroll: 400 with VTEX's message" "Maximum simultaneous scrolls rate exceeded (10)" "$(jq -r .Message "$T_TMP/eleventh.json")"
sleep 3
t_eq "an expired token: 400" 400 "$(sb_status "/api/dataentities/CL/scroll?_token=$token")"
t_eq "the expired token's message" "Operation not found for this token: '$token'" "$(sb_get "/api/dataentities/CL/scroll?_token=$token" | jq -r .Message)"
t_eq "expired scrolls free their slots" 200 "$(sb_status "/api/dataentities/CL/scroll?_size=5")"

# _where as VTEX's incremental pull writes it, against the full scroll filtered here.
from=2025-12-01T00:00:00Z
to=2025-12-20T00:00:00Z
where="(updatedIn between $from AND $to) OR (createdIn between $from AND $to)"
sb_get "/api/dataentities/CL/scroll" -G --data-urlencode "_where=$where" --data-urlencode "_fields=id" \
	--data-urlencode "_size=1000" -D "$T_TMP/hw" >"$T_TMP/w1.json"
wtok=$(grep -i '^x-vtex-md-token:' "$T_TMP/hw" | cut -d' ' -f2 | tr -d '\r')
while :; do
	sb_get "/api/dataentities/CL/scroll?_token=$wtok" >"$T_TMP/wp.json"
	[ "$(jq length "$T_TMP/wp.json")" -eq 0 ] && break
	jq -s 'add' "$T_TMP/w1.json" "$T_TMP/wp.json" >"$T_TMP/w2.json" && mv "$T_TMP/w2.json" "$T_TMP/w1.json"
done
jq -c 'map(.id) | sort' "$T_TMP/w1.json" >"$T_TMP/got.json"
jq -c --arg f "$from" --arg t "$to" 'def ts: sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
	($f | fromdateiso8601) as $a | ($t | fromdateiso8601) as $b |
	map(select(((.updatedIn != null) and (.updatedIn | ts) >= $a and (.updatedIn | ts) <= $b) or ((.createdIn | ts) >= $a and (.createdIn | ts) <= $b)) | .id) | sort' \
	"$T_TMP/all.json" >"$T_TMP/want.json"
t_eq "the incremental _where finds documents" true "$(jq 'length > 0' "$T_TMP/want.json")"
t_same_file "_where (updatedIn between) OR (createdIn between) selects exactly those documents" "$T_TMP/want.json" "$T_TMP/got.json"
t_eq "a malformed _where: 400" 400 "$(sb_status "/api/dataentities/CL/search" -G --data-urlencode "_where=updatedIn between 2025-01-01")"
t_eq "_where on an unknown field: 400" 400 "$(sb_status "/api/dataentities/CL/search" -G --data-urlencode "_where=shoeSize=42")"

# Search: REST-Range pages, at most 100, only the first 10,000.
sb_get "/api/dataentities/CL/search?_fields=id,updatedIn&_sort=updatedIn%20ASC" -H "REST-Range: resources=100-200" -D "$T_TMP/hs" >"$T_TMP/s.json"
t_eq "search serves the range asked" 100 "$(jq length "$T_TMP/s.json")"
t_eq "REST-Content-Range tells the range and total" "resources 100-200/12000" "$(grep -i '^rest-content-range:' "$T_TMP/hs" | cut -d' ' -f2- | tr -d '\r')"
t_eq "_sort updatedIn ASC sorts (nulls first)" true "$(jq '[.[].updatedIn | select(. != null)] | . == sort' "$T_TMP/s.json")"
t_eq "more than 100 a request: 400" 400 "$(sb_status /api/dataentities/CL/search -H "REST-Range: resources=0-101")"
t_eq "the 10,000th document is reachable" 200 "$(sb_status /api/dataentities/CL/search -H "REST-Range: resources=9900-10000")"
t_eq "past 10,000: 400" 400 "$(sb_status /api/dataentities/CL/search -H "REST-Range: resources=9950-10050")"
email=$(jq -r '.[5].email' "$T_TMP/all.json")
t_eq "simple filters (?email=) find the document" "$(jq -r '.[5].id' "$T_TMP/all.json")" \
	"$(sb_get "/api/dataentities/CL/search?_fields=id" -G --data-urlencode "email=$email" | jq -r '.[0].id')"
t_done
