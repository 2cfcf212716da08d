-- Findings for SARIF and GitHub annotations (lua/covengine/findings.lua):
-- load warnings get a rule id by their message, lint findings keep theirs,
-- a lint the loader already warned about is one finding.
local findings = require "covengine.findings"

-- A dataset stand-in whose ds:warnings() gives `list` and a total.
local function warned(list, total)
  return { warnings = function() return list, total or #list end }
end

describe("findings.collect", function()
  it("names each load warning's rule by its message", function()
    local list = {
      { message = "test id 'a/b-x' is also in t/x.yaml:3", file = "t/y.yaml", line = 9, column = 5 },
      { message = "unknown field 'stauts'", file = "t/y.yaml", line = 4, column = 7 },
      { message = "something new", file = nil, line = 0, column = 0 },
    }
    local out, total = findings.collect(warned(list, 12000))
    assert.are.equal(12000, total)
    assert.are.same({
      { rule = "duplicate_id", level = "warning", message = list[1].message, file = "t/y.yaml",
        line = 9, column = 5, source = "load" },
      { rule = "unknown_field", level = "warning", message = list[2].message, file = "t/y.yaml",
        line = 4, column = 7, source = "load" },
      { rule = "load_warning", level = "warning", message = "something new", line = 0,
        column = 0, source = "load" },
    }, out)
  end)

  it("adds lint findings after them, split at the last colon, errors under strict", function()
    local lints = {
      { lint = "status_reason", message = "no reason", where = "t/a:b.yaml:12" },
      { lint = "orphan", message = "no place" },
    }
    local out = findings.collect(warned({}), lints, { strict = true })
    assert.are.same({
      { rule = "status_reason", level = "error", message = "no reason", file = "t/a:b.yaml",
        line = 12, column = 0, source = "lint" },
      { rule = "orphan", level = "error", message = "no place", line = 0, column = 0,
        source = "lint" },
    }, out)
  end)

  it("lets a load warning stand for the lint finding the loader warned about", function()
    local list = { { message = "test id 'a/b-x' is also in t/x.yaml:3", file = "t/y.yaml",
      line = 9, column = 5 } }
    local lints = { { lint = "duplicate_id", message = "dup", where = "t/y.yaml:9",
      loader_warned = true } }
    local out = findings.collect(warned(list), lints, { strict = true })
    assert.are.equal(1, #out)
    assert.are.equal("error", out[1].level)
    assert.are.equal("load", out[1].source)
    -- Not warned by the loader: both stay.
    lints[1].loader_warned = nil
    assert.are.equal(2, #findings.collect(warned(list), lints))
  end)
end)

describe("findings.help", function()
  it("gives a lint's help, a load rule's, or the generic one", function()
    local lint = require "covengine.lint"
    local name, text = next(lint.HELP)
    assert.are.equal(text, findings.help(name))
    assert.matches("^A field of a test entry", findings.help("unknown_field"))
    assert.are.equal("A warning from loading the inputs.", findings.help("no_such_rule"))
  end)

  it("knows every rule id of LOAD_RULES, a lint's own help first", function()
    local lint = require "covengine.lint"
    for _, r in ipairs(findings.LOAD_RULES) do
      assert.are.equal(lint.HELP[r[2]] or r[3], findings.help(r[2]))
    end
  end)
end)
