-- pipeline.lua - wrk script for tests/bench/run: 16 GET /health in one
-- write; wrk counts each of the 16 answers as a request.
local depth = 16

init = function(args)
   local r = {}
   for i = 1, depth do
      r[i] = wrk.format("GET", "/health")
   end
   req = table.concat(r)
end

request = function()
   return req
end
