-- wrk script for the tcp_proxy scenarios: the RESULT line of report.lua plus bytes read per second.
-- CLOSE=1 (environment) sends Connection: close, so every request is a new TCP connection (connections/s).
if os.getenv("CLOSE") == "1" then
  wrk.headers["Connection"] = "close"
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d status_errors=%d mbps=%.1f\n",
    summary.requests / secs, latency:percentile(50), latency:percentile(99), summary.requests, errors, e.status,
    summary.bytes / secs / 1e6))
end
