-- Shared helpers for the specs: running the covengine binary and reading
-- fixtures. Specs run from the repository root (ctest sets that up).
local helpers = {}

helpers.covengine = os.getenv("COVENGINE") or "build/covengine"
helpers.shared = os.getenv("COV_SHARED_DATA") or "../shared/data"

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Words put before the binary (valgrind in the COV_VALGRIND build).
local wrapper = os.getenv("COVENGINE_WRAPPER") or ""

--- Runs covengine with args (a list); returns exit status, stdout, stderr.
function helpers.run(args)
  local out, err = os.tmpname(), os.tmpname()
  local cmd = { wrapper, quote(helpers.covengine) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = quote(a) end
  local ok, _, code = os.execute(table.concat(cmd, " ") .. " >" .. out .. " 2>" .. err)
  local function slurp(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("a")
    f:close()
    os.remove(path)
    return s
  end
  return ok and 0 or code, slurp(out), slurp(err)
end

--- True when the third-party data is present; prints why a spec skips.
function helpers.have_shared(sub)
  local f = io.open(helpers.shared .. "/" .. sub, "r")
  if f then
    f:close()
    return true
  end
  print("skipping: " .. helpers.shared .. "/" .. sub .. " is absent")
  return false
end

--- True when the shared data the calling spec names in its lines "-- needs
-- shared data: PATH ..." is all present (tests/scripts/run_spec.sh reads
-- the same lines and makes ctest skip the spec without them); else marks
-- the spec pending (with busted's `pending`, which the spec passes: it is
-- a global of the spec's environment only), so that busted run by hand
-- says it skipped, and returns false for the spec to return.
function helpers.need_shared(pending)
  local spec = debug.getinfo(2, "S").source:gsub("^@", "")
  local needs = {}
  for line in io.lines(spec) do
    local paths = line:match("^%-%- needs shared data: *(.*)$")
    for path in (paths or ""):gmatch("%S+") do needs[#needs + 1] = path end
  end
  assert(#needs > 0, spec .. " has no line \"-- needs shared data: PATH ...\"")
  for _, path in ipairs(needs) do
    if not helpers.have_shared(path) then
      pending(("%s needs %s/%s"):format(spec, helpers.shared, path))
      return false
    end
  end
  return true
end

--- The number of the first line of the file at path containing text
-- (plain); an error when none does.
function helpers.line_of(path, text)
  local n = 0
  for line in io.lines(path) do
    n = n + 1
    if line:find(text, 1, true) then return n end
  end
  error(text .. " not in " .. path)
end

--- Rewrites the file at path, replacing the one match of the Lua pattern
-- from by to; an error unless there is exactly one.
function helpers.edit(path, from, to)
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  local new, n = text:gsub(from, to)
  assert(n == 1, "edit did not apply to " .. path)
  f = assert(io.open(path, "w"))
  f:write(new)
  f:close()
end

--- How many times pattern matches in text.
function helpers.count_lines(text, pattern)
  local n = 0
  for _ in text:gmatch(pattern) do n = n + 1 end
  return n
end

--- A Markdown section: from its heading to the next "## " heading.
function helpers.section(md, heading)
  local start = md:find(heading, 1, true)
  assert(start, "no section " .. heading)
  local stop = md:find("\n## ", start + 1, true) or #md
  return md:sub(start, stop)
end

return helpers
