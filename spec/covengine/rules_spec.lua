-- The rule constructors (lua/covengine/rules.lua): each returns its table,
-- records the caller's line, and raises at the caller's line with one
-- message and no engine frame.
local R = require "covengine.rules"

local here = debug.getinfo(1, "S").short_src

-- Calls constructor `kind` on t from a known line; returns ok, result/err
-- and that line.
local function call(kind, t)
  local line = debug.getinfo(1, "l").currentline + 2
  local ok, res = pcall(function()
    local made = R[kind](t) -- not a tail call: that would hide this line
    return made
  end)
  return ok, res, line
end

describe("rule constructors", function()
  it("return the table given and remember where it was made", function()
    local t = { paths = { jax = "Jax" }, kinds = { { "Jax", "JAX" } } }
    local ok, res, line = call("tasks", t)
    assert.is_true(ok)
    assert.are.equal(t, res)
    assert.are.equal(("%s:%d"):format(here, line), R.where(t))
    assert.is_nil(R.where({}))
  end)

  it("blame the caller's line with one message", function()
    local bad = {
      { "tasks", { paths = {}, kinds = {}, extra = 1 },
        "tasks: unknown key 'extra' (known: kinds, paths, variant_tasks)" },
      { "tasks", { paths = { jax = 3 }, kinds = {} },
        "tasks: 'paths' entry jax must map a task path component to a TaskType name" },
      { "tasks", { paths = {}, kinds = { { "A" } } },
        "tasks.kinds: item 1 must be a pair { TaskType, label }" },
      { "policy", { text = "t" }, "policy: 'tested' is required" },
      { "tags", { [1] = {} }, "tags: key 1 must be a tag name (a string)" },
      { "tags", { hot = 3 }, "tags: 'hot' must be a list of family names or a predicate, not a number" },
      { "tags", { hot = { "a", 2 } }, "tags.hot: item 2 must be a family or module name" },
      { "frameworks", {}, "frameworks: expected a list of { id, label, group }" },
      { "frameworks", { { id = "jax", label = "JAX", group = "jax" },
                        { id = "jax", label = "J", group = "jax" } },
        "frameworks item 2: id 'jax' is also item 1" },
    }
    for _, c in ipairs(bad) do
      local ok, err, line = call(c[1], c[2])
      assert.is_false(ok)
      assert.are.equal(("%s:%d: %s"):format(here, line, c[3]), err)
    end
  end)

  it("validate a table written without a constructor, blamed where asked", function()
    local t = { text = "t", tested = function() return true end }
    assert.are.equal(t, R.validate("policy", t, "rules/policy.lua:4"))
    -- (pcall, not has_error: luassert drops a leading "file:line: ")
    assert.are.same({ false, "rules/policy.lua:4: policy: 'tested' is required" },
      { pcall(R.validate, "policy", {}, "rules/policy.lua:4") })
  end)
end)

describe("frameworks lookups", function()
  local list = R.frameworks {
    { id = "jax", label = "JAX", group = "jax" },
    { id = "torch", label = "PyTorch", group = "torch" },
    { id = "torch_llm", label = "PyTorch (LLM)", group = "torch" },
  }

  it("give a framework's label and group, or its id when unknown", function()
    assert.are.equal("PyTorch (LLM)", R.label_of(list, "torch_llm"))
    assert.are.equal("torch", R.group_of(list, "torch_llm"))
    assert.are.equal("onnx", R.label_of(list, "onnx"))
    assert.are.equal("onnx", R.group_of(list, "onnx"))
  end)

  it("list the groups in first-appearance order, labelled by their first framework", function()
    assert.are.same({ { id = "jax", label = "JAX" }, { id = "torch", label = "PyTorch" } },
      R.groups(list))
  end)
end)
