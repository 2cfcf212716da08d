-- --blame's texts (lua/covengine/blame.lua) from made-up events; collecting
-- them over a real history is spec/history_spec.lua's.
local blame = require "covengine.blame"
local cov = require "covengine"

local function rev(commit, extra)
  local e = { commit = commit .. ("0"):rep(40 - #commit), short = commit, subject = "s " .. commit,
    date = "2026-0" .. #commit .. "-01T10:00:00Z" }
  for k, v in pairs(extra) do e[k] = v end
  return e
end

local EVENTS = {
  rev("a", { kind = "module_added", module = "llama" }),
  rev("a", { kind = "added", framework = "jax", id = "llama/jax-3B", family = "llama",
    to = "EXPECTED_PASSING" }),
  rev("bb", { kind = "status", framework = "jax", id = "llama/jax-3B", family = "llama",
    from = "EXPECTED_PASSING", to = "KNOWN_FAILURE_XFAIL" }),
  rev("bb", { kind = "arch_status", framework = "jax", id = "llama/jax-3B", family = "llama",
    arch = "p150", from = "KNOWN_FAILURE_XFAIL", to = "EXPECTED_PASSING" }),
  rev("bb", { kind = "renamed", framework = "jax", id = "llama/jax-3b", base_id = "llama/jax-3B",
    family = "llama" }),
  rev("ccc", { kind = "implementation", framework = "jax", family = "llama", from = nil,
    to = "easydel" }),
  rev("ccc", { kind = "removed", framework = "torch", id = "llama/pt-3B", family = "llama",
    from = "UNSPECIFIED" }),
  rev("ccc", { kind = "module_removed", module = "llama" }),
}

describe("blame.markdown", function()
  it("gives a section per revision and a line per event", function()
    assert.are.equal(table.concat({
      "# Blame: llama\n\n",
      "8 events in 3 of 5 revisions.\n",
      "\n## 2026-01-01 a s a\n\n",
      "- EasyDeL module llama appears\n",
      "- added jax `llama/jax-3B` (EXPECTED_PASSING)\n",
      "\n## 2026-02-01 bb s bb\n\n",
      "- status of jax `llama/jax-3B`: EXPECTED_PASSING -> KNOWN_FAILURE_XFAIL\n",
      "- status of jax `llama/jax-3B` on p150: KNOWN_FAILURE_XFAIL -> EXPECTED_PASSING\n",
      "- renamed jax `llama/jax-3B` to `llama/jax-3b`\n",
      "\n## 2026-03-01 ccc s ccc\n\n",
      "- implementation of llama in jax: none -> easydel\n",
      "- removed torch `llama/pt-3B` (was UNSPECIFIED)\n",
      "- EasyDeL module llama disappears\n",
    }), blame.markdown({ name = "llama", revisions = 5, events = EVENTS }))
  end)

  it("says so when no revision names it", function()
    assert.are.equal("# Blame: x\n\n0 events in 0 of 2 revisions.\n\nNo revision has a test, "
      .. "family or EasyDeL module of that name.\n",
      blame.markdown({ name = "x", revisions = 2, events = {} }))
  end)
end)

describe("blame.json", function()
  it("writes covengine.blame/1 with every field, null where absent", function()
    local d = cov.json.decode(blame.json({ name = "llama", revisions = 5, events = EVENTS }))
    assert.are.equal(blame.SCHEMA, d.schema)
    assert.are.equal(cov.version, d.version)
    assert.are.equal(8, #d.events)
    local e = d.events[1]
    assert.are.equal("module_added", e.kind)
    assert.are.equal(cov.json.null, e.id)
    assert.are.equal("llama", e.module)
    assert.are.equal(("a"):rep(1) .. ("0"):rep(39), e.commit)
    assert.are.equal(cov.json.null, d.events[6].from)
  end)

  it("keeps an empty event list an array", function()
    assert.matches('"events":%s*%[%]', blame.json({ name = "x", revisions = 0, events = {} }))
  end)
end)
