-- The shared history bundle read with --tt-xla-git (issue 16): at its last
-- commit a revision's load is the 2026-08-21 snapshot's, and at #1754
-- ("Putting jax models in tt_forge_models test infra", 2025-10-31 17:56)
-- the 2025-10-31 snapshot's, byte for byte but for source names. Skipped,
-- with a message, without the shared data; labelled slow (it repeats on the
-- big real inputs what spec/git_spec.lua covers on fixtures).
-- needs shared data: history/tt-xla-test-config-history.bundle tt-xla/tt-xla-2026-08-21
-- needs shared data: tt-xla/tt-xla-2025-10-31
local h = require "helpers"
local sh, first_line, plain = h.sh, h.first_line, h.plain

local function dump(args)
  local argv = { "-q", "--dump" }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  local code, out, err = h.run(argv)
  assert.are.equal(0, code, err)
  return out
end

describe("the shared history bundle", function()
  local bundle = "history/tt-xla-test-config-history.bundle"
  if not h.need_shared(pending) then return end
  local root, repo
  setup(function() root, repo = h.clone_bundle(bundle) end)
  teardown(function()
    if root then sh("rm -rf '" .. root .. "'") end
  end)

  local function same_as_snapshot(rev, snapshot)
    local id = first_line(("git -C '%s' rev-parse '%s'"):format(repo, rev))
    local tree = h.shared .. "/tt-xla/" .. snapshot
    local want = dump { "--tt-xla", tree }
    local got, n = dump({ "--tt-xla-git", repo, "--rev", rev })
      :gsub(plain(repo .. "@" .. id:sub(1, 12) .. ":"), (tree:gsub("%%", "%%%%")) .. "/")
    assert.is_true(n > 10)
    assert.are.equal(want, got)
  end

  it("at its last commit loads as the 2026-08-21 snapshot", function()
    same_as_snapshot("main", "tt-xla-2026-08-21")
  end)

  it("at #1754 (2025-10-31 17:56) loads as the 2025-10-31 snapshot", function()
    local line = first_line(("git -C '%s' log --first-parent --format='%%H %%aI' main "
      .. "--grep='^Putting jax models in tt_forge_models test infra (#1754)$'"):format(repo))
    local id, date = line:match("^(%x+) (%S+)$")
    assert.are.equal("2025-10-31T17:56:19+01:00", date)
    same_as_snapshot(id, "tt-xla-2025-10-31")
  end)

  it("defaults to HEAD, unborn in a bare clone: the only branch, with a warning", function()
    local code, out, err = h.run { "--dump", "--tt-xla-git", repo }
    assert.are.equal(0, code, err)
    assert.are.equal(dump { "--tt-xla-git", repo, "--rev", "main" }, out)
    assert.are.equal("covengine: " .. repo .. ": warning: HEAD points to refs/heads/master, "
      .. "which has no commits; using the only branch, main", err:match("^[^\n]*"))
  end)
end)
