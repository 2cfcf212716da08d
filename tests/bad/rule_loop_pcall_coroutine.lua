local cov = require "covengine"
-- the budget must stop this even though every loop is inside pcall
local co = coroutine.wrap(function() while true do pcall(function() while true do end end) end end)
while true do pcall(co) end
