-- The covengine Lua module as stock lua5.4 loads it: datasets, test views,
-- grouping, loading from Lua, JSON.
local cov = require "covengine"

local GOOD = "tests/fixtures/cli/good.yaml"

describe("covengine module", function()
  -- One engine per module instance: reload it for a clean dataset.
  local function fresh()
    package.loaded.covengine = nil
    local m = require "covengine"
    package.loaded.covengine = nil
    return m
  end

  it("starts empty and loads the built-in snapshot", function()
    local c = fresh()
    assert.are.equal(0, c.count())
    assert.is_true(c.load_snapshot())
    assert.is_true(c.count() > 100)
    assert.are.equal(53, c.easydel().module_count)
    assert.are.equal(53, #c.modules())
  end)

  it("exposes tests as read-only views with computed properties", function()
    local c = fresh()
    c.load_config(GOOD)
    local t = c.test(2)
    assert.are.equal("opt/jax-125m-single_device-inference", t.id)
    assert.are.equal("opt", t.family)
    assert.is_nil(t.task_path)
    assert.are.equal("125m", t.variant)
    assert.are.equal("jax", t.model_framework)
    assert.are.equal("single_device", t.parallelism)
    assert.are.equal("inference", t.run_mode)
    assert.are.equal("KNOWN_FAILURE_XFAIL", t.status)
    assert.are.equal("EXPECTED_PASSING", t:status_on("p150"))
    assert.are.equal("KNOWN_FAILURE_XFAIL", t:status_on("n150"))
    assert.are.equal(GOOD, t.file)
    assert.are.equal(5, t.line)
    assert.are.equal(t.id, tostring(t))
    assert.has_error(function() t.status = "X" end)
    assert.has_error(function() return t.no_such_property end,
      "test has no property 'no_such_property'")
    assert.are.equal("UNSPECIFIED", c.test(3).status)
    assert.is_false(c.test(3).status_given)
    assert.is_nil(c.test(4))
  end)

  it("filters tests by family, framework and task path", function()
    local c = fresh()
    c.load_snapshot()
    local n, all = 0, 0
    for t in c.tests { family = "gpt_neo", framework = "torch" } do
      assert.are.equal("gpt_neo", t.family)
      assert.are.equal("torch", t.framework)
      n = n + 1
    end
    for _ in c.tests() do all = all + 1 end
    assert.are.equal(3, n)
    assert.are.equal(c.count(), all)
    for _ in c.tests { family = "never_heard_of_it" } do error("matched nothing") end
    assert.has_error(function() c.tests { famly = "x" } end)
  end)

  it("groups tests in C with status counts and per-arch effective statuses", function()
    local c = fresh()
    c.load_config(GOOD)
    local groups = c.group { "family" }
    assert.are.equal(3, #groups)
    local opt = groups[2]
    assert.are.equal("opt", opt.family)
    assert.are.equal(1, opt.count)
    assert.are.same({ KNOWN_FAILURE_XFAIL = 1 }, opt.status)
    assert.are.same({ FAILED_RUNTIME = 1 }, opt.bringup)
    assert.are.same({ p150 = { EXPECTED_PASSING = 1 } }, opt.arch_status)
    assert.are.equal(opt.first, c.test(2))
    local by_fw = c.group { "framework", "run_mode" }
    assert.are.equal(1, #by_fw)
    assert.are.equal(3, by_fw[1].count)
    assert.has_error(function() c.group { "colour" } end)
  end)

  it("makes only the group fields asked for", function()
    local c = fresh()
    c.load_config(GOOD)
    local opt = c.group({ "family" }, { fields = { "status", "first" } })[2]
    assert.are.equal("opt", opt.family)
    assert.are.equal(1, opt.count)
    assert.are.same({ KNOWN_FAILURE_XFAIL = 1 }, opt.status)
    assert.are.equal(opt.first, c.test(2))
    assert.is_nil(opt.bringup)
    assert.is_nil(opt.reach)
    assert.is_nil(opt.arch_status)
    local bare = c.group({ "family" }, { fields = {} })[2]
    assert.are.same({ family = "opt", count = 1 }, bare)
    assert.has_error(function() c.group({ "family" }, { fields = { "colour" } }) end,
      "group: 'fields' names 'colour' (known: status, bringup, reach, arch_status, first)")
  end)

  it("filters groups and collects distinct values, past 64 of them too", function()
    local c = fresh()
    local lines = { "test_config:" }
    for i = 1, 70 do
      lines[#lines + 1] = ("  fam/causal_lm/jax-v%03d-single_device-inference:"):format(i)
      lines[#lines + 1] = ("  fam/causal_lm/jax-v%03d-data_parallel-training:"):format(i)
    end
    lines[#lines + 1] = "  other/jax-x-single_device-inference:"
    c.load_config_string("many.yaml", table.concat(lines, "\n") .. "\n", "jax")
    local g = c.group({ "family" }, { collect = { "variant", "parallelism", "run_mode" },
      limit = 3, filter = { family = "fam" } })
    assert.are.equal(1, #g)
    assert.are.equal(140, g[1].count)
    assert.are.same({ variant = 70, parallelism = 2, run_mode = 2 }, g[1].distinct)
    assert.are.same({ "v001", "v002", "v003" }, g[1].values.variant)
    assert.are.same({ "data_parallel", "single_device" }, g[1].values.parallelism)
    assert.has_error(function() c.group({ "family" }, { colect = {} }) end)
    assert.has_error(function() c.group({ "family" }, { collect = { "parsed" } }) end)
  end)

  it("lists the distinct values of a key, sorted, without a table per value", function()
    local c = fresh()
    c.load_config_string("v.yaml", "test_config:\n"
      .. "  fam/jax-b-single_device-inference:\n"
      .. "  fam/jax-a-single_device-inference:\n"
      .. "  fam/jax-b-data_parallel-inference:\n"
      .. "  fam/causal_lm/jax-c-single_device-inference:\n"
      .. "  fam/jax-single_device-inference:\n"
      .. "  other/jax-z-single_device-inference:\n", "jax")
    assert.are.same({ "a", "b", "c", "z" }, c.values("variant"))
    assert.are.same({ "a", "b", "c" }, c.values("variant", { family = "fam" }))
    -- task_path = false: the tests without a task path
    assert.are.same({ "a", "b" }, c.values("variant", { family = "fam", task_path = false }))
    assert.are.same({ "c" }, c.values("variant", { task_path = "causal_lm" }))
    assert.are.same({ "data_parallel", "single_device" }, c.values("parallelism"))
    assert.are.same({ true }, c.values("parsed"))
    assert.are.same({}, c.values("variant", { family = "nobody" }))
    assert.has_error(function() c.values("colour") end)
  end)

  it("raises load errors as FILE:LINE:COL messages", function()
    local c = fresh()
    local ok, msg = pcall(c.load_config, "tests/fixtures/cli/unknown_status.yaml")
    assert.is_false(ok)
    assert.truthy(msg:find("^tests/fixtures/cli/unknown_status.yaml:5:13: unknown status"))
    assert.are.equal(0, c.count()) -- a failed load leaves the dataset as it was
  end)

  it("loads YAML from a string", function()
    local c = fresh()
    c.load_config_string("inline.yaml", "test_config:\n  a/pytorch-v-data_parallel-inference:\n",
      "torch")
    assert.are.equal("torch", c.test(1).framework)
    assert.are.equal("inline.yaml", c.test(1).file)
  end)

  it("runs rule scripts and returns the report", function()
    local c = fresh()
    local report = c.run("rules/phases.lua")
    assert.truthy(report:find("# EasyDeL model coverage", 1, true))
  end)
end)

describe("cov.distance", function()
  it("is the edit distance, capped at limit + 1 when a limit is given", function()
    assert.are.equal(3, cov.distance("kitten", "sitting"))
    assert.are.equal(1, cov.distance("gpt_neo", "gpt_neox"))
    assert.are.equal(0, cov.distance("", ""))
    assert.are.equal(4, cov.distance("", "abcd"))
    assert.are.equal(2, cov.distance("kitten", "sitting", 1))
    assert.are.equal(3, cov.distance("abc", "xyzabc", 2))
    assert.are.equal(2, cov.distance("qwen2_5_vl", "qwen2_vl", 2))
  end)
end)

describe("cov.json", function()
  it("encodes objects with sorted keys and arrays in order", function()
    assert.are.equal('{"a":1,"b":[true,false,null],"c":"x"}',
      cov.json.encode { c = "x", a = 1, b = { true, false, cov.json.null } })
    assert.are.equal("[]", cov.json.encode(cov.json.array {}))
    assert.are.equal("{}", cov.json.encode {})
    assert.are.equal("0.5", cov.json.encode(0.5))
  end)

  it("round-trips what it decodes", function()
    local text = '{"list":[1,2,{"x":null}],"n":-3,"s":"\\u00e9"}'
    local v = cov.json.decode(text)
    assert.are.equal(cov.json.null, v.list[3].x)
    assert.are.equal(-3, v.n)
    assert.are.equal("é", v.s)
    assert.are.equal(text:gsub("\\u00e9", "é"), cov.json.encode(v))
  end)

  -- The outer levels (and any container of more than 256 values) are
  -- written as the encoder goes, the rest printed by cJSON a value at a
  -- time: the text must be what cJSON writes for the whole tree.
  it("writes its outer levels as cJSON lays out the whole tree", function()
    local x = { name = "a\"b\n\tc", empty_object = {}, empty_array = cov.json.array {},
      list = { 1, 2.5, { k = cov.json.null, v = { true, false } }, {}, "é" },
      nested = { deeper = { deepest = { 1, { "two" } } }, [""] = "blank key", ["a\nb"] = 1 } }
    for _, indent in ipairs { true, false } do
      local o = { indent = indent }
      local whole = cov.json.encode({ { x } }, o) -- x two levels down: cJSON alone
      local alone = cov.json.encode(x, o)       -- x's own levels written here
      local shifted = indent and alone:gsub("\n", "\n\t\t") or alone
      assert.are.equal(whole, "[[" .. shifted .. "]]")
      assert.are.same(x.nested, cov.json.decode(alone).nested)
    end
  end)

  it("writes a container of more than 256 values as cJSON writes two halves", function()
    local list, first, second = cov.json.array {}, cov.json.array {}, cov.json.array {}
    local obj, obj_a, obj_b = {}, {}, {}
    for i = 1, 300 do
      local item = { i = i, name = "n" .. i, tags = { "t" } }
      list[i] = item
      table.insert(i <= 150 and first or second, item)
      local key = ("k%03d"):format(i)
      obj[key] = { i }
      ;(i <= 150 and obj_a or obj_b)[key] = { i }
    end
    for _, indent in ipairs { true, false } do
      local o = { indent = indent }
      -- Three levels down, where only the size makes the encoder write them.
      local function deep(v) return cov.json.encode({ { { v } } }, o) end
      local a, b = deep(first), deep(second)
      assert.are.equal(a:sub(1, -5) .. (indent and ", " or ",") .. b:sub(5), deep(list))
      a, b = deep(obj_a), deep(obj_b)
      local tail = indent and "\n\t\t\t}]]]" or "}]]]"
      local head = indent and "[[[{\n" or "[[[{"
      assert.are.equal(a:sub(1, -#tail - 1) .. "," .. (indent and "\n" or "") .. b:sub(#head + 1),
        deep(obj))
    end
  end)

  it("refuses what JSON cannot hold", function()
    assert.has_error(function() cov.json.encode { f = print } end, "json: cannot encode a function")
    local cyclic = {}
    cyclic.self = cyclic
    assert.has_error(function() cov.json.encode(cyclic) end)
    assert.has_error(function() cov.json.encode(0 / 0) end)
    assert.has_error(function() cov.json.decode("{") end)
  end)
end)
