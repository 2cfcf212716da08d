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

--- The contents of the file at path, which is then removed.
function helpers.slurp(path)
  local s = helpers.read(path)
  os.remove(path)
  return s
end

--- Runs covengine with args (a list); returns exit status, stdout, stderr.
function helpers.run(args)
  local out, err = os.tmpname(), os.tmpname()
  local cmd = { wrapper, quote(helpers.covengine) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = quote(a) end
  local ok, _, code = os.execute(table.concat(cmd, " ") .. " >" .. out .. " 2>" .. err)
  return ok and 0 or code, helpers.slurp(out), helpers.slurp(err)
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

--- Runs a shell command; an error naming it when it fails.
function helpers.sh(cmd)
  assert(os.execute(cmd), cmd)
end

--- The first line a shell command prints.
function helpers.first_line(cmd)
  local p = assert(io.popen(cmd))
  local s = p:read("l")
  p:close()
  return s
end

--- The contents of the file at path; an error when it cannot be read.
function helpers.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

--- Writes text to the file at path.
function helpers.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

--- A Lua pattern matching the string s as it is.
function helpers.plain(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

--- A new empty directory under the system's temporary directory.
function helpers.tmpdir()
  local dir = os.tmpname()
  os.remove(dir)
  helpers.sh("mkdir '" .. dir .. "'")
  return dir
end

--- The JSON schema docs/schemas/NAME, decoded.
function helpers.schema(name)
  return require("covengine").json.decode(helpers.read("docs/schemas/" .. name))
end

--- Runs covengine with args; returns stdout and stderr, or raises with
-- stderr when the exit status is not 0.
function helpers.run_ok(args)
  local code, out, err = helpers.run(args)
  if code ~= 0 then error(("covengine exited %s: %s"):format(tostring(code), err), 2) end
  return out, err
end

--- The report of `covengine -q ARGS --format FORMAT rules/phases.lua`:
-- decoded for json (the default), the text for any other format.
function helpers.report(args, format)
  local a = { "-q" }
  for _, x in ipairs(args) do a[#a + 1] = x end
  for _, x in ipairs { "--format", format or "json", "rules/phases.lua" } do a[#a + 1] = x end
  local out = helpers.run_ok(a)
  return format and format ~= "json" and out or require("covengine").json.decode(out)
end

--- The fixture repositories of tests/scripts/make_git_fixtures.sh, built
-- in a new temporary directory: returns that directory (remove it when
-- done) and the fixtures' path in it.
function helpers.git_fixtures()
  local root = helpers.tmpdir()
  local fix = root .. "/fix"
  helpers.sh("sh tests/scripts/make_git_fixtures.sh '" .. fix .. "' >/dev/null")
  return root, fix
end

--- A bare clone of the shared bundle at helpers.shared/bundle in a new
-- temporary directory: returns that directory (remove it when done) and
-- the clone's path.
function helpers.clone_bundle(bundle)
  local root = helpers.tmpdir()
  local repo = root .. "/history.git"
  helpers.sh(("git clone -q --bare '%s/%s' '%s'"):format(helpers.shared, bundle, repo))
  return root, repo
end

return helpers
