-- No work a run does not need (issue 15): a run that makes no diff loads no
-- diff code (the rules' diff table is still checked, by its own small
-- module), and one that writes neither findings nor an explanation loads
-- neither. The same script run with a diff loads the diff, so each
-- "not loaded" can fail.
local h = require "helpers"

local SCRIPT = "tests/fixtures/needed/modules_loaded.lua"
local FIX = "tests/fixtures/diff/"

local function loaded(args)
  local all = { "-q" }
  for _, a in ipairs(args) do all[#all + 1] = a end
  for _, a in ipairs { SCRIPT, "--", "." } do all[#all + 1] = a end
  local code, out, err = h.run(all)
  assert.are.equal(0, code, err)
  assert.is_truthy(out:match("report bytes (%d+)") and tonumber(out:match("report bytes (%d+)")) > 0,
    out)
  local set = {}
  for name, state in out:gmatch("(covengine%.[%w_]+) ([%w ]+)\n") do set[name] = state end
  return set
end

describe("a run loads only the code it needs", function()
  it("a Markdown report without a base loads no diff, findings or explain code", function()
    local m = loaded { "--tt-xla", FIX .. "head", "--easydel", FIX .. "easydel.json" }
    assert.are.equal("not loaded", m["covengine.diff"])
    assert.are.equal("loaded", m["covengine.diff_rules"]) -- the rule table is still checked
    assert.are.equal("not loaded", m["covengine.findings"])
    assert.are.equal("not loaded", m["covengine.explain"])
  end)

  it("a diff loads the diff code", function()
    local m = loaded { "--base-tt-xla", FIX .. "base", "--tt-xla", FIX .. "head", "--easydel",
      FIX .. "easydel.json", "--format", "diff" }
    assert.are.equal("loaded", m["covengine.diff"])
  end)
end)
