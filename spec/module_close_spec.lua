-- The stock-Lua module once its engine is closed: lua_close runs the
-- engine's __gc before the finalizers of tables that still use the module,
-- and a script can call that __gc by hand. Every later call is the Lua error
-- "covengine: engine is closed", never a read of freed memory. Each script
-- runs in a lua5.4 of its own (a crash must not take busted with it), with
-- this build's module on LUA_CPATH; in a sanitizer build the runtimes come
-- through LD_PRELOAD from ctest's environment, so ASan sees a regression.

local CLOSED = "covengine: engine is closed"
local GOOD = "tests/fixtures/cli/good.yaml"

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Runs script in stock lua5.4 with this module; returns status, output.
local function lua(script)
  local src, out = os.tmpname(), os.tmpname()
  local f = assert(io.open(src, "wb"))
  f:write(script)
  f:close()
  local cmd = ("%s env LUA_CPATH=%s lua5.4 %s >%s 2>&1"):format(
    os.getenv("COVENGINE_WRAPPER") or "", quote(package.cpath), quote(src), quote(out))
  local ok, _, code = os.execute(cmd)
  f = assert(io.open(out, "rb"))
  local text = f:read("a")
  f:close()
  os.remove(src)
  os.remove(out)
  return ok and 0 or code, text
end

-- Lines of text, as a list, without the "SCRIPT:LINE: " a Lua error names
-- its caller with (the script is a temporary file).
local function lines(text)
  local t = {}
  for l in text:gmatch("[^\n]+") do t[#t + 1] = (l:gsub("\t/tmp/[^:\t]+:%d+: ", "\t")) end
  return t
end

-- Handles taken before close, and calls on each of them after it: the
-- module's own functions, a dataset, a test view, an iterator, grouping.
local HANDLES = ([[
local c = require "covengine"
c.load_config(%q)
local ds, t, it = c.dataset("head"), c.test(1), c.tests()
]]):format(GOOD)
local AFTER = [[
local calls = {
  function() return c.count() end,
  function() return ds:count() end,
  function() return #ds end,
  function() return tostring(ds) end,
  function() return ds:group({"family"}) end,
  function() return ds:values("family") end,
  function() return ds:load_config_string("x.yaml", "test_config: {}\n") end,
  function() return t.id end,
  function() return tostring(t) end,
  function() return t:status_on("n150") end,
  function() return t:totable() end,
  function() return it() end,
  function() return c.run("rules/phases.lua") end,
  function() return c.set_option("format", "json") end,
  function() return c.write("x") end,
}
for i, f in ipairs(calls) do print(i, select(2, pcall(f))) end
]]

local function expect_closed(status, out, n)
  assert.are.equal(0, status, out)
  local want = {}
  for i = 1, n do want[i] = i .. "\t" .. CLOSED end
  assert.are.same(want, lines(out))
end

describe("stock-Lua module after close", function()
  it("gives an error, not freed memory, in a finalizer lua_close runs after the engine's", function()
    -- The finalizer is set before the module is loaded: at lua_close it runs
    -- after the engine's (finalizers run in reverse order of marking).
    local status, out = lua(([[
local c, ds, t, it
g = setmetatable({}, {__gc = function()
%s
end})
c = require "covengine"
c.load_config(%q)
ds, t, it = c.dataset("head"), c.test(1), c.tests()
]]):format(AFTER, GOOD))
    expect_closed(status, out, 15)
  end)

  it("still works in a finalizer that runs before the engine's", function()
    local status, out = lua(HANDLES .. [[
g = setmetatable({}, {__gc = function() print(c.count(), ds:count(), t.family, it().id) end})
]])
    assert.are.equal(0, status, out)
    assert.are.same({"3\t3\tgpt2\tgpt2/causal_lm/jax-base-single_device-inference"}, lines(out))
  end)

  it("gives an error on every handle after __gc called by hand, twice", function()
    local status, out = lua(HANDLES .. [[
local e = c._engine
getmetatable(e).__gc(e)
getmetatable(e).__gc(e)
]] .. AFTER)
    expect_closed(status, out, 15)
  end)

  it("closes every module function that needs the engine, and no other", function()
    local status, out = lua(HANDLES .. [[
local e = c._engine
getmetatable(e).__gc(e)
local names = {}
for k, v in pairs(c) do
  if type(v) == "function" then names[#names + 1] = k end
end
table.sort(names)
for _, k in ipairs(names) do
  local ok, err = pcall(c[k], "jax", "x.yaml", "test_config: {}\n")
  print(k, ok or tostring(err):match("^[^\n]-covengine: engine is closed$") and "closed"
    or "other")
end
]])
    assert.are.equal(0, status, out)
    local closed, other = {}, {}
    for _, l in ipairs(lines(out)) do
      local name, what = l:match("^(%S+)\t(%S+)$")
      if what == "closed" then closed[#closed + 1] = name else other[#other + 1] = name end
    end
    assert.are.same({"arches", "baseline", "count", "dump", "duplicates", "easydel",
      "fail_gate", "group", "load_config", "load_config_string", "load_easydel",
      "load_easydel_string", "load_snapshot", "load_tt_forge_models", "load_tt_xla",
      "loaders", "modules", "placeholders", "run", "set_option", "set_sandbox",
      "settings_given", "sources", "test", "tests", "tt_forge_models", "unknown_ids",
      "values", "warn", "warnings", "write"}, closed)
    assert.are.same({"abort", "dataset", "default_rules", "distance", "formats", "where"},
      other)
  end)

  it("keeps the engine while a handle is reachable", function()
    local status, out = lua(([[
local ds = require("covengine").dataset("head")
package.loaded.covengine = nil
collectgarbage()
collectgarbage()
ds:load_config(%q)
print(ds:count())
]]):format(GOOD))
    assert.are.equal(0, status, out)
    assert.are.same({"3"}, lines(out))
  end)
end)
