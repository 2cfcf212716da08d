local mt = getmetatable("")
pcall(function() mt.__index = function() return 1 end end)
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(pcall(error, i)) end end)
co(); co()
do local x <close> = setmetatable({}, {__close = function() error("c") end}) end
setmetatable({}, {__gc = function() cov.dataset("head"):count() end})
collectgarbage()
local function r(n) return n > 0 and r(n - 1) or cov.json.encode({["a\0b"] = 1}) end
return r(100)
