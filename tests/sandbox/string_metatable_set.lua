setmetatable(getmetatable(""), {})
