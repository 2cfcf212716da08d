-- A small JSON Schema (draft-07 subset) validator for the specs: type
-- (with unions), enum, required, properties, additionalProperties, items.
-- Returns a list of "path: problem" strings, empty when the value is valid.
local cov = require "covengine"

local function json_type(v)
  if v == cov.json.null then return "null" end
  local t = type(v)
  if t == "boolean" or t == "string" then return t end
  if t == "number" then return math.type(v) == "integer" and "integer" or "number" end
  if t == "table" then
    if getmetatable(v) ~= nil then return "array" end -- decode marks arrays
    return next(v) == nil and "object" or (v[1] ~= nil and "array" or "object")
  end
  return t
end

local function type_ok(want, got)
  if want == got then return true end
  return want == "number" and got == "integer"
end

local function validate(schema, v, path, errs)
  local got = json_type(v)
  if schema.type then
    local types = type(schema.type) == "table" and schema.type or { schema.type }
    local ok = false
    for _, t in ipairs(types) do ok = ok or type_ok(t, got) end
    if not ok then
      errs[#errs + 1] = ("%s: is %s, want %s"):format(path, got, table.concat(types, "|"))
      return
    end
  end
  if schema.enum then
    local ok = false
    for _, e in ipairs(schema.enum) do ok = ok or e == v end
    if not ok then errs[#errs + 1] = ("%s: %s is not allowed"):format(path, tostring(v)) end
  end
  if got == "object" then
    for _, k in ipairs(schema.required or {}) do
      if v[k] == nil then errs[#errs + 1] = ("%s: missing '%s'"):format(path, k) end
    end
    for k, sub in pairs(v) do
      local s = schema.properties and schema.properties[k] or schema.additionalProperties
      if type(s) == "table" then validate(s, sub, path .. "." .. k, errs) end
    end
  elseif got == "array" and schema.items then
    for i, sub in ipairs(v) do validate(schema.items, sub, ("%s[%d]"):format(path, i), errs) end
  end
end

return function(schema, value)
  local errs = {}
  validate(schema, value, "$", errs)
  return errs
end
