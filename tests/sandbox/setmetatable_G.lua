setmetatable(_G, {__index = function() while true do end end})
local x = undefined_name
