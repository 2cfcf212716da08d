local function f() while true do coroutine.wrap(function() pcall(f) end)() end end
f()
