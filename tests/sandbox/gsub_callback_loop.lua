local s = ("a"):rep(100)
s:gsub(".", function() while true do end end)
