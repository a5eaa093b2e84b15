-- search.lua - wrk rotates through the request paths in the file named by BENCH_SEARCH_PATHS
-- (one a line, written by bench/search/run), signed in as the benchmark's viewer: every
-- request carries BENCH_COOKIE, the session cookie world.sql set up.
local paths = {}
for line in io.lines(os.getenv("BENCH_SEARCH_PATHS")) do
    if line ~= "" then
        paths[#paths + 1] = line
    end
end
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")

-- Each thread starts at a different place in the list, so the connections do not ask the
-- same query at the same moment.
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("start", threads * 7)
end

local requests, i = {}, 0
function init(args)
    for k, p in ipairs(paths) do
        requests[k] = wrk.format("GET", p)
    end
    i = (start or 0) % #requests
end

function request()
    i = i % #requests + 1
    return requests[i]
end
