-- wrk script: POSTs a realistic VTEX order hook notification (about 330 bytes)
-- with the shared-secret header; a new OrderId per request.
wrk.method = "POST"
wrk.path = os.getenv("WH_PATH") or "/hook"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.headers["key"] = os.getenv("WH_SECRET")
local n = 0
local states = { "payment-pending", "payment-approved", "ready-for-handling", "handling", "invoiced" }
request = function()
	n = n + 1
	local body = string.format(
		'{"Domain":"Fulfillment","OrderId":"v%09dbnch-01","State":"%s","LastState":"window-to-cancel",' ..
		'"LastChange":"2026-01-15T17:11:39.2550122Z","CurrentChange":"2026-01-15T17:12:48.0965893Z",' ..
		'"Origin":{"Account":"sandbox","Key":"vtexappkey-sandbox-BENCH"}}', n, states[n % 5 + 1])
	return wrk.format(nil, nil, nil, body)
end
