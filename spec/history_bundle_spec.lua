-- Coverage over time on the shared history bundle (issue 16, "Done when"):
-- with the default rules the trend's last point is a plain run on the
-- 2026-08-21 snapshot, and its point at #1754 ("Putting jax models in
-- tt_forge_models test infra", 2025-10-31 17:56) a plain run on the
-- 2025-10-31 snapshot, with the same EasyDeL inventory both ways. Skipped,
-- with a message, without the shared data; labelled slow.
-- needs shared data: history/tt-xla-test-config-history.bundle tt-xla/tt-xla-2026-08-21
-- needs shared data: tt-xla/tt-xla-2025-10-31 easydel/easydel-2026-04-22.json
local h = require "helpers"
local sh = h.sh
local cov = require "covengine"

local function trend(args)
  local argv = { "-q", "--format", "trend-json", "--easydel",
    h.shared .. "/easydel/easydel-2026-04-22.json" }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  local code, out, err = h.run(argv)
  assert.are.equal(0, code, err)
  return cov.json.decode(out)
end

describe("the trend of the shared history bundle", function()
  local bundle = "history/tt-xla-test-config-history.bundle"
  if not h.need_shared(pending) then return end
  local root, repo
  setup(function() root, repo = h.clone_bundle(bundle) end)
  teardown(function()
    if root then sh("rm -rf '" .. root .. "'") end
  end)

  it("ends at the 2026-08-21 snapshot and passes the 2025-10-31 one at #1754", function()
    local t = trend { "--tt-xla-git", repo, "--history" }
    assert.is_true(t.history)
    assert.is_true(#t.points > 300)
    local last = trend { "--tt-xla", h.shared .. "/tt-xla/tt-xla-2026-08-21" }
    assert.are.same(last.points[1].values, t.points[#t.points].values)
    local at
    for _, p in ipairs(t.points) do
      if p.subject == "Putting jax models in tt_forge_models test infra (#1754)" then at = p end
    end
    assert.is_not_nil(at)
    assert.are.equal("2025-10-31T17:56:19+01:00", at.date)
    local old = trend { "--tt-xla", h.shared .. "/tt-xla/tt-xla-2025-10-31" }
    assert.are.same(old.points[1].values, at.values)
    -- Not the same figures twice: the two snapshots differ.
    assert.are_not.same(old.points[1].values, last.points[1].values)
  end)
end)
