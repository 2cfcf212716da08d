-- tt-forge-models with the default rules on the fixture tree: the CLI options
-- and the tree a tt-xla checkout pins, the dump against its schema, the Lua
-- views. The real snapshots are in forge_real_spec.lua.
local h = require "helpers"
local run_ok, report = h.run_ok, h.report
local cov = require "covengine"
local validate = require "jsonschema"

local MODELS, CONFIGS = "tests/fixtures/forge/models", "tests/fixtures/forge/ttxla"

local DUMP_SCHEMA = h.schema("covengine.dump-1.schema.json")

-- A tt-xla checkout layout in a temporary directory: its configs copied, its
-- third_party/tt_forge_models a link to `models` (absent: none).
local function checkout(configs, models)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute(("mkdir -p '%s/tests/runner' && cp -R '%s' '%s/tests/runner/test_config'")
    :format(dir, configs, dir)))
  if models then
    local abs = models:sub(1, 1) == "/" and models or (os.getenv("PWD") .. "/" .. models)
    assert(os.execute(("mkdir -p '%s/third_party' && ln -s '%s' '%s/third_party/tt_forge_models'")
      :format(dir, abs, dir)))
  end
  return dir
end

local function rmdir(dir) os.execute(("rm -rf '%s'"):format(dir)) end

