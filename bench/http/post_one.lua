-- wrk script: one JSON event per POST on keep-alive connections (a sensor posting a reading).
-- Prints a RESULT line for run.sh.
wrk.method = "POST"
wrk.path = "/v1/topics/bench"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"sensor":"s-0042","type":"temperature","value":21.5,"unit":"C","ts":"2024-05-01T12:34:56.789Z"}'

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d body_bytes=%d events=1\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors, #wrk.body))
end
