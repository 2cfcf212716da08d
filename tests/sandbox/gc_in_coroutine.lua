local co = coroutine.wrap(function() setmetatable({}, {__gc = function() while true do end end}) end)
co()
collectgarbage()
