local function h() return xpcall(function() while true do end end, h) end
xpcall(h, h)
