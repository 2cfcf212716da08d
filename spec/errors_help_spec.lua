-- Errors that help (issue 13): did-you-mean for options, formats and
-- --explain families, and --explain as JSON.
local h = require "helpers"

local TINY = { "--tt-xla", "tests/fixtures/rules/tiny", "--easydel",
  "tests/fixtures/rules/tiny/easydel.json", "-q" }

local function with_tiny(...)
  local args = { table.unpack(TINY) }
  for _, a in ipairs { ... } do args[#args + 1] = a end
  args[#args + 1] = "rules/phases.lua"
  return h.run(args)
end

describe("did you mean", function()
  it("suggests the option closest to a mistyped one", function()
    local code, out, err = h.run { "--tt-xal", "x" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: unknown option '--tt-xal'; did you mean '--tt-xla'? "
      .. "(try --help)\n", err)
    code, out, err = h.run { "--formt=json" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: unknown option '--formt=json'; did you mean '--format'? "
      .. "(try --help)\n", err)
  end)

  it("suggests nothing for an option close to none", function()
    local _, _, err = h.run { "--frobnicate" }
    assert.are.equal("covengine: unknown option '--frobnicate' (try --help)\n", err)
  end)

  it("suggests a format and lists the formats there are", function()
    local code, out, err = h.run { "--format", "htm", "rules/phases.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:find("^covengine: unknown report format 'htm': no reports/htm.lua in "))
    -- The rules script's directory is also the build tree's rules: named once.
    local dirs = err:match("no reports/htm%.lua in (.-); did you mean")
    assert.are.equal("rules", dirs)
    local list = err:match("; did you mean 'html'%? %(formats: ([^)]*)%)\n$")
    assert.truthy(list, err)
    assert.truthy((", " .. list .. ","):find(", csv, diff, diff%-json, .*html, json, markdown,"),
      list)
  end)

  it("takes a format name in any case", function()
    local code, out, err = h.run { "--format", "HTML", "rules/phases.lua" }
    assert.are.equal(0, code, err)
    assert.truthy(out:find("^<!DOCTYPE html>"))
  end)

  it("suggests the family closest to a mistyped --explain name", function()
    local code, out, err = with_tiny("--explain", "qwen_33")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: --explain: no family 'qwen_33' in the loaded data; did you "
      .. "mean 'qwen_3'? (close EasyDeL names: qwen3)\n", err)
  end)
end)

describe("--explain --format json", function()
  it("writes the explanation as covengine.explain/1", function()
    local cov = require "covengine"
    local code, out, err = with_tiny("--explain", "qwen_3", "--format", "json")
    assert.are.equal(0, code, err)
    local e = cov.json.decode(out)
    assert.are.equal("covengine.explain/1", e.schema)
    assert.are.equal("qwen_3", e.name)
    local names = {}
    for _, f in ipairs(e.families) do names[#names + 1] = f.name end
    table.sort(names)
    assert.are.same({ "qwen3", "qwen3_moe" }, names)
    for _, f in ipairs(e.families) do
      assert.is_true(#f.tests > 0)
      assert.truthy(f.phase.rule:find("^rules/phases.lua:%d+$"))
      if f.name == "qwen3_moe" then
        assert.truthy(f.aliases[1].rule:find("^rules/aliases.lua:%d+$"))
        assert.are.equal("qwen3_moe", f.easydel)
      end
    end
  end)

  it("refuses a format it cannot write", function()
    local code, out, err = with_tiny("--explain", "qwen_3", "--format", "csv")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: --explain writes markdown or json, not --format csv\n", err)
  end)
end)

describe("rule errors", function()
  local path
  before_each(function()
    path = os.tmpname() .. ".lua"
    local f = assert(io.open(path, "w"))
    f:write('local phase = require "covengine.phase"\n'
      .. 'local p = phase.define { name = "x", summary = "y", whn = function() end }\n'
      .. 'return p and ""\n')
    f:close()
  end)
  after_each(function() os.remove(path) end)

  it("show the user's frames, not the engine's", function()
    local code, out, err = h.run { path }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    local p = path:gsub("%p", "%%%0")
    assert.truthy(err:find("^covengine: " .. p .. ":2: phase: unknown key 'whn'"), err)
    assert.truthy(err:find("\n\t" .. p .. ":2: in main chunk\n"), err)
    assert.falsy(err:find("lua/covengine/", 1, true), err)
    assert.falsy(err:find("[C]", 1, true), err)
  end)

  it("show every frame with -v", function()
    local code, _, err = h.run { "-v", path }
    assert.are.equal(2, code)
    assert.truthy(err:find("\tlua/covengine/check.lua:%d+: in function 'covengine.check.fields'"),
      err)
  end)
end)

describe("file errors", function()
  it("name the directory and the reason when no temporary file can be made", function()
    local code, out, err = h.run { "-o", "/nonexistent-covengine-dir/sub/report.md",
      "rules/phases.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: /nonexistent-covengine-dir/sub/report.md: cannot create a "
      .. "temporary file in /nonexistent-covengine-dir/sub/: No such file or directory\n", err)
  end)

  it("give a missing rules script no invented position", function()
    local _, _, err = h.run { "no/such/rules.lua" }
    assert.are.equal("covengine: no/such/rules.lua: cannot open: No such file or directory\n",
      err)
  end)
end)
