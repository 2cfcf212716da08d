-- cJSON parses a 120 MB array in one C call that the Lua hook never sees:
-- the engine's allocator stops it at the deadline.
local s = "[" .. ("1,"):rep(6e7) .. "1]"
return tostring(#require("covengine").json.decode(s))
