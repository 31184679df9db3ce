-- wrk: print one machine-readable line at the end (requests/s, p50/p99 latency in microseconds, errors).
-- Loaded by get.lua and post1k.lua (wrk takes one script); run.sh parses the RESULT line.
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d status_errors=%d\n",
    summary.requests / secs, latency:percentile(50), latency:percentile(99), summary.requests, errors, e.status))
end
