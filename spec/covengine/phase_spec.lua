-- The phase engine (lua/covengine/phase.lua): first matching phase wins,
-- tags from lists or predicates, and rule errors at the user's line.
local phase = require "covengine.phase"

local THIS = "spec/covengine/phase_spec.lua"

local function family(name, t)
  t = t or {}
  t.name, t.tags, t.tested = name, {}, t.tested or {}
  return t
end

describe("phases", function()
  it("puts each family in the first phase whose predicate holds", function()
    local line = debug.getinfo(1, "l").currentline
    local phases = phase.list {
      phase.define { name = "JAX", summary = "s1", when = function(f) return f.tested.jax end },
      phase.define { name = "Any module", summary = "s2", when = function(f) return f.module end },
    }
    local a = family("a", { module = "m", tested = { jax = true } })
    local b = family("b", { module = "m" })
    local c = family("c")
    local members = phase.assign({ a, b, c }, phases)
    assert.are.same({ number = 1, name = "JAX", summary = "s1",
      rule = ("%s:%d"):format(THIS, line + 2) }, a.phase)
    assert.are.equal(2, b.phase.number)
    assert.is_nil(c.phase)
    assert.are.same({ { a }, { b } }, members)
  end)

  it("tags families from a list of names or a predicate", function()
    local a, b = family("gemma"), family("x", { module = "mixtral" })
    local c = family("y")
    phase.tag({ a, b, c }, {
      high = { "gemma", "mixtral" },
      odd = function(f) return f.name == "y" end,
    })
    assert.is_true(a.tags.high)
    assert.is_true(b.tags.high) -- by its module
    assert.is_nil(c.tags.high)
    assert.is_true(c.tags.odd)
  end)

  it("rejects a malformed phase at the user's line", function()
    local line = debug.getinfo(1, "l").currentline
    local ok, err = pcall(function() phase.define { name = "x", summary = "y", whem = print } end)
    assert.is_false(ok)
    assert.are.equal(("%s:%d: phase: unknown key 'whem' (known: conclusion, name, summary, when)")
      :format(THIS, line + 1), err)
    ok, err = pcall(function() phase.list { {} } end)
    assert.is_false(ok)
    assert.are.equal(("%s:%d: phases: item 1 is not a phase.define{...}"):format(THIS, line + 5), err)
  end)
end)
