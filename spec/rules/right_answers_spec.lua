-- Right answers on every run (issue 11): the effective status per (test,
-- arch), one count per duplicated id, tasks EasyDeL lacks, rules that say
-- where they are wrong, inputs that are refused instead of half-judged, and
-- the built-in snapshot's fixes. Each `describe` is one item of the issue;
-- tests/fixtures/right/ has a commented entry for each case.
local h = require "helpers"
local cov = require "covengine"

local FIX = "tests/fixtures/right/"
local TREE = { "--tt-xla", FIX .. "tree", "--easydel", FIX .. "easydel.json" }

local function run(args, ...)
  local all = {}
  for _, a in ipairs(args) do all[#all + 1] = a end
  for _, a in ipairs { ... } do all[#all + 1] = a end
  return h.run(all)
end

local function json_report(args, rules)
  local code, out, err = run(args, "-q", "--format", "json", rules or "rules/phases.lua")
  assert.are.equal(0, code, err)
  local r = cov.json.decode(out)
  local by = {}
  for _, f in ipairs(r.families) do by[f.name] = f end
  return r, by
end

-- A copy of rules/ in a fresh directory, to edit.
local function copy_rules()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute(("mkdir -p '%s' && cp -R rules/. '%s'"):format(dir, dir)))
  return dir
end

local function cleanup(dir) os.execute(("rm -rf '%s'"):format(dir)) end

describe("1. supported_archs and arch_overrides: the status on each arch", function()
  local _, by = json_report(TREE)

  it("a test counts on an arch only when its supported_archs list it", function()
    local fe = by.falcon.frameworks.jax
    assert.are.same({}, fe.arch_status.n150) -- its n150 override never applies
    assert.are.same({ EXPECTED_PASSING = 1 }, fe.arch_status.p150)
    local line = fe.variants[1]
    assert.are.same({ p150 = "EXPECTED_PASSING", n150 = cov.json.null }, line.arch_status)
    assert.are.equal(cov.json.null, line.status_elsewhere)
  end)

  it("t:status_on says where a test does not run", function()
    local code, out, err = run(TREE, "-q", FIX .. "statuses.lua")
    assert.are.equal(0, code, err)
    assert.truthy(out:find("falcon/jax-7B-single_device-inference EXPECTED_PASSING "
      .. "entry=EXPECTED_PASSING elsewhere=nil n150=nil p150=EXPECTED_PASSING\n", 1, true), out)
    assert.truthy(out:find("gemma/causal_lm/jax-2B-single_device-inference EXPECTED_PASSING "
      .. "entry=EXPECTED_PASSING elsewhere=EXPECTED_PASSING n150=EXPECTED_PASSING "
      .. "p150=EXPECTED_PASSING\n", 1, true), out)
  end)

  it("--explain gives the per-arch counts, sorted", function()
    local code, out, err = run(TREE, "-q", "--explain", "stablelm", "rules/phases.lua")
    assert.are.equal(0, code, err)
    local n150 = out:find("- On n150 in jax: KNOWN_FAILURE_XFAIL 2\n", 1, true)
    local p150 = out:find("- On p150 in jax: EXPECTED_PASSING 2\n", 1, true)
    assert.truthy(n150 and p150 and n150 < p150, out)
    assert.truthy(out:find("EXPECTED_PASSING (n150 KNOWN_FAILURE_XFAIL, p150 EXPECTED_PASSING; "
      .. "not run elsewhere)", 1, true), out)
  end)
end)

describe("2. an entry without a status of its own", function()
  it("counts as its overrides say, never as UNSPECIFIED", function()
    local _, by = json_report(TREE)
    local fe = by.stablelm.frameworks.jax
    assert.are.same({ EXPECTED_PASSING = 2 }, fe.status_counts)
    assert.are.same({ KNOWN_FAILURE_XFAIL = 2 }, fe.arch_status.n150)
    assert.are.same({ EXPECTED_PASSING = 2 }, fe.arch_status.p150)
    for _, v in ipairs(fe.variants) do
      assert.are.equal("EXPECTED_PASSING", v.status)
      assert.are.equal("UNSPECIFIED", v.entry_status)
    end
  end)
end)

describe("3. an id in two files", function()
  it("counts once, as the later file's entry, and the warning says so", function()
    local code, out, err = run(TREE, "--format", "json", "rules/phases.lua")
    assert.are.equal(0, code, err)
    local r = cov.json.decode(out)
    assert.are.equal(8, r.summary.tests) -- 9 entries, one id twice
    assert.are.equal(1, r.summary.duplicate_ids)
    assert.are.same({ "NOT_SUPPORTED_SKIP" }, (function()
      for _, f in ipairs(r.families) do
        if f.name == "mistral" then
          local out2 = {}
          for _, v in ipairs(f.frameworks.jax.variants) do out2[#out2 + 1] = v.status end
          return out2
        end
      end
    end)())
    assert.truthy(err:find(FIX .. "tree/jax/test_config_inference_single_device.yaml:%d+:3: "
      .. "warning: test id 'mistral/causal_lm/jax%-v0_1%-single_device%-inference' is also in "
      .. FIX:gsub("%p", "%%%0") .. "tree/jax/test_config_inference_data_parallel%.yaml:4; this "
      .. "later entry replaces it %(tt%-xla merges the files in order%), so the test counts once"),
      err)
  end)
end)

describe("issue 10, item 6: the default policy", function()
  it("counts a framework as tested only where an entry runs", function()
    local r, by = json_report(TREE)
    local fe = by.mistral.frameworks.jax
    assert.is_false(fe.tested)
    assert.is_true(fe.listed_not_running)
    assert.are.same({ { family = "mistral", frameworks = { "jax" } } }, r.listed_not_running)
    assert.are.equal(1, r.summary.listed_not_running)
    assert.truthy(r.policy:find("EXPECTED_PASSING, KNOWN_FAILURE_XFAIL or UNSPECIFIED", 1, true))
    assert.truthy(r.policy:find("listed, not running", 1, true))
    local _, md = run(TREE, "-q", "rules/phases.lua")
    assert.truthy(md:find("## Families listed, not running (1)", 1, true), md)
    assert.truthy(md:find("- **mistral** (EasyDeL mistral): JAX 1 NOT_SUPPORTED_SKIP\n", 1, true), md)
  end)
end)

describe("6. tasks EasyDeL lacks", function()
  it("maps masked LM and tasks written in the variant name", function()
    local _, by = json_report(TREE)
    assert.are.same({ "MASKED_LM" }, by.roberta.missing_tasks)
    assert.are.same({ "SEQUENCE_CLASSIFICATION" }, by.gpt2.test_tasks)
    assert.are.same({ "SEQUENCE_CLASSIFICATION" }, by.gpt2.missing_tasks)
  end)

  it("maps every task component of the real configs", function()
    if not h.have_shared("tt-xla/tt-xla-2026-08-21") then return end
    local tasks = dofile("rules/tasks.lua")
    -- Components of the task path that name a sub-family or a checkpoint, not a task.
    local not_tasks = { llama = true, qwen = true, moe = true, v2 = true, lucidrains = true,
      deepseek_coder = true, deepseek_math = true, deepseek_chat = true, deepseek_moe = true,
      deepseek_ocr = true, phi_3_5 = true, phi_3_5_moe = true, phi_3_5_vision = true,
      pixtral = true, codegemma = true, codestral = true, llama_3_2_vision = true,
      open_reasoning = true, mm_image_ttt = true, encode = true, vision_language_action = true }
    local unmapped = {}
    for _, tree in ipairs { "tt-xla-2025-10-31", "tt-xla-2026-08-21" } do
      local code, out = run({ "--tt-xla", h.shared .. "/tt-xla/" .. tree }, "--dump")
      assert.are.equal(0, code)
      for _, t in ipairs(cov.json.decode(out).tests) do
        for _, part in ipairs(t.task_path) do
          if not tasks.paths[part] and not not_tasks[part] then unmapped[part] = true end
        end
      end
    end
    assert.are.same({}, unmapped)
    local _, by = json_report({ "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21", "--easydel",
      h.shared .. "/easydel/easydel-2026-04-22.json" })
    assert.truthy(table.concat(by.roberta.missing_tasks, " "):find("MASKED_LM", 1, true))
  end)
end)

describe("7. no EasyDeL inventory", function()
  it("the report says it has none", function()
    local code, out, err = run({ "--tt-xla", FIX .. "tree" }, "-q", "rules/phases.lua")
    assert.are.equal(0, code, err)
    assert.truthy(out:find("- **EasyDeL**: no inventory loaded (give `--easydel PATH`)", 1, true))
  end)
end)

describe("8. rule typos warn or fail at the rule's own line, with a did-you-mean", function()
  it("an alias rule naming a module EasyDeL does not have", function()
    local dir = copy_rules()
    h.edit(dir .. "/aliases.lua", 'family = "gpt_neo", module = false', 'family = "gpt_neo", '
      .. 'module = "gpt_neoxx"')
    local code, _, err = run(TREE, "-q", "--strict", dir .. "/phases.lua")
    local line = h.line_of(dir .. "/aliases.lua", "gpt_neoxx")
    local code2, _, err2 = run(TREE, dir .. "/phases.lua")
    cleanup(dir)
    assert.are.equal(2, code, err)
    assert.are.equal(0, code2, err2)
    assert.truthy(err2:find(("%s/aliases.lua:%d: warning: alias rule names EasyDeL module "
      .. "'gpt_neoxx', which the loaded EasyDeL inventory does not have; did you mean "
      .. "'gpt_neox'?; the 1 entry it maps counts without EasyDeL [unknown_module]"):format(dir,
        line), 1, true), err2)
  end)

  it("a tag naming a family that does not exist", function()
    local dir = copy_rules()
    h.edit(dir .. "/phases.lua", 'high_impact = { "gemma",', 'high_impact = { "gemmma",')
    local code, _, err = run(TREE, dir .. "/phases.lua")
    local line = h.line_of(dir .. "/phases.lua", "R.tags {")
    cleanup(dir)
    assert.are.equal(0, code, err)
    -- one line for the tag, at the tags{} call that made the list (the fixture's
    -- inventory lacks the other high-impact modules too)
    assert.truthy(err:find(("%s/phases.lua:%d: warning: tag 'high_impact' names 'gemmma' "
      .. "(did you mean 'gemma'?), 'gemma2' (did you mean 'gemma'?), "):format(dir, line), 1, true),
      err)
    assert.truthy(err:find("which are no family and no EasyDeL module\n", 1, true), err)
  end)

  it("a phase predicate reading a field that does not exist", function()
    local dir = copy_rules()
    h.edit(dir .. "/phases.lua", "return f.module and f.tested.jax end",
      "return f.module and f.tested.pytorch end")
    local path = os.tmpname()
    os.remove(path)
    local code, out, err = run(TREE, "-o", path, dir .. "/phases.lua")
    local line = h.line_of(dir .. "/phases.lua", "and f.tested.pytorch end")
    cleanup(dir)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.is_nil(io.open(path))
    assert.truthy(err:find(("covengine: %s/phases.lua:%d: family '[%%w_]+': f.tested has no field "
      .. "'pytorch'; did you mean 'torch'%%? %%(known: jax, torch, torch_llm%%)"):format(
        dir:gsub("%p", "%%%0"), line)), err)
  end)

  it("a framework fact the policy reads that does not exist", function()
    local dir = copy_rules()
    h.edit(dir .. "/phases.lua", "if %(fw%.reach%[s%] or 0%) > 0", "if (fw.reech[s] or 0) > 0")
    local code, _, err = run(TREE, "-q", dir .. "/phases.lua")
    cleanup(dir)
    assert.are.equal(2, code)
    assert.truthy(err:find("framework facts of '[%w_]+' has no field 'reech'; did you mean "
      .. "'reach'%?"), err)
  end)
end)

describe("9. frameworks", function()
  it("--framework takes only a framework tt-xla has", function()
    local code, out, err = run({ "--framework", "jaxx", "--config",
      FIX .. "loose/test_config_jax_ids.yaml" }, "rules/phases.lua")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: unknown framework 'jaxx' (known: jax, torch, torch_llm)\n", err)
  end)

  it("a file outside a framework directory takes its framework from its ids", function()
    local code, out, err = run({ "--config", FIX .. "loose/test_config_jax_ids.yaml" }, "--dump")
    assert.are.equal(0, code, err)
    local d = cov.json.decode(out)
    assert.are.equal("jax", d.sources[1].framework)
    for _, t in ipairs(d.tests) do assert.are.equal("jax", t.framework) end
    assert.are.equal(("covengine: %sloose/test_config_jax_ids.yaml:7:3: warning: 1 test id is "
      .. "PyTorch (/pytorch-) but the file's framework is jax; each test keeps the file's "
      .. "framework\n"):format(FIX), err)
  end)
end)

describe("10. inputs that cannot be judged", function()
  it("--base-easydel without a base config", function()
    local code, out, err = run(TREE, "-q", "--base-easydel", FIX .. "easydel.json", "--format", "diff",
      "rules/phases.lua")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:find("^covengine: %-%-format diff: the base dataset has no tt%-xla tests "
      .. "to compare against"), err)
  end)

  it("a report format whose render returns nothing", function()
    local dir = copy_rules()
    local f = assert(io.open(dir .. "/reports/empty.lua", "w"))
    f:write("return { render = function() end }\n")
    f:close()
    local path = os.tmpname()
    os.remove(path)
    local code, out, err = run(TREE, "--format", "empty", "-o", path, dir .. "/phases.lua")
    cleanup(dir)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.is_nil(io.open(path))
    assert.truthy(err:find("report format 'empty' returned nil from render, not the report text",
      1, true), err)
  end)
end)

describe("11. the built-in snapshot", function()
  local r, by = json_report({})
  local _, md = run({ "-q", "rules/phases.lua" })

  it("has the seed's PHI3 PyTorch row", function()
    assert.is_true(by.phi3.frameworks.torch.tested)
    assert.are.equal("phi3", by.phi3.easydel)
  end)

  it("keeps RoBERTa-PreLayerNorm apart from EasyDeL's roberta", function()
    assert.are.same({ "roberta" }, by.roberta.raw_names)
    assert.are.equal(cov.json.null, by.roberta_prelayernorm.easydel)
  end)

  it("says the seed's modules lack falcon_mamba", function()
    assert.are.same({ "falcon_mamba" }, by.falcon_mamba.missing_modules)
    assert.truthy(md:find("- **falcon_mamba** (Falcon-Mamba is a state-space model: EasyDeL's "
      .. "falcon_mamba, not falcon; the rule names EasyDeL's falcon_mamba, which this EasyDeL "
      .. "inventory does not have)", 1, true), md)
  end)

  it("gives every untested module a type", function()
    assert.is_true(#r.easydel_untested > 0)
    for _, u in ipairs(r.easydel_untested) do
      assert.are_not.equal(cov.json.null, u.type, u.module)
    end
  end)
end)
