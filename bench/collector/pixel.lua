-- GET /i with varied user agents, paths, referrers and client IPs (see common.lua).
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
  return wrk.format("GET", "/i?d=bench.example&u=https%3A%2F%2Fbench.example" .. h.path
      .. "&r=" .. h.referrer .. "&w=" .. h.width .. "&id=" .. h.id,
      {["User-Agent"] = h.ua, ["X-Forwarded-For"] = h.ip})
end
