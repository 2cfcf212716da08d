while true do local _ = string.format("%99d", 1) end
