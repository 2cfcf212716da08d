-- The config hygiene lints from the command line: warnings by default,
-- errors with --strict (each printed, then one line counting them, exit 2,
-- nothing written); mistakes in rules/lints.lua and rules/diff.lua blame
-- their own line; and what the lints find on the real snapshots (listed in
-- docs/lints.md).
local h = require "helpers"
local line_of, edit = h.line_of, h.edit

local FIX = "tests/fixtures/lints/"
local RULES = FIX .. "rules/phases.lua" -- default lints, an alias rule for t5 only

local function run(tree, ...)
  local args = { "--tt-xla", FIX .. tree }
  for _, a in ipairs { ... } do args[#args + 1] = a end
  args[#args + 1] = RULES
  return h.run(args)
end

-- The "[lint]" tags of the warnings (or, with severity "error", of the
-- errors) in stderr, in order.
local function tags(err, severity)
  local out = {}
  for tag in err:gmatch((severity or "warning") .. ": [^\n]* %[([%w_]+)%]\n") do
    out[#out + 1] = tag
  end
  return out
end

describe("lints on the command line", function()
  it("warn by default and still write the report", function()
    local code, out, err = run("trigger")
    assert.are.equal(0, code, err)
    assert.truthy(out:find("^# EasyDeL model coverage"))
    -- the duplicate: the loader's own warning only
    assert.are.same({ "file_mismatch", "file_mismatch", "stale_placeholder", "stale_placeholder",
      "stale_placeholder", "unknown_arch", "missing_reason", "missing_reason", "unused_alias" },
      tags(err))
    assert.truthy(err:find("warning: test id 'gpt_oss/pytorch-20B-single_device-inference' is "
      .. "also in", 1, true))
    assert.truthy(err:find(FIX .. "rules/aliases.lua:6: warning: alias rule never fires: family t5 "
      .. "[unused_alias]", 1, true))
  end)

  it("are errors with --strict: each printed, then a count, exit 2, nothing written", function()
    local path = os.tmpname()
    os.remove(path)
    local code, out, err = run("trigger", "--strict", "-o", path)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.is_nil(io.open(path))
    local errors = { "duplicate_id", "file_mismatch", "file_mismatch", "stale_placeholder",
      "stale_placeholder", "stale_placeholder", "unknown_arch", "missing_reason", "missing_reason",
      "unused_alias" }
    assert.are.same(errors, tags(err, "error"))
    assert.are.same({}, tags(err, "warning"))
    assert.truthy(err:find("\ncovengine: 10 hygiene lint errors %(%-%-strict%)\n$"), err)
    -- -q hides the warnings (the loader's about the duplicate), never the errors
    local _
    code, _, err = run("trigger", "--strict", "-q")
    assert.are.equal(2, code)
    assert.are.same(errors, tags(err, "error"))
    assert.falsy(err:find("warning:", 1, true), err)
    assert.are.equal(#errors + 1, h.count_lines(err, "[^\n]*\n"))
    assert.truthy(err:find("\ncovengine: 10 hygiene lint errors %(%-%-strict%)\n$"), err)
  end)

  it("find nothing on the clean fixture, even with --strict", function()
    local code, out, err = run("clean", "--strict")
    assert.are.equal(0, code, err)
    assert.are.equal("", err)
    assert.truthy(out:find("^# EasyDeL model coverage"))
  end)

  it("find nothing on the built-in snapshot", function()
    local code, _, err = h.run { "--strict", "rules/phases.lua" }
    assert.are.equal(0, code, err)
    assert.are.equal("", err)
  end)
end)

describe("mistakes in the lint and diff settings", function()
  local copies = {}
  teardown(function()
    for _, dir in ipairs(copies) do os.execute("rm -rf " .. dir) end
  end)

  local function copy_rules()
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute(("mkdir -p %s && cp -R rules/. %s/"):format(dir, dir)))
    copies[#copies + 1] = dir
    return dir
  end

  local function first_line(dir, option)
    local code, out, err = h.run { option or "-q", "--tt-xla", "tests/fixtures/rules/tiny",
      dir .. "/phases.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    return err:match("^(.-)\n")
  end

  -- A mistake blames the line of the constructor call that made the table
  -- (lints = R.lints {...}), from the running code itself, so it does so
  -- under --sandbox too.
  it("an unknown lint blames the lints{} call in lints.lua", function()
    local dir = copy_rules()
    edit(dir .. "/lints.lua", "  file_mismatch = true,", "  file_mismatch = true,\n  file_mismatc = true,")
    assert.are.equal(("covengine: %s/lints.lua:%d: lints: unknown lint 'file_mismatc' (known: "
      .. "duplicate_id, file_mismatch, stale_placeholder, unknown_arch, missing_reason, "
      .. "unused_alias, unknown_module, loader_disagrees)"):format(dir, line_of(dir .. "/lints.lua",
        "R.lints {")),
      first_line(dir))
  end)

  it("a status that does not exist blames the lints{} call, under --sandbox too", function()
    local dir = copy_rules()
    edit(dir .. "/lints.lua", "\"NOT_SUPPORTED_SKIP\", \"EXCLUDE_MODEL\" }",
      "\"NOT_SUPPORTED_SKIP\",\n    \"EXCLUDED\" }")
    assert.are.equal(("covengine: %s/lints.lua:%d: lints.missing_reason: 'statuses' names "
      .. "'EXCLUDED', not a status (known: EXPECTED_PASSING, KNOWN_FAILURE_XFAIL, "
      .. "NOT_SUPPORTED_SKIP, UNSPECIFIED, EXCLUDE_MODEL)"):format(dir,
        line_of(dir .. "/lints.lua", "R.lints {")), first_line(dir, "--sandbox"))
  end)

  it("a ranking that leaves a status out blames the ranking", function()
    local dir = copy_rules()
    edit(dir .. "/diff.lua", "\"UNSPECIFIED\", ", "")
    assert.are.equal(("covengine: %s/diff.lua:%d: diff: ranking does not place UNSPECIFIED")
      :format(dir, line_of(dir .. "/diff.lua", "R.diff {")), first_line(dir))
  end)

  it("an unknown key in the figure blames the figure{} call in phases.lua", function()
    local dir = copy_rules()
    edit(dir .. "/phases.lua", "  text = \"of EasyDeL", "  txt = \"of EasyDeL")
    assert.are.equal(("covengine: %s/phases.lua:%d: figure: unknown key 'txt' (known: name, "
      .. "needs_easydel, ratio, text)"):format(dir, line_of(dir .. "/phases.lua", "R.figure {")),
      first_line(dir, "--sandbox"))
  end)
end)

if h.have_shared("tt-xla/tt-xla-2026-08-21") and h.have_shared("tt-xla/tt-xla-2025-10-31") then
  describe("lints on the real snapshots (docs/lints.md)", function()
    local function lint_run(tree, easydel, ...)
      local args = { "-v", "--tt-xla", h.shared .. "/tt-xla/" .. tree, "--easydel",
        h.shared .. "/easydel/" .. easydel }
      for _, a in ipairs { ... } do args[#args + 1] = a end
      args[#args + 1] = "rules/phases.lua"
      local code, _, err = h.run(args)
      local counts = {}
      for _, t in ipairs(tags(err, "error")) do counts[t] = (counts[t] or 0) + 1 end
      return code, counts, err
    end

    it("2026-08-21: 1 duplicate, 1 misfiled id, 334 entries without a reason", function()
      local code, counts, err = lint_run("tt-xla-2026-08-21", "easydel-2026-04-22.json", "--strict")
      assert.are.equal(2, code)
      -- The duplicated falcon id is counted once, as its later (single_device) entry, so
      -- the data_parallel file holds no misfiled id any more.
      assert.are.same({ duplicate_id = 1, file_mismatch = 1, missing_reason = 11 }, counts)
      local entries = 0
      for n in err:gmatch("error: (%d+) entr[iesy]+ with status") do entries = entries + n end
      assert.are.equal(334, entries)
      assert.truthy(err:find("covengine: 13 hygiene lint errors (--strict)\n", 1, true))
      assert.truthy(err:find("1 entry is single_device inference in a file for tensor_parallel "
        .. "inference (first: 'opengvlab_internvl3/pytorch-OpenGVLab-InternVL3-38B-single_device-"
        .. "inference')", 1, true))
    end)

    it("2025-10-31: 2 excluded entries without a reason, 19 alias rules that never fire, "
      .. "4 naming modules EasyDeL had not yet", function()
        local code, counts, err = lint_run("tt-xla-2025-10-31", "easydel-2025-09-15.json",
          "--strict")
        assert.are.equal(2, code)
        assert.are.same({ missing_reason = 1, unused_alias = 19, unknown_module = 4 }, counts)
        -- rules the renamed 2025 ids used to slip past now fire there
        for _, what in ipairs { "qwen_3, variant pattern", "family gemma, variant pattern '^2_'",
          "family deepcogito" } do
          assert.is_nil(err:find("never fires: " .. what, 1, true), what)
        end
        assert.truthy(err:find("alias rule names EasyDeL module 'qwen3_5_moe', which the loaded "
          .. "EasyDeL inventory does not have; did you mean 'qwen3_moe'? [unknown_module]", 1,
          true), err)
      end)

    it("2025-10-31's placeholders against 2026-08-21's tests: 13 brought up", function()
      local path = os.tmpname()
      local f = assert(io.open(path, "w"))
      f:write([[
local cov = require "covengine"
local lint = require "covengine.lint"
local alias = require "covengine.alias"
for _, x in ipairs(lint.stale_placeholders(cov.base:placeholders(), cov.head,
  { EXCLUDE_MODEL = true }, alias.normalize)) do
  cov.write(x.message:match("^placeholder '(.-)'"), "\n")
end
]])
      f:close()
      local code, out, err = h.run { "-q", "--base-tt-xla", h.shared .. "/tt-xla/tt-xla-2025-10-31",
        "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21", path }
      os.remove(path)
      assert.are.equal(0, code, err)
      local names = {}
      for n in out:gmatch("[^\n]+") do names[#names + 1] = n end
      assert.are.same({ "meta-llama/Llama-3.2-11B-Vision-Instruct",
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503", "mistralai/Devstral-Small-2505",
        "mistralai/Magistral-Small-2506", "mistralai/Mistral-Large-Instruct-2411",
        "mistralai/Mistral-Small-24B-Instruct-2501", "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        "openbmb/MiniCPM-o-2_6", "mistralai/Mixtral-8x7B-Instruct-v0.1", "openai/gpt-oss-20b",
        "openai/gpt-oss-120b", "mistralai/Mistral-Nemo-Instruct-2407", "Boltz2" }, names)
    end)
  end)
end
