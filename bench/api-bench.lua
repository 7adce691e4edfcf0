-- The wrk script of bench/ApiBench.java: one phase of ConfigMap creates or gets against a drover
-- server. ApiBench runs it as `wrk -s bench/api-bench.lua URL` and passes everything else in the
-- environment, so the bearer token is not on a command line:
--
--   BENCH_TOKEN    the bearer token
--   BENCH_MODE     create: POST the file BENCH_BODY (a ConfigMap with generateName) to URL
--                  get:    GET URL/<BENCH_PREFIX><n>, n random in 0..BENCH_NAMES-1
--   BENCH_RATE     requests/s over all threads for paced (open-loop) load; 0 or unset: closed loop
--   BENCH_THREADS  wrk's -t, over which the rate is split
--
-- done() prints one line, "bench requests=... p99_us=...", which ApiBench parses.

local mode = os.getenv("BENCH_MODE")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")

wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Accept"] = "application/json"

if mode == "create" then
  local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
elseif mode == "get" then
  local prefix = os.getenv("BENCH_PREFIX")
  local names = tonumber(os.getenv("BENCH_NAMES"))
  local base = wrk.path:gsub("/$", "") .. "/" .. prefix
  function request()
    return wrk.format("GET", base .. math.random(0, names - 1))
  end
else
  error("BENCH_MODE must be create or get, not " .. tostring(mode))
end

local index = 0
function setup(thread)
  thread:set("thread_index", index)
  index = index + 1
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_index or 0))
end

if rate > 0 then
  -- Paced load: each thread owns every threads-th slot of one schedule (slot k due at
  -- t0 + k / rate), and whichever of its connections is free takes the thread's next slot. A
  -- connection that comes back after its slot's time sends at once, so the rate holds as long as
  -- some connection is free; latency counts from the actual send, as wrk measures it.
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local CLOCK_MONOTONIC = 1
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = threads * 1000 / rate
  local next_due

  function delay()
    local now = now_ms()
    if next_due == nil then
      next_due = now + (thread_index or 0) * interval / threads
    end
    local due = next_due
    next_due = next_due + interval
    return math.max(0, due - now)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "bench requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
