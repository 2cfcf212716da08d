-- settings{...} in the rules script (issue 13, item 5): the options a team
-- always passes, read before the inputs load, validated like every rule
-- table; the command line wins. examples/ci/coverage.lua is run as written,
-- in the tt-xla-like layout it is meant for.
local h = require "helpers"
local sh, write = h.sh, h.write

local function read(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- A checkout: tests/runner/test_config/{jax,torch} from the tiny fixture,
-- ci/coverage.lua (the example) and ci/easydel.json beside it.
local function checkout()
  local root = h.tmpdir()
  local tiny = "tests/fixtures/rules/tiny"
  sh(("mkdir -p %s/tests/runner/test_config %s/ci && cp -r %s/jax %s/torch "
    .. "%s/tests/runner/test_config/ && cp %s/easydel.json examples/ci/coverage.lua %s/ci/")
    :format(root, root, tiny, tiny, root, tiny, root))
  return root
end

-- The tiny fixture's gate figure, from the command line alone.
local TINY_TOTAL = "57.14\n"

describe("settings in the rules script", function()
  local root
  before_each(function() root = checkout() end)
  after_each(function() sh("rm -rf '" .. root .. "'") end)

  it("make `covengine ci/coverage.lua` the whole CI step", function()
    local code, out, err = h.run { root .. "/ci/coverage.lua" }
    assert.are.equal(0, code, err)
    assert.are.equal("", out) -- output = "../coverage.md", relative to the script
    local md = read(root .. "/coverage.md")
    assert.truthy(md and md:find("^# EasyDeL model coverage"), md)
    -- inputs: the checkout the script is in, and the manifest beside it
    assert.truthy(md:find("File paths are relative to `" .. root .. "/ci/../tests/runner/test_config`",
      1, true), md)
    assert.truthy(md:find("\n- `jax/test_config_", 1, true), md)
    assert.truthy(md:find("/ci/easydel.json", 1, true))
  end)

  it("are overridden by the command line, option by option", function()
    local out_file = root .. "/total.txt"
    local code, _, err = h.run { "--format", "total", "-o", out_file, root .. "/ci/coverage.lua" }
    assert.are.equal(0, code, err)
    assert.are.equal(TINY_TOTAL, read(out_file))
    assert.is_nil(read(root .. "/coverage.md")) -- -o won over output
    -- the settings' fail_under 50 passes; the command line's 90 fails
    code, _, err = h.run { "--format", "total", "-o", out_file, "--fail-under", "90",
      root .. "/ci/coverage.lua" }
    assert.are.equal(1, code)
    assert.truthy(err:find("is under --fail-under 90\n", 1, true), err)
    -- --tt-xla replaces the settings' tt_xla; their easydel still applies
    code, _, err = h.run { "--format", "total", "-o", out_file, "--tt-xla",
      "tests/fixtures/diff/head", "--fail-under", "0", root .. "/ci/coverage.lua" }
    assert.are.equal(0, code, err)
    local c2, want = h.run { "--format", "total", "--tt-xla", "tests/fixtures/diff/head",
      "--easydel", root .. "/ci/easydel.json", "-q", "rules/phases.lua" }
    assert.are.equal(0, c2)
    assert.are.equal(want, read(out_file))
    assert.are_not.equal(TINY_TOTAL, want)
  end)

  it("apply gates and strict", function()
    write(root .. "/ci/strict.lua", [[
local settings = require "covengine.settings"
settings { inputs = { tt_xla = ".." , easydel = "easydel.json" }, format = "total",
  gates = { fail_under = 60 } }
return (require "phases")
]])
    local code, out, err = h.run { "-q", root .. "/ci/strict.lua" }
    assert.are.equal(1, code)
    assert.are.equal(TINY_TOTAL, out)
    assert.are.equal("covengine: coverage 57.14% of EasyDeL modules tested in a framework is "
      .. "under --fail-under 60\n", err)
    write(root .. "/ci/strict.lua", [[
local settings = require "covengine.settings"
settings { inputs = { tt_xla = ".." , easydel = "easydel.json" }, strict = true }
return (require "phases")
]])
    code, out, err = h.run { root .. "/ci/strict.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:find("hygiene lint errors? %(%-%-strict%)\n$"), err)
  end)

  it("take a base for --fail-on-drop", function()
    write(root .. "/ci/drop.lua", [[
local settings = require "covengine.settings"
settings { inputs = { config = "../tests/runner/test_config/jax/test_config_inference_single_device.yaml",
  framework = "jax", easydel = "easydel.json", base_tt_xla = ".." },
  format = "total", gates = { fail_on_drop = true } }
return (require "phases")
]])
    local code, out, err = h.run { "-q", root .. "/ci/drop.lua" }
    assert.are.equal(1, code)
    assert.are.equal("28.57\n", out)
    assert.truthy(err:find("^covengine: coverage dropped from 57.14%% to 28.57%%"), err)
  end)

  it("are validated, blaming the user's line", function()
    write(root .. "/ci/bad.lua", [[
local settings = require "covengine.settings"

settings {
  fromat = "json",
}
]])
    local code, out, err = h.run { root .. "/ci/bad.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal(("covengine: %s/ci/bad.lua:3: settings: unknown key 'fromat' (known: "
      .. "format, gates, inputs, output, strict)"):format(root), err:match("^[^\n]*"))
    for _, case in ipairs {
      { "inputs = { tt_xal = 'x' }", "settings.inputs: unknown key 'tt_xal'" },
      { "strict = 'yes'", "settings: 'strict' must be a boolean" },
      { "gates = { fail_under = 'lots' }",
        "settings.gates: 'fail_under' must be a percentage from 0 to 100" },
      { "inputs = { config = {} }", "settings.inputs: 'config' must be a string or a list" },
    } do
      write(root .. "/ci/bad.lua", "local settings = require 'covengine.settings'\nsettings { "
        .. case[1] .. " }\n")
      code, out, err = h.run { root .. "/ci/bad.lua" }
      assert.are.equal(2, code, case[1])
      assert.are.equal("", out)
      assert.truthy(err:find(("covengine: %s/ci/bad.lua:2: %s"):format(root, case[2]), 1, true),
        err)
    end
  end)

  it("must come before the script uses the data", function()
    write(root .. "/ci/late.lua", [[
local cov = require "covengine"
local n = cov.head:count()
require "covengine.settings" { format = "json" }
return tostring(n)
]])
    local code, out, err = h.run { root .. "/ci/late.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:find(("^covengine: %s/ci/late.lua:3: settings{...} comes after the "
      .. "script's first use of the data"):format(root:gsub("%p", "%%%0"))), err)
  end)

  it("must come before any use of the data, the cov.NAME shortcuts too", function()
    -- Each of the module's data functions ends the settings pass, so that the
    -- settings after it are refused in the run, not applied after a use of
    -- data that the pass has not loaded (cov.values and cov.arches did not).
    for _, use in ipairs { "cov.head:count()", "cov.count()", "cov.tests()",
      "cov.values('family')", "cov.arches()", "cov.dataset('head')" } do
      write(root .. "/ci/late.lua", ([[
local cov = require "covengine"
local x = %s
require "covengine.settings" { format = "json" }
return tostring(x)
]]):format(use))
      local code, out, err = h.run { root .. "/ci/late.lua" }
      assert.are.equal(2, code, use)
      assert.are.equal("", out, use)
      assert.truthy(err:find(("^covengine: %s/ci/late.lua:3: settings{...} comes after the "
        .. "script's first use of the data"):format(root:gsub("%p", "%%%0"))), use .. ": " .. err)
    end
  end)

  it("leave a script without them as it was, run once for real", function()
    -- The settings pass stops at the first use of the data: the script's
    -- output and warnings appear once.
    write(root .. "/ci/plain.lua", [[
local cov = require "covengine"
cov.warn("before the data")
return ("tests: %d\n"):format(cov.head:count())
]])
    local code, out, err = h.run { root .. "/ci/plain.lua" }
    assert.are.equal(0, code, err)
    assert.truthy(out:find("^tests: %d+\n$"), out)
    assert.are.equal(1, h.count_lines(err, "before the data"), err)
  end)
end)
