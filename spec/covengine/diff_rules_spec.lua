-- The check of rules/diff.lua's table (lua/covengine/diff_rules.lua).
local cov = require "covengine"
local diff_rules = require "covengine.diff_rules"

local function ranking(...) return { ranking = { ... } } end

local AT = "rules/diff.lua:5"

local function fails(t)
  local ok, err = pcall(diff_rules.check_rules, t, AT)
  assert.is_false(ok)
  return err
end

describe("diff_rules.check_rules", function()
  it("accepts every status once, best first, and an optional test_key", function()
    local t = ranking(table.unpack(cov.statuses))
    assert.are.equal(t, diff_rules.check_rules(t, AT))
    t.test_key = function(id) return id end
    assert.are.equal(t, diff_rules.check_rules(t, AT))
  end)

  it("refuses an unknown status, a repeat, a gap and a missing status", function()
    local all = table.concat(cov.statuses, ", ")
    local s = cov.statuses
    assert.are.equal(AT .. ": diff: ranking entry 2 = PASSING is not a status (known: " .. all .. ")",
      fails(ranking(s[1], "PASSING")))
    assert.are.equal(AT .. ": diff: ranking names " .. s[1] .. " twice",
      fails(ranking(s[1], s[1])))
    assert.are.equal(AT .. ": diff: ranking does not place " .. s[#s],
      fails(ranking(table.unpack(s, 1, #s - 1))))
    local gap = ranking(table.unpack(s))
    gap.ranking[#s + 2] = gap.ranking[#s]
    gap.ranking[#s] = nil
    assert.are.equal(AT .. ": diff: ranking must be a list", fails(gap))
    assert.are.equal(AT .. ": diff: ranking entry x = " .. s[1] .. " is not a status (known: "
      .. all .. ")", fails({ ranking = { x = s[1] } }))
  end)

  it("refuses unknown keys and a test_key that is not a function", function()
    assert.are.equal(AT .. ": diff: unknown key 'rank' (known: ranking, test_key)",
      fails({ rank = {} }))
    local t = ranking(table.unpack(cov.statuses))
    t.test_key = "id"
    assert.are.equal(AT .. ": diff: 'test_key' must be a function", fails(t))
  end)
end)
