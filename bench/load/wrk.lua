-- wrk script for `npm run bench` (bench/lib/loadgen.ts sets the environment).
-- Why a script at all: wrk's Lua API has no per-connection hook, so to spread
-- issuance over many API keys each request takes the next Authorization value
-- from BENCH_AUTH_FILE (one per line), each thread starting at a different
-- offset; without a file the request is static (cheapest for wrk). done()
-- prints one JSON line the harness parses, so nothing scrapes wrk's text output.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local ctype = os.getenv("BENCH_CONTENT_TYPE")
local auth = os.getenv("BENCH_AUTH")
local auth_file = os.getenv("BENCH_AUTH_FILE")

wrk.method = method
wrk.path = path
if body and body ~= "" then wrk.body = body end
if ctype and ctype ~= "" then wrk.headers["Content-Type"] = ctype end
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end

local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

if auth_file and auth_file ~= "" then
  local auths = {}
  local next_index = 0
  function init(args)
    for line in io.lines(auth_file) do
      if line ~= "" then auths[#auths + 1] = line end
    end
    -- Threads start apart so they do not walk the keys in lockstep.
    next_index = ((thread_index or 0) * 7919) % #auths
  end
  function request()
    next_index = next_index % #auths + 1
    local headers = { ["Authorization"] = auths[next_index] }
    if ctype and ctype ~= "" then headers["Content-Type"] = ctype end
    return wrk.format(method, path, headers, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
