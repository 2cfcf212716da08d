--- Validation of the tables users write in rules/: every check raises at a
-- level that blames the user's own line (like lsyncd), and a key the rule
-- does not know is an error, so a typo never silently does nothing.
local check = {}

--- Raises msg blamed on the user's line, the one error-blaming helper of
-- the engine: `at` is a level as error's (1, the default, is the function
-- that calls check.raise, 2 its caller, ...) or the "file:line" a rule
-- constructor recorded (covengine.rules), which needs no source file and
-- so works under --sandbox.
function check.raise(msg, at)
  if type(at) == "string" then error(at .. ": " .. msg, 0) end
  error(msg, (at or 1) + 1)
end

--- The `at` of check.raise one call further from the user: a level plus
-- one, a recorded "file:line" as it is. A checking function passes its own
-- `level` argument through check.up before raising with it.
function check.up(at)
  if type(at) == "string" then return at end
  return (at or 1) + 1
end

local function keys_of(spec)
  local names = {}
  for k in pairs(spec) do names[#names + 1] = k end
  table.sort(names)
  return table.concat(names, ", ")
end

local kinds = {
  string = function(v) return type(v) == "string" end,
  ["string|false"] = function(v) return type(v) == "string" or v == false end,
  ["string|list"] = function(v)
    if type(v) == "string" then return true end
    if type(v) ~= "table" or #v == 0 then return false end
    for k, x in pairs(v) do
      if math.type(k) ~= "integer" or type(x) ~= "string" then return false end
    end
    return true
  end,
  ["function"] = function(v) return type(v) == "function" end,
  ["list|function"] = function(v) return type(v) == "table" or type(v) == "function" end,
  table = function(v) return type(v) == "table" end,
  pattern = function(v) return type(v) == "string" and (pcall(string.find, "", v)) end,
  patterns = function(v)
    if type(v) == "string" then v = { v } end
    if type(v) ~= "table" or #v == 0 then return false end
    for k, p in pairs(v) do
      if math.type(k) ~= "integer" or type(p) ~= "string" or not pcall(string.find, "", p) then
        return false
      end
    end
    return true
  end,
  number = function(v) return type(v) == "number" end,
  boolean = function(v) return type(v) == "boolean" end,
  ["number|string"] = function(v) return type(v) == "number" or type(v) == "string" end,
}

local described = {
  ["string|false"] = "a string or false",
  ["string|list"] = "a string or a list of strings",
  ["list|function"] = "a list or a function",
  ["number|string"] = "a number or a string",
  pattern = "a valid Lua pattern",
  patterns = "a valid Lua pattern or a list of them",
}

-- A spec's keys in sorted order, kept per spec table.
local spec_names = setmetatable({}, { __mode = "k" })

--- Checks table t against spec {key = "kind" or "kind?"} and raises, at
-- `level` above the caller, "<what>: ..." on an unknown key, a missing
-- required key or a value of the wrong kind. Returns t.
function check.fields(t, spec, what, level)
  level = check.up(level)
  if type(t) ~= "table" then
    check.raise(("%s: expected a table, got %s"):format(what, type(t)), level)
  end
  -- With two mistakes the same one is named on every run: the first in
  -- sorted order (sorting only once a mistake is found keeps the common
  -- case free of garbage).
  local unknown
  for k in pairs(t) do
    if spec[k] == nil and (unknown == nil or tostring(k) < tostring(unknown)) then unknown = k end
  end
  if unknown ~= nil then
    check.raise(("%s: unknown key '%s' (known: %s)"):format(what, tostring(unknown),
      keys_of(spec)), level)
  end
  local names = spec_names[spec]
  if not names then
    names = {}
    for k in pairs(spec) do names[#names + 1] = k end
    table.sort(names)
    spec_names[spec] = names
  end
  for _, k in ipairs(names) do
    local kind = spec[k]
    local optional = kind:sub(-1) == "?"
    kind = optional and kind:sub(1, -2) or kind
    local v = t[k]
    if v == nil then
      if not optional then check.raise(("%s: '%s' is required"):format(what, k), level) end
    elseif not kinds[kind](v) then
      check.raise(("%s: '%s' must be %s"):format(what, k, described[kind] or ("a " .. kind)),
        level)
    end
  end
  return t
end

--- A string or list of strings as a list.
function check.list(v)
  if v == nil then return {} end
  if type(v) == "string" then return { v } end
  return v
end

return check
