-- The command line's contract (docs/design.md 4): exit statuses and
-- one-line errors "covengine: FILE:LINE:COL: message".
local h = require "helpers"

describe("covengine CLI", function()
  it("prints the snapshot report with no input options", function()
    local code, out, err = h.run { "rules/phases.lua" }
    assert.are.equal(0, code, err)
    assert.truthy(out:find("# EasyDeL model coverage", 1, true))
  end)

  it("reports a YAML syntax error with file, line and column", function()
    local code, out, err = h.run { "--config", "tests/fixtures/cli/malformed.yaml", "rules/phases.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: tests/fixtures/cli/malformed.yaml:4:4: invalid YAML: did not find "
      .. "expected key while parsing a block mapping (started at line 2, column 3)\n", err)
  end)

  it("names the allowed values of an unknown status", function()
    local code, _, err = h.run { "--config", "tests/fixtures/cli/unknown_status.yaml", "--dump" }
    assert.are.equal(2, code)
    assert.are.equal("covengine: tests/fixtures/cli/unknown_status.yaml:5:13: unknown status "
      .. "'MOSTLY_PASSING' (allowed: EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, NOT_SUPPORTED_SKIP, "
      .. "UNSPECIFIED, EXCLUDE_MODEL)\n", err)
  end)

  it("names both lines of a duplicate id", function()
    local code, _, err = h.run { "--config", "tests/fixtures/cli/duplicate_id.yaml", "--dump" }
    assert.are.equal(2, code)
    assert.are.equal("covengine: tests/fixtures/cli/duplicate_id.yaml:8:3: duplicate test id "
      .. "'opt/jax-125m-single_device-inference' (first at line 2)\n", err)
  end)

  it("reports a missing file with no invented position", function()
    local code, _, err = h.run { "--config", "tests/fixtures/cli/no_such_file.yaml", "--dump" }
    assert.are.equal(2, code)
    assert.are.equal("covengine: tests/fixtures/cli/no_such_file.yaml: cannot open: "
      .. "No such file or directory\n", err)
  end)

  it("reports a missing rules script the same way", function()
    local code, _, err = h.run { "tests/fixtures/cli/no_such_rules.lua" }
    assert.are.equal(2, code)
    assert.are.equal("covengine: tests/fixtures/cli/no_such_rules.lua: cannot open: "
      .. "No such file or directory\n", err)
  end)

  it("rejects unknown options as bad usage", function()
    local code, _, err = h.run { "--frobnicate" }
    assert.are.equal(2, code)
    assert.are.equal("covengine: unknown option '--frobnicate' (try --help)\n", err)
  end)

  it("dumps the model as covengine.dump/1 JSON", function()
    local cov = require "covengine"
    local code, out = h.run { "--config", "tests/fixtures/cli/good.yaml", "--dump" }
    assert.are.equal(0, code)
    local dump = cov.json.decode(out)
    assert.are.equal("covengine.dump/1", dump.schema)
    assert.are.equal(3, #dump.tests)
    local opt = dump.tests[2]
    assert.are.equal("opt/jax-125m-single_device-inference", opt.id)
    assert.are.equal("KNOWN_FAILURE_XFAIL", opt.status)
    assert.are.equal("FAILED_RUNTIME", opt.bringup_status)
    assert.are.equal("OOM on n150", opt.reason)
    assert.are.equal("EXPECTED_PASSING", opt.arch_overrides.p150.status)
    assert.are.equal(cov.json.null, opt.arch_overrides.p150.bringup_status)
    assert.are.equal(5, opt.line)
    assert.are.equal("UNSPECIFIED", dump.tests[3].status)
    assert.are.same({ "push" }, dump.tests[1].markers)
    assert.are.same({ "masked_lm" }, dump.tests[3].task_path)
  end)

  it("exits 2 when rules raise, with the rule's file and line and a traceback", function()
    local path = os.tmpname() .. ".lua"
    local f = assert(io.open(path, "w"))
    f:write("local x = 1\nerror('no such family: ' .. x)\n")
    f:close()
    local code, out, err = h.run { path }
    os.remove(path)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:find("^covengine: " .. path:gsub("%p", "%%%0") .. ":2: no such family: 1\n"))
    assert.truthy(err:find("stack traceback:", 1, true))
  end)

  it("writes nothing to -o when the run fails", function()
    local target = os.tmpname()
    local f = assert(io.open(target, "w"))
    f:write("previous report\n")
    f:close()
    local code = h.run { "--config", "tests/fixtures/cli/unknown_status.yaml", "-o", target,
      "rules/phases.lua" }
    assert.are.equal(2, code)
    f = assert(io.open(target))
    assert.are.equal("previous report\n", f:read("a"))
    f:close()
    os.remove(target)
  end)
end)

describe("covengine --explain", function()
  local TINY = { "--tt-xla", "tests/fixtures/rules/tiny", "--easydel",
    "tests/fixtures/rules/tiny/easydel.json", "-q" }
  local function run(name)
    local args = { table.unpack(TINY) }
    args[#args + 1] = "--explain"
    args[#args + 1] = name
    args[#args + 1] = "rules/phases.lua"
    return h.run(args)
  end

  it("explains a raw family that splits, with rules, module, tests and phase", function()
    local code, out, err = run("qwen_3")
    assert.are.equal(0, code, err)
    assert.truthy(out:find("## qwen3\n", 1, true))
    assert.truthy(out:find("## qwen3_moe\n", 1, true))
    assert.truthy(out:find("- Alias for `qwen_3`: rules/aliases.lua:%d+ %(Qwen3 '%-A3B' variants"))
    assert.truthy(out:find("- EasyDeL module: qwen3_moe; TaskTypes: CAUSAL_LM", 1, true))
    assert.truthy(out:find("`qwen_3/causal_lm/pytorch-30B_A3b-single_device-inference` "
      .. "tests/fixtures/rules/tiny/torch/test_config_inference_single_device.yaml:4 "
      .. "KNOWN_FAILURE_XFAIL", 1, true))
    assert.truthy(out:find("- Phase 2, Port to JAX via EasyDeL: .- %(rule at rules/phases.lua:%d+%)"))
  end)

  it("explains a canonical family and a family EasyDeL lacks", function()
    local code, out = run("gpt_neo")
    assert.are.equal(0, code)
    assert.truthy(out:find("EasyDeL module: none (an alias rule says EasyDeL has no implementation)",
      1, true))
    assert.truthy(out:find("- Phase: none", 1, true))
  end)

  it("rejects an unknown name with exit 2 and no traceback", function()
    local code, out, err = run("nosuch")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: --explain: no family 'nosuch' in the loaded data\n", err)
  end)
end)
