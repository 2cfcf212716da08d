-- The config hygiene lints (lua/covengine/lint.lua) with the default lint
-- settings (rules/lints.lua): each fires on tests/fixtures/lints/trigger at
-- the entries marked there, and none fires on tests/fixtures/lints/clean.
local lint = require "covengine.lint"
local alias = require "covengine.alias"
local facts = require "covengine.facts"

local FIX = "tests/fixtures/lints/"

-- A fresh module (its own engine) with a tree loaded.
local function load(tree)
  package.loaded.covengine = nil
  local c = require "covengine"
  package.loaded.covengine = nil
  c.load_tt_xla(FIX .. tree)
  return c
end

local CONF = lint.config(dofile("rules/lints.lua"))

-- The findings of one lint, with the default settings.
local function run(c, name, ctx)
  return lint.run(c.head, { [name] = CONF[name] }, ctx or {})
end

local function wheres(findings)
  local out = {}
  for i, f in ipairs(findings) do out[i] = f.where end
  return out
end

describe("lints", function()
  local bad, good = load("trigger"), load("clean")
  local JAX = FIX .. "trigger/jax/test_config_inference_single_device.yaml"
  local TORCH = FIX .. "trigger/torch/test_config_inference_single_device.yaml"

  it("duplicate_id: the same id in two files of one framework", function()
    local f = run(bad, "duplicate_id")
    assert.are.equal(1, #f)
    assert.are.equal(TORCH .. ":3", f[1].where)
    assert.truthy(f[1].message:find("'gpt_oss/pytorch-20B-single_device-inference' is also in "
      .. FIX .. "trigger/torch/more/", 1, true))
    assert.is_true(f[1].loader_warned)
    assert.are.same({}, run(good, "duplicate_id")) -- the same id in jax/ and torch/ is fine
  end)

  it("file_mismatch: an id whose parallelism or run mode is not its file's", function()
    local f = run(bad, "file_mismatch")
    assert.are.same({ JAX .. ":7", JAX .. ":11" }, wheres(f))
    assert.truthy(f[1].message:find("^1 entry is data_parallel inference in a file for "
      .. "single_device inference"))
    assert.truthy(f[2].message:find("single_device training in a file for single_device inference",
      1, true))
    assert.are.same({}, run(good, "file_mismatch")) -- names outside the pattern claim nothing
  end)

  it("stale_placeholder: a placeholder matching a tested family or variant", function()
    local f = run(bad, "stale_placeholder", { normalize = alias.normalize })
    local PH = FIX .. "trigger/torch/test_config_placeholders.yaml"
    assert.are.same({ PH .. ":4", PH .. ":7", PH .. ":10" }, wheres(f))
    assert.truthy(f[1].message:find("'openai/gpt-oss-20b' now matches tested variant '20B' of "
      .. "gpt_oss", 1, true))
    assert.truthy(f[2].message:find("variant 'Devstral_Small_2505' of mistral", 1, true))
    assert.truthy(f[3].message:find("'Boltz2' now matches tested family 'boltz2'", 1, true))
    -- 120B untested, Qwen-Image only excluded, only the Instruct model tested
    assert.are.same({}, run(good, "stale_placeholder"))
  end)

  it("unknown_arch: arch_overrides outside the known set", function()
    local f = run(bad, "unknown_arch")
    assert.are.equal(1, #f)
    assert.are.equal(JAX .. ":21", f[1].where)
    assert.are.equal(1, f[1].families) -- bert, in jax and in torch
    assert.truthy(f[1].message:find("^supported_archs or arch_overrides name 'n151', not a known arch"))
    assert.are.same({}, run(good, "unknown_arch"))
  end)

  it("missing_reason: a non-passing status and no reason, per file and status", function()
    local f = run(bad, "missing_reason")
    assert.are.same({ JAX .. ":15", TORCH .. ":14" }, wheres(f))
    assert.are.same({ 2, 1 }, { f[1].entries, f[2].entries })
    assert.truthy(f[1].message:find("^2 entries with status KNOWN_FAILURE_XFAIL and no reason"))
    assert.truthy(f[2].message:find("^1 entry with status EXCLUDE_MODEL and no reason"))
    assert.are.same({}, run(good, "missing_reason")) -- UNSPECIFIED is not judged
  end)

  it("unused_alias: alias rules that match no loaded test", function()
    local function findings(c)
      local set = alias.set { alias.rule { family = "t5", module = false, reason = "r" } }
      facts.build(c.head, { aliases = set, tasks = {}, tested = function() return true end })
      return run(c, "unused_alias", { aliases = set })
    end
    local f = findings(bad)
    assert.are.equal(1, #f)
    assert.are.equal("alias rule never fires: family t5", f[1].message)
    assert.are.same({}, findings(good)) -- clean/ has t5
  end)

  it("runs every lint that is on, in order, and no other", function()
    local all = lint.run(bad.head, CONF, { normalize = alias.normalize })
    local names = {}
    for _, f in ipairs(all) do names[#names + 1] = f.lint end
    assert.are.same({ "duplicate_id", "file_mismatch", "file_mismatch", "stale_placeholder",
      "stale_placeholder", "stale_placeholder", "unknown_arch", "missing_reason",
      "missing_reason" }, names)
    assert.are.same({}, lint.run(good.head, CONF, {}))
    assert.are.same({}, lint.run(bad.head, lint.config { file_mismatch = false }, {}))
  end)
end)

describe("lint settings", function()
  it("reject unknown lints, options and statuses", function()
    assert.has_error(function() lint.config { no_such_lint = true } end,
      "lints: unknown lint 'no_such_lint' (known: duplicate_id, file_mismatch, stale_placeholder, "
      .. "unknown_arch, missing_reason, unused_alias, unknown_module, loader_disagrees)")
    assert.has_error(function() lint.config { unknown_arch = true } end,
      "lints.unknown_arch: 'known' is required")
    assert.has_error(function() lint.config { missing_reason = { statuses = { "XFAIL" } } } end,
      "lints.missing_reason: 'statuses' names 'XFAIL', not a status (known: EXPECTED_PASSING, "
      .. "KNOWN_FAILURE_XFAIL, NOT_SUPPORTED_SKIP, UNSPECIFIED, EXCLUDE_MODEL)")
    assert.has_error(function() lint.config { file_mismatch = { strict = true } } end)
    assert.has_error(function() lint.config { file_mismatch = "yes" } end,
      "lints: 'file_mismatch' must be true, false or a table of options")
  end)

  it("turn a lint off with false", function()
    assert.are.same({ duplicate_id = {} }, lint.config { duplicate_id = true, file_mismatch = false })
  end)
end)
