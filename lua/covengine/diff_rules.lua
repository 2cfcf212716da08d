--- The check of the rules' diff table (rules/diff.lua), apart from the diff
-- itself: every run validates its rule tables, but only a run that makes a
-- diff loads covengine.diff.
local check = require "covengine.check"
local cov = require "covengine"

local diff_rules = {}

--- Validates the rules' diff table {ranking = {status, ...} (every status
-- exactly once, best first), test_key = function(id) -> string (optional)}.
-- Raises at `level` above the caller, or, when blame(key) gives a
-- "file:line" for the key at fault, there.
function diff_rules.check_rules(t, level, blame)
  level = (level or 1) + 1
  local function fail(msg, key)
    local at = blame and blame(key)
    if at then error(at .. ": " .. msg, 0) end
    error(msg, level + 1)
  end
  local ok, err = pcall(check.fields, t, { ranking = "table", test_key = "function?" }, "diff", -1)
  if not ok then fail(err, type(t) == "table" and (err:match("unknown key '(.-)'") or "ranking")) end
  local known, seen = {}, {}
  for _, s in ipairs(cov.statuses) do known[s] = true end
  local n = 0
  local keys = {}
  for k in pairs(t.ranking) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if math.type(a) and math.type(b) then return a < b end
    return tostring(a) < tostring(b)
  end)
  for _, k in ipairs(keys) do
    local s = t.ranking[k]
    n = n + 1
    if math.type(k) ~= "integer" or not known[s] then
      fail(("diff: ranking entry %s = %s is not a status (known: %s)"):format(tostring(k),
        tostring(s), table.concat(cov.statuses, ", ")), type(s) == "string" and s or "ranking")
    end
    if seen[s] then fail(("diff: ranking names %s twice"):format(s), s) end
    seen[s] = true
  end
  if n ~= #t.ranking then fail("diff: ranking must be a list", "ranking") end
  for _, s in ipairs(cov.statuses) do
    if not seen[s] then fail(("diff: ranking does not place %s"):format(s), "ranking") end
  end
  return t
end

return diff_rules
