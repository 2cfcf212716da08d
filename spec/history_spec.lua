-- Coverage over time (issue 16, items 2-5): --history over the fixture
-- repositories of tests/scripts/make_git_fixtures.sh. The blame of each
-- name must be exactly the events the fixtures were built to have; the
-- trend one point per revision that changes the configs, its last point a
-- plain run's; a malformed revision a warning (an error with --strict).
local h = require "helpers"
local sh, run_ok = h.sh, h.run_ok
local cov = require "covengine"
local validate = require "jsonschema"

local schema = h.schema

local root, fix
setup(function() root, fix = h.git_fixtures() end)

teardown(function()
  if root then sh("rm -rf '" .. root .. "'") end
end)

-- The blame of name as "subject: kind framework id [base_id] [arch] from -> to".
local function blame(repo, name, extra)
  local args = { "-q", "--tt-xla-git", fix .. "/" .. repo, "--history", "--blame", name,
    "--format", "json" }
  for _, a in ipairs(extra or {}) do args[#args + 1] = a end
  local doc = cov.json.decode(run_ok(args))
  assert.are.same({}, validate(schema("covengine.blame-1.schema.json"), doc))
  local lines = {}
  for _, e in ipairs(doc.events) do
    local function s(v) return v ~= cov.json.null and v or "-" end
    lines[#lines + 1] = ("%s: %s %s %s %s %s %s -> %s"):format(e.subject, e.kind, s(e.framework),
      s(e.id), s(e.base_id), s(e.arch), s(e.from), s(e.to))
  end
  return lines, doc
end

describe("--blame on the fixture history", function()
  it("follows a renamed id: added, then renamed (the diff's pairing)", function()
    local want = {
      "Add configs: added jax opt/jax-125m-single_device-inference - - - -> EXPECTED_PASSING",
      "Rename opt test id: renamed jax opt/jax-125M-single_device-inference "
        .. "opt/jax-125m-single_device-inference - - -> -",
    }
    assert.are.same(want, (blame("ttxla", "opt")))
    -- The same from the test id: renamed ids pair with it as in the diff.
    assert.are.same(want, (blame("ttxla", "opt/jax-125m-single_device-inference")))
  end)

  it("a file moved between frameworks: removed from torch, added to jax", function()
    assert.are.same({
      "Add configs: added torch t5/jax-Small-single_device-inference - - - -> EXPECTED_PASSING",
      "Move t5 config to jax: added jax t5/jax-Small-single_device-inference - - - -> "
        .. "EXPECTED_PASSING",
      "Move t5 config to jax: removed torch t5/jax-Small-single_device-inference - - "
        .. "EXPECTED_PASSING -> -",
    }, (blame("ttxla", "t5")))
  end)

  it("a status change, and a test a merge brings (first-parent: at the merge)", function()
    local lines, doc = blame("ttxla", "llama", { "--easydel", "tests/fixtures/easydel/checkout.json" })
    assert.are.same({
      "Add configs: module_added - - - - - -> -",
      "Add configs: added jax llama/causal_lm/jax-8B-single_device-inference - - - -> "
        .. "EXPECTED_PASSING",
      "Merge branch 'feature': added torch llama/causal_lm/pytorch-3.1_8B-single_device-training "
        .. "- - - -> NOT_SUPPORTED_SKIP",
    }, lines)
    -- The malformed revision is stepped over: 6 of the 7 that change configs.
    assert.are.equal(6, doc.revisions)
  end)

  it("an arch's status, an implementation moved by the pin, a pin the repository lacks",
    function()
      local args = { "--tt-forge-models-git", fix .. "/forge2" }
      assert.are.same({
        "Add gpt2 and llama: added jax gpt2/causal_lm/jax-Base-single_device-inference - - - -> "
          .. "EXPECTED_PASSING",
        "gpt2 fails on n150: arch_status jax gpt2/causal_lm/jax-Base-single_device-inference - "
          .. "n150 EXPECTED_PASSING -> KNOWN_FAILURE_XFAIL",
        "Uplift tt_forge_models: implementation jax - - - hugging_face -> easydel",
        "Pin a missing commit: implementation jax - - - easydel -> -",
      }, (blame("hist", "gpt2", args)))
      assert.are.same({
        "Add gpt2 and llama: added jax llama/causal_lm/jax-8B-single_device-inference - - - -> "
          .. "EXPECTED_PASSING",
        "Remove llama: removed jax llama/causal_lm/jax-8B-single_device-inference - - "
          .. "EXPECTED_PASSING -> -",
      }, (blame("hist", "llama", args)))
    end)

  it("a missing pin is a warning naming the commit", function()
    local code, _, err = h.run { "--tt-xla-git", fix .. "/hist", "--history", "--tt-forge-models-git",
      fix .. "/forge2", "--format", "trend-csv" }
    assert.are.equal(0, code, err)
    local id = io.popen("git -C '" .. fix .. "/hist' rev-parse --short=12 main"):read("l")
    assert.truthy(err:find("warning: revision " .. id .. " pins tt-forge-models commit "
      .. ("1"):rep(40) .. ", which this repository lacks", 1, true), err)
  end)
end)

describe("--history trend", function()
  it("one point per revision changing the configs; a bad one is a warning", function()
    local out, err = select(2, h.run { "--tt-xla-git", fix .. "/ttxla", "--history",
      "--easydel", "tests/fixtures/easydel/checkout.json", "--format", "trend-json" })
    local doc = cov.json.decode(out)
    assert.are.same({}, validate(schema("covengine.trend-1.schema.json"), doc))
    local subjects = {}
    for _, p in ipairs(doc.points) do subjects[#subjects + 1] = p.subject end
    assert.are.same({ "Add configs", "Mark gpt2 failing", "Rename opt test id",
      "Move t5 config to jax", "Merge branch 'feature'", "Fix the jax config" }, subjects)
    local bad = io.popen("git -C '" .. fix .. "/ttxla' rev-parse --short=12 main~1"):read("l")
    assert.truthy(err:find(fix .. "/ttxla@" .. bad .. ":tests/runner/test_config/jax/"
      .. "test_config_inference_single_device.yaml:4:4: warning: revision skipped: invalid YAML",
      1, true), err)
    -- Status counts follow the edits: gpt2 fails from the second point on,
    -- the merge adds a skipped training test.
    local v = {}
    for i, p in ipairs(doc.points) do
      v[i] = p.values.status_expected_passing .. "/" .. p.values.status_known_failure_xfail
        .. "/" .. p.values.status_not_supported_skip .. " " .. p.values.tests
    end
    assert.are.same({ "5/1/0 6", "4/2/0 6", "4/2/0 6", "4/2/0 6", "4/2/1 7", "4/2/1 7" }, v)
    -- The last point is a plain run on the same revision's configs.
    local plain = cov.json.decode(run_ok { "-q", "--tt-xla-git", fix .. "/ttxla",
      "--easydel", "tests/fixtures/easydel/checkout.json", "--format", "trend-json" })
    assert.is_false(plain.history)
    assert.are.same(plain.points[1].values, doc.points[#doc.points].values)
  end)

  it("is byte-identical run to run; the HTML report gains its chart only with a history",
    function()
      local args = { "-q", "--tt-xla-git", fix .. "/ttxla", "--history", "--easydel",
        "tests/fixtures/easydel/checkout.json", "--format", "html" }
      local a, b = run_ok(args), run_ok(args)
      assert.are.equal(a, b)
      assert.truthy(a:find('<h2 id="trend">Coverage over time (6 revisions)</h2>', 1, true))
      assert.are.equal(1, h.count_lines(a, '<svg id="trend%-coverage"'))
      -- One polyline per series with values: coverage; 3 framework counts + EasyDeL.
      assert.are.equal(5, h.count_lines(a, "<polyline "))
      table.remove(args, 4) -- no --history
      assert.is_nil(run_ok(args):find('id="trend"', 1, true))
    end)

  it("ends at --rev without a range; a history no report reads is a warning", function()
    local code, out, err = h.run { "--tt-xla-git", fix .. "/ttxla", "--rev", "main~3",
      "--history", "--format", "trend-csv" }
    assert.are.equal(0, code, err)
    assert.truthy(out:find(",Merge branch 'feature',[^\n]*\r\n$"), out)
    assert.is_nil(err:find("history is loaded", 1, true))
    local code2, _, err2 = h.run { "--tt-xla-git", fix .. "/ttxla", "--history", "--format",
      "total", "--easydel", "tests/fixtures/easydel/checkout.json" }
    assert.are.equal(0, code2, err2)
    assert.truthy(err2:find("warning: a history is loaded (--history) but unused", 1, true),
      err2)
  end)

  it("--strict makes a bad revision an error: exit 2, one line", function()
    -- (A rule of one's own: the default rules' lints are errors too under --strict.)
    local code, out, err = h.run { "-q", "--tt-xla-git", fix .. "/ttxla", "--history",
      "--strict", "examples/trend_series.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.truthy(err:match("^covengine: [^\n]*test_config_inference_single_device%.yaml:4:4: "
      .. "invalid YAML[^\n]*\n$"), err)
  end)

  it("a missing repository or revision is exit 2 with one line", function()
    for _, args in ipairs {
      { "--tt-xla-git", root .. "/nothing", "--history" },
      { "--tt-xla-git", fix .. "/ttxla", "--history", "nosuch..main" },
      { "--history" },
      { "--tt-xla-git", fix .. "/ttxla", "--blame", "opt" },
    } do
      local code, out, err = h.run(args)
      assert.are.equal(2, code, table.concat(args, " "))
      assert.are.equal("", out)
      assert.truthy(err:match("^covengine: [^\n]+\n$"), err)
    end
  end)

  it("cov.history() in a rule of one's own (examples/trend_series.lua)", function()
    local out = run_ok { "-q", "--tt-xla-git", fix .. "/ttxla", "--history", "start..main",
      "examples/trend_series.lua" }
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l:gsub(",%x+,", ",") end
    assert.are.same({ "date,commit,jax_expected_passing", "2025-10-20,3", "2025-10-21,2",
      "2025-10-22,2", "2025-10-24,3", "2025-10-25,3", "2025-10-28,3" }, lines)
  end)
end)
