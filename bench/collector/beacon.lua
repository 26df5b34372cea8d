-- POST /api/event, one event per request as text/plain (what sendBeacon sends), same variety.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or ".") .. "/?.lua"
require "common"

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  setup_common(tid or 0)
end

function request()
  local h = next_hit()
  local body = '{"n":"pageview","u":"https://bench.example' .. h.path .. '","d":"bench.example","r":"'
      .. h.referrer:gsub("%%3A", ":"):gsub("%%2F", "/"):gsub("%%3F", "?"):gsub("%%3D", "=")
      .. '","w":' .. h.width .. ',"id":"' .. h.id .. '"}'
  return wrk.format("POST", "/api/event",
      {["User-Agent"] = h.ua, ["X-Forwarded-For"] = h.ip, ["Content-Type"] = "text/plain"}, body)
end
