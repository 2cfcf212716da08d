-- The rule-table checks (lua/covengine/check.lua): what each kind accepts,
-- the exact messages, and the level they blame.
local check = require "covengine.check"

local here = debug.getinfo(1, "S").short_src

-- The message check.fields raises for t, blamed on this file's line of the
-- call (level 1 = the function that calls check.fields).
local function fields_error(t, spec)
  local line = debug.getinfo(1, "l").currentline + 1
  local ok, err = pcall(function() check.fields(t, spec, "thing", 1) end)
  assert.is_false(ok)
  return err, line
end

describe("check.raise", function()
  it("blames a level as error does, or a recorded file:line as given", function()
    local function raiser() check.raise("bad", 2) end
    local line = debug.getinfo(1, "l").currentline + 1
    local ok, err = pcall(function() raiser() end)
    assert.is_false(ok)
    assert.are.equal(("%s:%d: bad"):format(here, line), err)
    -- (pcall, not has_error: luassert drops a leading "file:line: ")
    assert.are.same({ false, "rules/x.lua:7: bad" }, { pcall(check.raise, "bad", "rules/x.lua:7") })
  end)

  it("check.up adds one to a level and keeps a recorded position", function()
    assert.are.equal(2, check.up(nil))
    assert.are.equal(4, check.up(3))
    assert.are.equal("r.lua:1", check.up("r.lua:1"))
  end)
end)

describe("check.fields", function()
  it("returns a good table as it is", function()
    local t = { name = "x", n = 3, f = print }
    assert.are.equal(t, check.fields(t, { name = "string", n = "number?", f = "function",
      opt = "boolean?" }, "thing"))
  end)

  it("names the first unknown key in sorted order and the known ones", function()
    local err, line = fields_error({ zz = 1, aa = 2, name = "x" }, { name = "string", n = "number?" })
    assert.are.equal(("%s:%d: thing: unknown key 'aa' (known: n, name)"):format(here, line), err)
  end)

  it("says a required key is missing", function()
    local err = fields_error({}, { name = "string" })
    assert.matches(": thing: 'name' is required$", err)
  end)

  it("describes the kind a value must be", function()
    local cases = {
      { "string|false", true, "a string or false" },
      { "string|list", {}, "a string or a list of strings" },
      { "string|list", { "a", 2 }, "a string or a list of strings" },
      { "list|function", "x", "a list or a function" },
      { "number|string", {}, "a number or a string" },
      { "pattern", "%", "a valid Lua pattern" },
      { "patterns", { "a", "[" }, "a valid Lua pattern or a list of them" },
      { "patterns", {}, "a valid Lua pattern or a list of them" },
      { "boolean", 0, "a boolean" },
      { "table", "t", "a table" },
    }
    for _, c in ipairs(cases) do
      local err = fields_error({ v = c[2] }, { v = c[1] })
      assert.matches(": thing: 'v' must be " .. c[3]:gsub("%p", "%%%0") .. "$", err)
    end
  end)

  it("accepts each kind's good values", function()
    local good = {
      { "string|false", false }, { "string|list", "a" }, { "string|list", { "a", "b" } },
      { "list|function", {} }, { "list|function", print }, { "number|string", 1 },
      { "pattern", "^a%d+$" }, { "patterns", "x" }, { "patterns", { "x", "y." } },
    }
    for _, c in ipairs(good) do
      assert.has_no_error(function() check.fields({ v = c[2] }, { v = c[1] }, "thing") end)
    end
  end)

  it("refuses what is not a table", function()
    local err = fields_error(3, {})
    assert.matches(": thing: expected a table, got number$", err)
  end)
end)

describe("check.list", function()
  it("makes nil, a string and a list a list", function()
    assert.are.same({}, check.list(nil))
    assert.are.same({ "a" }, check.list("a"))
    local l = { "a", "b" }
    assert.are.equal(l, check.list(l))
  end)
end)