describe("tt-forge-models on the fixture tree", function()
  it("dumps loaders and per-test loaders that validate against covengine.dump/1", function()
    local d = cov.json.decode(run_ok { "-q", "--tt-xla", CONFIGS, "--tt-forge-models", MODELS,
      "--dump" })
    assert.are.same({}, validate(DUMP_SCHEMA, d))
    assert.are.equal(9, #d.loaders)
    assert.are.equal(6, d.tt_forge_models.unknown)
    local tampered = cov.json.decode(run_ok { "-q", "--tt-forge-models", MODELS, "--dump" })
    tampered.loaders[1].variants = "none"
    assert.are.equal(1, #validate(DUMP_SCHEMA, tampered))
    local plain = cov.json.decode(run_ok { "-q", "--dump" })
    assert.are.same({}, validate(DUMP_SCHEMA, plain))
    assert.are.equal(cov.json.null, plain.tt_forge_models)
  end)

  it("uses the tree a tt-xla checkout pins, and says so", function()
    local dir = checkout(CONFIGS, MODELS)
    local out, err = run_ok { "--tt-xla", dir, "--format", "json", "rules/phases.lua" }
    local r = cov.json.decode(out)
    assert.are.equal(dir .. "/third_party/tt_forge_models", r.tt_forge_models.source)
    assert.is_true(r.tt_forge_models.found_in_tt_xla)
    assert.truthy(err:find("names no tt-forge-models loader variant: no loader.py in omega/jax",
      1, true), err)
    local md = run_ok { "-q", "--tt-xla", dir, "rules/phases.lua" }
    assert.truthy(md:find("(tt-forge-models, 9 loaders, found in the tt-xla checkout)", 1, true))
    -- An explicit --tt-forge-models wins over the pinned tree.
    r = report { "--tt-xla", dir, "--tt-forge-models", MODELS }
    assert.are.equal(MODELS, r.tt_forge_models.source)
    assert.is_false(r.tt_forge_models.found_in_tt_xla)
    rmdir(dir)
  end)

  it("ignores a submodule never checked out and warns about a tree without loaders", function()
    local dir = checkout(CONFIGS, nil)
    assert(os.execute(("mkdir -p '%s/third_party/tt_forge_models'"):format(dir)))
    local code, out, err = h.run { "--tt-xla", dir, "--dump" }
    assert.are.equal(0, code)
    -- (the fixture's torch_llm file holds a JAX id on purpose: the loader says so)
    local function forge_warnings(e)
      return (e:gsub("[^\n]*: warning: 1 test id is JAX %(/jax%-%) but the file's framework is "
        .. "torch_llm; each test keeps the file's framework\n", ""))
    end
    assert.are.equal("", forge_warnings(err))
    assert.are.equal(cov.json.null, cov.json.decode(out).tt_forge_models)
    assert(os.execute(("touch '%s/third_party/tt_forge_models/README.md'"):format(dir)))
    local code2, _, err2 = h.run { "--tt-xla", dir, "--dump" }
    assert.are.equal(0, code2)
    assert.are.equal(("covengine: %s/third_party/tt_forge_models: warning: no loader.py files "
      .. "under %s/third_party/tt_forge_models: not a tt-forge-models checkout\n"):format(dir, dir),
      forge_warnings(err2))
    rmdir(dir)
  end)

  it("takes the tree from the rules' settings too", function()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute(("mkdir -p '%s'"):format(dir)))
    local f = assert(io.open(dir .. "/s.lua", "w"))
    local here = os.getenv("PWD")
    f:write(([[
local settings = require "covengine.settings"
settings { inputs = { tt_xla = "%s/%s", tt_forge_models = "%s/%s" } }
return require("covengine").tt_forge_models().loaders .. "\n"
]]):format(here, CONFIGS, here, MODELS))
    f:close()
    assert.are.equal("9\n", (run_ok { "-q", dir .. "/s.lua" }))
    rmdir(dir)
  end)

  it("joins the base dataset to --base-tt-forge-models", function()
    local r = cov.json.decode(run_ok { "-q", "--base-tt-xla", CONFIGS, "--base-tt-forge-models",
      MODELS, "--tt-xla", CONFIGS, "--tt-forge-models", MODELS, "--format", "diff-json",
      "rules/phases.lua" })
    assert.is_true(r.implementations.known)
    assert.are.equal(0, r.summary.switched_to_easydel)
    r = cov.json.decode(run_ok { "-q", "--base-tt-xla", CONFIGS, "--tt-xla", CONFIGS,
      "--tt-forge-models", MODELS, "--format", "diff-json", "rules/phases.lua" })
    assert.is_false(r.implementations.known)
  end)

  it("gives Lua the loaders, the unknown ids and each test's loader", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write([[
local cov = require "covengine"
local out = {}
local l = cov.loaders()
out[#out + 1] = #l .. " " .. cov.tt_forge_models().unknown .. " " .. #cov.unknown_ids()
for _, x in ipairs(l) do
  if x.path == "alpha/causal_lm/jax" then
    out[#out + 1] = table.concat({ x.family, x.task_path, x.model_framework, x.fields.source.how,
      x.variants[3].value, x.variants[3].source, tostring(x.variants[3].tested) }, " ")
  end
end
for t in cov.tests { family = "alpha" } do
  if t.loader then
    out[#out + 1] = table.concat({ t.variant, t.source, t.group, t.checkpoint, t.loader.path,
      t.loader.file:match("[^/]+/[^/]+/[^/]+/loader.py$"), t.loader.line }, " ")
  end
end
for _, g in ipairs(cov.group({ "source" }, { filter = { framework = "jax" } })) do
  out[#out + 1] = tostring(g.source) .. "=" .. g.count
end
local u = cov.unknown_ids()[1]
out[#out + 1] = u.id .. " " .. u.reason
return table.concat(out, "\n") .. "\n"
]])
    f:close()
    local out = run_ok { "-q", "--tt-xla", CONFIGS, "--tt-forge-models", MODELS, path }
    os.remove(path)
    assert.are.equal(table.concat({
      "9 6 6",
      "alpha causal_lm jax per_variant Tiny HUGGING_FACE false",
      "Base EASYDEL PRIORITY org/alpha-base alpha/causal_lm/jax alpha/causal_lm/jax/loader.py 18",
      "Large EASYDEL RED org/alpha-large alpha/causal_lm/jax alpha/causal_lm/jax/loader.py 19",
      "EASYDEL=3", "nil=4",
      "alpha/causal_lm/jax-Huge-single_device-inference loader alpha/causal_lm/jax has no variant 'Huge'",
    }, "\n") .. "\n", out)
  end)
end)
