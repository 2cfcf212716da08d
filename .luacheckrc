-- luacheck configuration: every Lua file of the project is checked
-- (lua/, rules/, spec/, tools/, examples/, bench/).
std = "lua54"
max_line_length = 110
codes = true

files["spec/**/*_spec.lua"] = { std = "+busted" }
