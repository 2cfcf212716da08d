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

return helpers
