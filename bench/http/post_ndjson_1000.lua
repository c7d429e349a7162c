-- wrk script: 1,000 NDJSON events per POST (a log shipper's batch, about 100 bytes an event).
-- Prints a RESULT line for run.sh.
local events = 1000
local lines = {}
for i = 1, events do
  lines[i] = string.format(
    '{"seq":%d,"host":"web-%02d","level":"info","msg":"GET /api/items/%d 200 3ms","bytes":%d}',
    i, i % 16, i * 7, 500 + i)
end
wrk.method = "POST"
wrk.path = "/v1/topics/bench"
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.body = table.concat(lines, "\n") .. "\n"

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d body_bytes=%d events=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors, #wrk.body, events))
end
