-- Users edit rules/ and see the effect on the next run, no rebuild: a copy
-- of the default rules is changed and run with the same binary.
local h = require "helpers"
local line_of, edit = h.line_of, h.edit
local cov = require "covengine"

local TINY = { "--tt-xla", "tests/fixtures/rules/tiny", "--easydel",
  "tests/fixtures/rules/tiny/easydel.json" }

local copies = {}

-- A fresh copy of the default rules for each case.
local function copy_rules()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute(("mkdir -p %s && cp -R rules/. %s/"):format(dir, dir)))
  copies[#copies + 1] = dir
  return dir
end

local function report(rules, extra)
  local args = {}
  for _, a in ipairs(TINY) do args[#args + 1] = a end
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  for _, a in ipairs { "-q", "--format", "json", rules .. "/phases.lua" } do args[#args + 1] = a end
  local code, out, err = h.run(args)
  assert.are.equal(0, code, err)
  local r = cov.json.decode(out)
  local by = {}
  for _, f in ipairs(r.families) do by[f.name] = f end
  return r, by
end

describe("editing the rules", function()
  teardown(function()
    for _, dir in ipairs(copies) do os.execute("rm -rf " .. dir) end
  end)

  it("an added alias takes effect", function()
    local dir = copy_rules()
    local _, before = report(dir)
    assert.truthy(before.xlm_roberta)
    edit(dir .. "/aliases.lua", "adapters = { \"_lora\" },",
      "adapters = { \"_lora\" },\n  rule { family = \"xlm_roberta\", module = \"roberta\", "
      .. "reason = \"XLM-R is RoBERTa trained on 100 languages\" },")
    local _, after = report(dir)
    assert.is_nil(after.xlm_roberta)
    assert.are.same({ "xlm_roberta" }, { table.unpack(after.roberta.raw_names) })
    assert.are.equal(("%s/aliases.lua:%d"):format(dir, line_of(dir .. "/aliases.lua",
      "family = \"xlm_roberta\"")), after.roberta.alias_rule)
  end)

  it("a changed phase predicate takes effect", function()
    local dir = copy_rules()
    local _, before = report(dir)
    assert.are.equal(4, before.rwkv.phase.number)
    edit(dir .. "/phases.lua", "\"llava\", \"qwen2_vl\" }", "\"llava\", \"qwen2_vl\", \"rwkv\" }")
    local _, after = report(dir)
    assert.are.equal(3, after.rwkv.phase.number)
  end)

  it("a report format dropped into reports/ is found by --format", function()
    local dir = copy_rules()
    local r = report(dir)
    local f = assert(io.open(dir .. "/reports/oneline.lua", "w"))
    f:write("return { render = function(r) return r.summary.with_easydel .. ' with EasyDeL\\n' end }\n")
    f:close()
    local args = {}
    for _, a in ipairs(TINY) do args[#args + 1] = a end
    for _, a in ipairs { "-q", "--format", "oneline", dir .. "/phases.lua" } do args[#args + 1] = a end
    local code, out = h.run(args)
    assert.are.equal(0, code)
    assert.are.equal(r.summary.with_easydel .. " with EasyDeL\n", out)
  end)

  it("a rule error names the user's file and line", function()
    -- {the file, what the copy has, what it gets, the line blamed, the message}.
    -- The alias set's and coverage.run's own keys are blamed at the line of
    -- the call: the files name the table before returning it, as a tail call
    -- would leave no line to blame.
    for _, case in ipairs {
      { "aliases.lua", "family = \"phi4\", module", "family = \"phi4\", modul",
        "family = \"phi4\", modul", "alias rule: unknown key 'modul'" },
      { "aliases.lua", "adapters = { \"_lora\" },", "adapter = { \"_lora\" },", "alias.set {",
        "alias set: unknown key 'adapter'" },
      { "phases.lua", "  started = started,", "  start = started,", "coverage.run {",
        "coverage: unknown key 'start'" },
    } do
      local dir = copy_rules()
      local file = dir .. "/" .. case[1]
      edit(file, case[2], case[3])
      local args = {}
      for _, a in ipairs(TINY) do args[#args + 1] = a end
      args[#args + 1] = dir .. "/phases.lua"
      local code, _, err = h.run(args)
      assert.are.equal(2, code)
      local want = ("covengine: %s:%d: %s"):format(file, line_of(file, case[4]), case[5])
      assert.are.equal(1, err:find(want, 1, true), err)
    end
  end)
end)
