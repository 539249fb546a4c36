-- wrk script: each connection waits PACE_MS between requests (wrk's delay()),
-- so -c N gives about N * 1000 / PACE_MS requests/s: a paced load, not a flood.
-- Optional extra header from HDR_NAME / HDR_VALUE.
local pace = tonumber(os.getenv("PACE_MS") or "10")
if os.getenv("HDR_NAME") then
	wrk.headers[os.getenv("HDR_NAME")] = os.getenv("HDR_VALUE")
end
delay = function()
	return pace
end
