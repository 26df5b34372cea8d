-- Hostile requests for bench/abuse/run.sh, drawn at random from a fixed mix: malformed and
-- deeply nested JSON, bodies over the limit, gzip bombs, form floods, huge and many headers,
-- absurd query strings, invalid UTF-8, garbage request lines, wrong methods and HTTP versions,
-- unauthenticated API calls and login attempts. Each thread stops after its share of
-- HOSTILE_REQUESTS responses and leaves a file in DONE_DIR (wrk itself runs until -d or SIGINT,
-- which run.sh sends once every thread is done); done() prints the responses by status.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local mix = {}
counts = {}  -- global: done() reads it from each thread
local answered = 0
local limit = 0

local function add(weight, request)
  for _ = 1, weight do table.insert(mix, request) end
end

-- Every hostile request asks for its connection to be closed after the answer: a fresh
-- connection per request makes the mix a connection flood as well.
local function format(method, path, headers, body)
  local h = { ["Connection"] = "close" }
  for k, v in pairs(headers or {}) do h[k] = v end
  return wrk.format(method, path, h, body)
end

local function beacon(body, headers)
  local h = { ["Content-Type"] = "text/plain", ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0" }
  for k, v in pairs(headers or {}) do h[k] = v end
  return format("POST", "/api/event", h, body)
end

local function random_bytes(n)
  local t = {}
  for i = 1, n do t[i] = string.char(math.random(0, 255)) end
  return table.concat(t)
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
  local per_thread = math.ceil(tonumber(os.getenv("HOSTILE_REQUESTS") or "1000000") / tonumber(os.getenv("HOSTILE_THREADS") or "1"))
  limit = per_thread
  local f = assert(io.open(os.getenv("BOMB"), "rb"))
  local bomb = f:read("*a")
  f:close()
  local site = os.getenv("SITE") or "bench.example"
  local valid = '{"n":"pageview","d":"' .. site .. '","u":"https://' .. site .. '/x"'

  -- Malformed JSON and bodies that are not UTF-8.
  for _, body in ipairs({ "{", "[", '{"n":', "nul", "{}{}", '{"d":' .. string.rep("9", 2000) .. '}',
      '{"a":1e999999}', valid .. ',"p":{"x":1e400}}', valid .. ',"u":"https://' .. site .. '/\255\254\128"}',
      "\239\187\191" .. valid .. "}", valid .. ',"w":"\192\175"}', '"just a string"', "[]",
      "[" .. string.rep(valid .. "},", 101) .. valid .. "}]" }) do
    add(2, beacon(body))
  end
  add(3, beacon(random_bytes(200)))
  -- Nesting deeper than any parser's limit, and a body over the collector's 256 KiB.
  add(2, beacon(string.rep("[", 60000) .. string.rep("]", 60000)))
  add(2, beacon(string.rep('{"p":', 20000) .. "1" .. string.rep("}", 20000)))
  add(2, beacon(string.rep("x", 300 * 1024)))
  -- A gzip bomb (100 MB of zeros in about 100 KB) and compressed bodies: refused unread.
  add(2, beacon(bomb, { ["Content-Encoding"] = "gzip" }))
  add(1, beacon(random_bytes(100), { ["Content-Encoding"] = "br" }))
  -- Form floods and other content types.
  add(2, beacon("a=" .. string.rep("x", 100 * 1024), { ["Content-Type"] = "application/x-www-form-urlencoded" }))
  add(2, beacon("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" .. string.rep("x", 100 * 1024) .. "\r\n--b--\r\n",
    { ["Content-Type"] = "multipart/form-data; boundary=b" }))
  add(1, beacon(valid .. "}", { ["Content-Type"] = "application/xml" }))
  -- Huge headers, many headers, header values that are not text.
  add(2, format("GET", "/i?d=" .. site .. "&u=https%3A%2F%2F" .. site .. "%2F", { ["User-Agent"] = string.rep("A", 20000) }))
  local many = {}
  for i = 1, 300 do many["X-H" .. i] = string.rep("v", 40) end
  add(2, format("GET", "/i?d=" .. site, many))
  add(2, beacon(valid .. "}", { ["User-Agent"] = "\255\254\0\1 Mozilla", ["X-Forwarded-For"] = "1.2.3.4, \255, ::1, " .. string.rep("9", 300), ["Referer"] = "\192\175" }))
  -- Absurd query strings: too long for a request line, a thousand broken escapes, raw non-UTF-8 bytes.
  add(2, format("GET", "/i?d=" .. site .. "&u=" .. string.rep("%41", 3000)))
  add(2, format("GET", "/i?" .. string.rep("a=%ZZ&", 600)))
  add(2, format("GET", "/i?d=" .. site .. "&u=https://" .. site .. "/\255\254%C0%AF%&p=%7B%22x%22%3A1e400%7D"))
  add(1, format("GET", "/i?" .. string.rep("d=" .. site .. "&", 300)))
  -- Valid beacons the collector turns away: unknown site, bots.
  add(1, beacon('{"n":"pageview","d":"unknown.example","u":"https://unknown.example/"}'))
  add(1, beacon(valid .. "}", { ["User-Agent"] = "Googlebot/2.1 (+http://www.google.com/bot.html)" }))
  -- Garbage on the wire: a broken request line, a TLS hello to the plain HTTP port, bad versions.
  add(1, "GARBAGE\r\n\r\n")
  -- The TLS hello ends in a blank line, so that it is answered at once: a hello that never ends
  -- holds its connection until the server's idle timeout, which is slowloris.mjs's part.
  add(1, "\22\3\1\0\165\1\0\0\161\3\3" .. random_bytes(64) .. "\r\n\r\n")
  add(1, "GET /i HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n")
  add(1, "POST /api/event HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: -5\r\n\r\n")
  add(1, "POST /api/event HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n\r\n")
  -- Wrong methods and paths, the API without credentials, and sign-in attempts (rate limited).
  add(1, format("PUT", "/i"))
  add(1, format("GET", "/assets/..%2F..%2Fetc%2Fpasswd"))
  add(1, format("GET", "//metrics/../health/../api/sites"))
  add(1, format("POST", "/api/v2/query", { ["Content-Type"] = "application/json" }, string.rep("[", 50000)))
  add(1, format("GET", "/api/sites/%00%ff/realtime"))
  add(1, format("POST", "/api/auth/login", { ["Content-Type"] = "application/json" },
    '{"email":"bench@example.com","password":"wrong"}'))
end

-- wrk parses the first request a script gives to check it and quits if it is not HTTP: that one
-- is a plain (malformed JSON) beacon, the rest drawn at random.
local checked = false
function request()
  if not checked then
    checked = true
    return mix[1]
  end
  return mix[math.random(#mix)]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  answered = answered + 1
  if answered == limit then
    local marker = io.open((os.getenv("DONE_DIR") or ".") .. "/thread-" .. (tid or 0), "w")
    if marker then marker:close() end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, n in pairs(c or {}) do total[status] = (total[status] or 0) + n end
  end
  local fivexx, all = 0, 0
  local keys = {}
  for status, n in pairs(total) do
    all = all + n
    if status >= 500 then fivexx = fivexx + n end
    table.insert(keys, status)
  end
  table.sort(keys)
  io.write(string.format("hostile responses: %d; 5xx: %d\n", all, fivexx))
  for _, status in ipairs(keys) do io.write(string.format("  %d: %d\n", status, total[status])) end
end
