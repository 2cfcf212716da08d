-- The trend's rule check, values and display (lua/covengine/trend.lua);
-- collecting over a real history is spec/history_spec.lua's.
local trend = require "covengine.trend"

local function series(...)
  return { series = { ... } }
end

local function s(name) return { name = name, text = name, value = function() return 1 end } end

-- A dataset stand-in: ds:group{"framework"} and ds:easydel() are all
-- trend.values asks of it.
local function fake_dataset(groups, easydel)
  return {
    group = function(_, keys)
      assert.are.same({ "framework" }, keys)
      return groups
    end,
    easydel = function() return easydel end,
  }
end

describe("trend.check", function()
  it("accepts unique identifier names and returns the table", function()
    local t = series(s("coverage"), s("status_expected_passing"))
    assert.are.equal(t, trend.check(t))
  end)

  it("refuses a missing list, a bad name, a repeated name, an unknown key", function()
    local bad = {
      { {}, "trend: 'series' must be a list of { name, text, value }" },
      { series(s("two words")), "trend series 1: name 'two words' must be a Lua identifier" },
      { series(s("a"), s("b"), s("a")), "trend series 3: name 'a' is also series 1" },
      { series({ name = "a", text = "t", value = print, unit = "%" }),
        "trend series 1: unknown key 'unit' (known: name, text, value)" },
    }
    for _, c in ipairs(bad) do
      assert.are.same({ false, "rules/trend.lua:3: " .. c[2] },
        { pcall(trend.check, c[1], "rules/trend.lua:3") })
    end
  end)
end)

describe("trend.values", function()
  local groups = {
    { status = { EXPECTED_PASSING = 2, UNSPECIFIED = 1 } },
    { status = { EXPECTED_PASSING = 3 } },
  }

  it("gives each series the report, the dataset and tests by status", function()
    local ds = fake_dataset(groups, false)
    local cfg = { trend = series(
      { name = "passing", text = "t", value = function(_, ctx) return ctx.by_status.EXPECTED_PASSING end },
      { name = "tests", text = "t", value = function(r) return r.summary.tests end },
      { name = "figure", text = "t", value = function(_, ctx) return ctx.figure end },
      { name = "same", text = "t", value = function(_, ctx) return ctx.dataset == ds and 1 or 0 end }) }
    assert.are.same({ passing = 5, tests = 6, same = 1 },
      trend.values(cfg, { summary = { tests = 6 } }, ds))
  end)

  it("computes the gate figure only with an EasyDeL inventory", function()
    local figure = { name = "coverage", text = "of modules",
      ratio = function(sum) return sum.covered, sum.total end }
    local cfg = { figure = figure, trend = series(
      { name = "pc", text = "t", value = function(_, ctx) return ctx.figure.value end },
      { name = "of", text = "t", value = function(_, ctx) return ctx.figure.total end }) }
    assert.are.same({ pc = 75.0, of = 4 },
      trend.values(cfg, { summary = { covered = 3, total = 4 } }, fake_dataset(groups, true)))
  end)

  it("refuses a value that is not a number or nil", function()
    local cfg = { trend = series({ name = "bad", text = "t", value = function() return "7" end }) }
    assert.are.same({ false, "trend series 'bad' returned string, not a number or nil" },
      { pcall(trend.values, cfg, { summary = {} }, fake_dataset(groups, false)) })
  end)
end)

describe("trend.display", function()
  it("shows integers as they are, percentages as the gate does, nothing for nil", function()
    assert.are.equal("12", trend.display(12))
    assert.are.equal("54.79", trend.display(40 / 73 * 100))
    assert.are.equal("", trend.display(nil))
  end)
end)
