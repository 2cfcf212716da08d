-- Checks that every public function in covengine.h has a doc comment right
-- above it (or above the group of declarations it belongs to), and that
-- every function returning a pointer says who owns the memory.
-- usage: lua5.4 tools/check-header-docs.lua include/covengine.h
local path = assert(arg[1], "usage: check-header-docs.lua covengine.h")
local lines = {}
for line in io.lines(path) do lines[#lines + 1] = line end

local problems = {}
local comment, in_comment = nil, false
for i, line in ipairs(lines) do
  if line:find("^/%*") then
    in_comment, comment = true, {}
  end
  if in_comment then
    comment[#comment + 1] = line
    if line:find("%*/") then in_comment = false end
  elseif line:find("^COV_API") then
    local decl = line
    local j = i
    while not decl:find(";") do
      j = j + 1
      decl = decl .. " " .. lines[j]
    end
    local name = decl:match("([%w_]+)%s*%(")
    if not comment then
      problems[#problems + 1] = ("%s:%d: %s has no doc comment"):format(path, i, name)
    else
      local text = table.concat(comment, " ")
      local returns_pointer = decl:match("^COV_API%s+[%w_%s]-%*") ~= nil
      if returns_pointer and not (text:find("own") or text:find("free") or text:find("static storage")) then
        problems[#problems + 1] = ("%s:%d: %s returns a pointer but its comment says nothing of "
          .. "ownership"):format(path, i, name)
      end
    end
  elseif line == "" or line:find("^#") or line:find("^typedef") or line:find("^}") then
    comment = nil -- a comment documents only the declarations right below it
  end
end
for _, p in ipairs(problems) do print(p) end
if #problems > 0 then os.exit(1) end
print("ok: every public function is documented")
