--- The check of the rules' diff table (rules/diff.lua), apart from the diff
-- itself: every run validates its rule tables, but only a run that makes a
-- diff loads covengine.diff.
local check = require "covengine.check"
local cov = require "covengine"

local diff_rules = {}

--- Validates the rules' diff table {ranking = {status, ...} (every status
-- exactly once, best first), test_key = function(id) -> string (optional)}.
-- Raises at `level` (as check.raise's: a level above the caller, or the
-- "file:line" rules.diff recorded).
function diff_rules.check_rules(t, level)
  level = check.up(level)
  check.fields(t, { ranking = "table", test_key = "function?" }, "diff", level)
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
      check.raise(("diff: ranking entry %s = %s is not a status (known: %s)"):format(tostring(k),
        tostring(s), table.concat(cov.statuses, ", ")), level)
    end
    if seen[s] then check.raise(("diff: ranking names %s twice"):format(s), level) end
    seen[s] = true
  end
  if n ~= #t.ranking then check.raise("diff: ranking must be a list", level) end
  for _, s in ipairs(cov.statuses) do
    if not seen[s] then check.raise(("diff: ranking does not place %s"):format(s), level) end
  end
  return t
end

return diff_rules
