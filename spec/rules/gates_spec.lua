-- The CI gates (coverage.py and diff-cover semantics): exit 1 with one line
-- naming the figure, its value and the threshold; the report is written
-- anyway. --format total prints the figure. A bad value is a usage error
-- (exit 2, nothing written).
local h = require "helpers"

local TINY = { "--tt-xla", "tests/fixtures/rules/tiny", "--easydel",
  "tests/fixtures/rules/tiny/easydel.json" }
local FIX = "tests/fixtures/diff/"
local PAIR = { "--base-tt-xla", FIX .. "base", "--tt-xla", FIX .. "head", "--easydel",
  FIX .. "easydel.json" }

local function run(inputs, ...)
  local args = { "-q" }
  for _, a in ipairs(inputs) do args[#args + 1] = a end
  for _, a in ipairs { ... } do args[#args + 1] = a end
  args[#args + 1] = "rules/phases.lua"
  return h.run(args)
end

-- The tiny tree: 3 of its EasyDeL modules are tested, of 6 in its inventory.
local function tiny_total()
  local code, out, err = run(TINY, "--format", "total")
  assert.are.equal(0, code, err)
  return out
end

describe("--format total", function()
  it("prints the gate figure alone, two decimals", function()
    local out = tiny_total()
    assert.truthy(out:match("^%d+%.%d%d\n$"), out)
    local code, json = run(TINY, "--format", "json")
    assert.are.equal(0, code)
    local s = require("covengine").json.decode(json).summary
    local want = 100 * (s.easydel_modules - s.easydel_untested) / s.easydel_modules
    assert.are.equal(("%.2f\n"):format(want), out)
  end)

  it("counts an EasyDeL inventory of no modules as 100%", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write("[]\n")
    f:close()
    local code, out, err = run({ "--config", "tests/fixtures/cli/good.yaml", "--easydel", path },
      "--format", "total", "--fail-under", "100")
    os.remove(path)
    assert.are.equal(0, code, err)
    assert.are.equal("100.00\n", out)
    assert.are.equal("", err)
  end)

  it("refuses to judge without an EasyDeL inventory: exit 2, one line, nothing written", function()
    local path = os.tmpname()
    os.remove(path)
    for _, gate in ipairs { { "--format", "total" }, { "--fail-under", "60" } } do
      local code, out, err = run({ "--config", "tests/fixtures/cli/good.yaml" }, gate[1], gate[2],
        "-o", path)
      assert.are.equal(2, code, err)
      assert.are.equal("", out)
      assert.is_nil(io.open(path))
      assert.are.equal("covengine: no EasyDeL inventory is loaded, so the coverage figure (of "
        .. "EasyDeL modules tested in a framework) cannot be judged: give --easydel PATH\n", err)
    end
    local code, _, err = run({ "--base-tt-xla", FIX .. "base", "--tt-xla", FIX .. "head" },
      "--fail-on-regression")
    assert.are.equal(2, code)
    assert.truthy(err:find("^covengine: no EasyDeL inventory is loaded, so %-%-fail%-on%-regression "
      .. "cannot judge families"), err)
  end)
end)

describe("--fail-under", function()
  local value = tonumber(tiny_total())

  it("passes at or below the figure", function()
    for _, t in ipairs { "0", tostring(value), ("%.2f"):format(value) } do
      local code, _, err = run(TINY, "--fail-under", t)
      assert.are.equal(0, code, err)
    end
  end)

  it("fails above it with one line, after writing the report", function()
    local code, out, err = run(TINY, "--format", "total", "--fail-under", "99.5")
    assert.are.equal(1, code)
    assert.are.equal(("%.2f\n"):format(value), out)
    assert.are.equal(("covengine: coverage %.2f%% of EasyDeL modules tested in a framework is "
      .. "under --fail-under 99.5\n"):format(value), err)
    local path = os.tmpname()
    code = run(TINY, "-o", path, "--fail-under", "100")
    assert.are.equal(1, code)
    local f = assert(io.open(path))
    assert.truthy(f:read("a"):find("^# EasyDeL model coverage"))
    f:close()
    os.remove(path)
  end)

  it("takes only a percentage from 0 to 100", function()
    for _, bad in ipairs { "abc", "101", "-5", "1e2", "50%", "0x10", "nan" } do
      local path = os.tmpname()
      os.remove(path)
      local code, out, err = run(TINY, "-o", path, "--fail-under", bad)
      assert.are.equal(2, code, bad)
      assert.are.equal("", out)
      assert.are.equal(("covengine: --fail-under needs a percentage from 0 to 100, not '%s'\n")
        :format(bad), err)
      assert.is_nil(io.open(path))
    end
  end)
end)

describe("--fail-on-regression", function()
  it("fails on status regressions and families lost since the base", function()
    local code, out, err = run(PAIR, "--fail-on-regression")
    assert.are.equal(1, code)
    assert.truthy(out:find("^# EasyDeL model coverage"))
    -- the fixture: 2 test, 1 per-arch, 1 family status regressions; gpt2 lost
    assert.are.equal("covengine: 5 regressions since the base (tests 2, per-arch 1, family "
      .. "status 1, families lost 1) fail --fail-on-regression\n", err)
  end)

  it("passes when nothing regressed", function()
    local code, _, err = run({ "--base-tt-xla", FIX .. "head", "--tt-xla", FIX .. "head",
      "--easydel", FIX .. "easydel.json" }, "--fail-on-regression")
    assert.are.equal(0, code, err)
    code, _, err = run({ "--base-tt-xla", FIX .. "head", "--tt-xla", FIX .. "base",
      "--easydel", FIX .. "easydel.json" }, "--format", "total", "--fail-on-regression")
    assert.are.equal(1, code) -- the other way round regresses too (promotions undone)
    assert.truthy(err:find("^covengine: %d+ regressions since the base"))
  end)

  it("needs a base", function()
    local code, out, err = run(TINY, "--fail-on-regression")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: --fail-on-regression needs a base to compare against: "
      .. "--base-tt-xla DIR (and --base-easydel PATH) or --baseline REPORT.json\n", err)
  end)

  it("reports the first failed gate when both fail", function()
    local code, _, err = run(PAIR, "--fail-under", "100", "--fail-on-regression")
    assert.are.equal(1, code)
    assert.truthy(err:find("^covengine: coverage 66.67%% of EasyDeL modules"), err)
  end)
end)

describe("--fail-on-drop", function()
  -- The tiny tree's JAX file alone tests 2 of the 7 modules its whole tree
  -- tests 4 of.
  local JAX_ONLY = { "--config",
    "tests/fixtures/rules/tiny/jax/test_config_inference_single_device.yaml",
    "--easydel", "tests/fixtures/rules/tiny/easydel.json" }
  local DROP_LINE = "covengine: coverage dropped from 57.14% to 28.57% (of EasyDeL modules tested "
    .. "in a framework: 4/7 in the base, 2/7 now) fails --fail-on-drop\n"

  it("fails with one line when the figure drops against a base tree", function()
    local inputs = { "--base-tt-xla", "tests/fixtures/rules/tiny", table.unpack(JAX_ONLY) }
    local code, out, err = run(inputs, "--format", "total", "--fail-on-drop")
    assert.are.equal(1, code)
    assert.are.equal("28.57\n", out) -- the report is written anyway
    assert.are.equal(DROP_LINE, err)
  end)

  it("fails the same way against a --baseline report", function()
    local base = os.tmpname()
    local code, _, err = run(TINY, "--format", "json", "-o", base)
    assert.are.equal(0, code, err)
    local inputs = { "--baseline", base, table.unpack(JAX_ONLY) }
    local out
    code, out, err = run(inputs, "--fail-on-drop")
    os.remove(base)
    assert.are.equal(1, code)
    assert.truthy(out:find("^# EasyDeL model coverage"))
    assert.are.equal(DROP_LINE, err)
  end)

  it("passes when the figure holds or rises", function()
    local code, _, err = run(PAIR, "--fail-on-drop")
    assert.are.equal(0, code, err) -- 66.67% on both sides
    local base = os.tmpname()
    code, _, err = run(JAX_ONLY, "--format", "json", "-o", base)
    assert.are.equal(0, code, err)
    code, _, err = run({ "--baseline", base, table.unpack(TINY) }, "--fail-on-drop")
    os.remove(base)
    assert.are.equal(0, code, err) -- 28.57% to 57.14%
  end)

  it("needs a base", function()
    local code, out, err = run(TINY, "--fail-on-drop")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: --fail-on-drop needs a base to compare against: "
      .. "--base-tt-xla DIR (and --base-easydel PATH) or --baseline REPORT.json\n", err)
  end)

  -- (pixtral's tests run a Llava model: EasyDeL's pixtral module, a vision
  -- encoder alone, is tested by none.)
  it("drops 56.16% to 23.29% from the 2026 snapshot back to 2025's", function()
    if not h.have_shared("tt-xla/tt-xla-2025-10-31") then return end
    local d = h.shared
    local code, _, err = run({ "--base-tt-xla", d .. "/tt-xla/tt-xla-2026-08-21", "--tt-xla",
      d .. "/tt-xla/tt-xla-2025-10-31", "--easydel", d .. "/easydel/easydel-2026-04-22.json" },
      "--format", "total", "--fail-on-drop")
    assert.are.equal(1, code)
    assert.truthy(err:find("^covengine: coverage dropped from 56.16%% to 23.29%% %(.-41/73 in "
      .. "the base, 17/73 now%) fails %-%-fail%-on%-drop\n$"), err)
  end)
end)
