-- The gate arithmetic (lua/covengine/gate.lua): the figure, its 0/0 rule,
-- coverage.py's display and --fail-under comparison.
local gate = require "covengine.gate"

local figure = {
  name = "coverage", text = "of modules",
  ratio = function(s) return s.easydel_modules - s.easydel_untested, s.easydel_modules end,
}

describe("gate figure", function()
  it("is 100 * covered / total, and 100 when there is nothing to cover", function()
    assert.are.equal(60.0, (gate.value(figure, { easydel_modules = 5, easydel_untested = 2 })))
    local pc, covered, total = gate.value(figure, { easydel_modules = 0, easydel_untested = 0 })
    assert.are.same({ 100.0, 0, 0 }, { pc, covered, total })
  end)

  it("rejects a ratio that is not 0 <= covered <= total", function()
    local bad = { name = "x", text = "y", ratio = function() return 3, 2 end }
    assert.has_error(function() gate.value(bad, {}) end,
      "figure 'x': ratio must return two numbers 0 <= covered <= total, got 3, 2")
    bad.ratio = function() return 0 / 0, 1 end
    assert.has_error(function() gate.value(bad, {}) end)
  end)

  it("shows two decimals, never rounding to 0 or 100 what is not", function()
    assert.are.equal("54.79", gate.display(40 / 73 * 100))
    assert.are.equal("100.00", gate.display(100))
    assert.are.equal("99.99", gate.display(99.999))
    assert.are.equal("0.01", gate.display(0.001))
    assert.are.equal("0.00", gate.display(0))
  end)

  it("fails under a threshold as coverage.py does", function()
    assert.is_true(gate.fails_under(54.79, 60))
    assert.is_false(gate.fails_under(60.0, 60))
    assert.is_false(gate.fails_under(59.996, 60))  -- rounds to 60.00
    assert.is_true(gate.fails_under(99.999, 100))  -- 100 must be exact
    assert.is_false(gate.fails_under(100, 100))
    assert.is_false(gate.fails_under(0, 0))
  end)
end)
