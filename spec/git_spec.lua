-- Git as an input (issue 16, item 1): --tt-xla-git REPO --rev REV, git:REPO@REV
-- wherever a tt-xla tree is accepted, --easydel-git. A revision's load must
-- be the load of a checkout of that revision, byte for byte, but for the
-- source names (REPO@COMMIT:PATH for DIR/PATH). On fixture repositories
-- built here (tests/scripts/make_git_fixtures.sh) and on the shared history
-- bundle against the shared snapshots.
local h = require "helpers"
local sh, first_line, write, plain = h.sh, h.first_line, h.write, h.plain

-- Lua pattern for a plain string.
-- text with every "FROM" replaced by "TO", counting them.
local function replace(text, from, to)
  return text:gsub(plain(from), (to:gsub("%%", "%%%%")))
end

local root, fix
local function rev_parse(repo, spec)
  return first_line(("git -C '%s/%s' rev-parse '%s'"):format(fix, repo, spec))
end

setup(function() root, fix = h.git_fixtures() end)

teardown(function()
  if root then sh("rm -rf '" .. root .. "'") end
end)

-- The --dump of args, which must succeed; each command runs once (the
-- suite also runs under valgrind, where every run costs seconds).
local dumps = {}
local function dump(args)
  local key = table.concat(args, "\0")
  if dumps[key] then return dumps[key] end
  local argv = { "-q", "--dump" }
  for _, a in ipairs(args) do argv[#argv + 1] = a end
  local code, out, err = h.run(argv)
  assert.are.equal(0, code, err)
  dumps[key] = out
  return out
end

describe("a tt-xla revision from git", function()
  -- main~2: after the merge and the uplift; main~3: the merge; main~6: the
  -- status change; main: after the fix (the fixture script says which is which).
  -- Each revision by another way of naming it and its repository: a work
  -- tree, a git: spec, a bare repository, a .git directory by commit id.
  local forms = {
    main = function(rev) return { "--tt-xla-git", fix .. "/ttxla", "--rev", rev } end,
    ["main~2"] = function(rev) return { "--tt-xla", "git:" .. fix .. "/ttxla@" .. rev } end,
    ["main~3"] = function(rev) return { "--tt-xla-git", fix .. "/ttxla.git", "--rev=" .. rev } end,
    ["main~6"] = function(rev)
      return { "--tt-xla-git", fix .. "/ttxla/.git", "--rev", rev_parse("ttxla", rev):sub(1, 12) }
    end,
  }
  for _, rev in ipairs { "main", "main~2", "main~3", "main~6" } do
    it("loads " .. rev .. " as a checkout of it loads, but for source names", function()
      local checkout = fix .. "/checkout-" .. rev:gsub("~", "-")
      local want = dump { "--tt-xla", checkout }
      local short = rev_parse("ttxla", rev):sub(1, 12)
      local args = forms[rev](rev)
      local got = dump(args)
      local repo = args[2]:gsub("^git:", ""):gsub("@.*$", "")
      local named, n = replace(got, repo .. "@" .. short .. ":", checkout .. "/")
      assert.is_true(n >= 4, "source names: " .. got:sub(1, 300))
      assert.are.equal(want, named)
    end)
  end

  it("defaults to HEAD", function()
    assert.are.equal(dump { "--tt-xla-git", fix .. "/ttxla", "--rev", "main" },
      dump { "--tt-xla", "git:" .. fix .. "/ttxla" })
  end)

  it("diffs a revision against another with --base-tt-xla git:REPO@REV", function()
    local function diff(args)
      local argv = { "-q", "--format", "diff-json" }
      for _, a in ipairs(args) do argv[#argv + 1] = a end
      argv[#argv + 1] = "rules/phases.lua"
      local code, out, err = h.run(argv)
      assert.are.equal(0, code, err)
      return out
    end
    local want = diff { "--base-tt-xla", fix .. "/checkout-main-6", "--tt-xla", fix .. "/checkout-main" }
    local got = diff { "--base-tt-xla", "git:" .. fix .. "/ttxla@main~6", "--tt-xla-git", fix .. "/ttxla" }
    got = replace(got, fix .. "/ttxla@" .. rev_parse("ttxla", "main~6"):sub(1, 12) .. ":",
      fix .. "/checkout-main-6/")
    got = replace(got, fix .. "/ttxla@" .. rev_parse("ttxla", "main"):sub(1, 12) .. ":",
      fix .. "/checkout-main/")
    assert.are.equal(want, got)
    -- The move of t5 from torch to jax is in it.
    assert.truthy(got:find('"lost":%s*{%s*"jax":%s*%[%],%s*"torch":%s*%["t5"%]'), got)
  end)

  it("takes an unborn HEAD for the only branch, saying so", function()
    local code, out, err = h.run { "--dump", "--tt-xla-git", fix .. "/unborn.git" }
    assert.are.equal(0, code, err)
    assert.are.equal(dump { "--tt-xla-git", fix .. "/ttxla.git", "--rev", "main" },
      replace(out, fix .. "/unborn.git@", fix .. "/ttxla.git@"))
    assert.are.equal("covengine: " .. fix .. "/unborn.git: warning: HEAD points to "
      .. "refs/heads/master, which has no commits; using the only branch, main",
      err:match("^[^\n]*"))
  end)

  it("is read from settings{}, repositories relative to the script", function()
    write(fix .. "/rules.lua", 'require "covengine.settings" { inputs = { tt_xla_git = "ttxla", '
      .. 'rev = "main~6", easydel_git = "easydel", easydel_rev = "main~1" } }\n'
      .. 'return require "phases"\n')
    local code, out, err = h.run { "-q", "--dump", fix .. "/rules.lua" }
    assert.are.equal(0, code, err)
    local short = rev_parse("ttxla", "main~6"):sub(1, 12)
    assert.truthy(out:find(fix .. "/ttxla@" .. short .. ":tests/runner/test_config/", 1, true), out)
    assert.truthy(out:find('"revision":"' .. rev_parse("easydel", "main~1") .. '"', 1, true), out)
    -- git:REPO@REV in tt_xla, its repository relative to the script too.
    write(fix .. "/rules.lua", 'require "covengine.settings" { inputs = { tt_xla = '
      .. '"git:ttxla@main~6" } }\nreturn require "phases"\n')
    local code2, out2, err2 = h.run { "-q", "--dump", fix .. "/rules.lua" }
    assert.are.equal(0, code2, err2)
    assert.are.equal(out:match('"tests": %[.-%]'), out2:match('"tests": %[.-%]'))
  end)
end)

describe("an EasyDeL revision from git", function()
  it("scans as the checkout it holds, with the commit as revision and date", function()
    local want = dump { "--easydel", "tests/fixtures/easydel/checkout" }
    local id = rev_parse("easydel", "main~1")
    for _, args in ipairs {
      { "--easydel-git", fix .. "/easydel", "--easydel-rev", "main~1" },
      { "--easydel", "git:" .. fix .. "/easydel@main~1" },
    } do
      local got = dump(args)
      local n
      got, n = replace(got, fix .. "/easydel@" .. id:sub(1, 12), "tests/fixtures/easydel/checkout")
      assert.are.equal(2, n) -- the source and the inventory's source
      got, n = replace(got, '{"revision":"' .. id .. '","date":"2025-09-01"',
        '{"revision":null,"date":null')
      assert.are.equal(1, n)
      assert.are.equal(want, got)
    end
  end)
end)

describe("bad git input", function()
  -- Each: exit 2, nothing on stdout, exactly this first line on stderr.
  local function fails(args, want)
    local argv = { "-q", "--dump" }
    for _, a in ipairs(args) do argv[#argv + 1] = a end
    local code, out, err = h.run(argv)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal(want, err:match("^[^\n]*"))
  end

  it("a missing revision", function()
    fails({ "--tt-xla-git", fix .. "/ttxla", "--rev", "nope" },
      "covengine: " .. fix .. "/ttxla: unknown revision 'nope'")
    fails({ "--base-tt-xla", "git:" .. fix .. "/ttxla@main~40", "--tt-xla-git", fix .. "/ttxla" },
      "covengine: " .. fix .. "/ttxla: unknown revision 'main~40'")
  end)

  it("a revision whose YAML is malformed: commit, path, line and column", function()
    local short = rev_parse("ttxla", "main~1"):sub(1, 12)
    local want = "covengine: " .. fix .. "/ttxla@" .. short .. ":tests/runner/test_config/jax/"
      .. "test_config_inference_single_device.yaml:4:4: invalid YAML: did not find expected "
      .. "key while parsing a block mapping (started at line 2, column 3)"
    fails({ "--tt-xla-git", fix .. "/ttxla", "--rev", "main~1" }, want)
    fails({ "--tt-xla", "git:" .. fix .. "/ttxla@main~1" }, want)
  end)

  it("a revision without configs", function()
    fails({ "--tt-xla-git", fix .. "/ttxla", "--rev", "start" },
      "covengine: " .. fix .. "/ttxla@" .. rev_parse("ttxla", "start"):sub(1, 12)
      .. ": no test_config_*.yaml files under tests/runner/test_config")
  end)

  it("an unborn HEAD with several branches", function()
    fails({ "--tt-xla-git", fix .. "/two.git" }, "covengine: " .. fix .. "/two.git: HEAD points "
      .. "to refs/heads/master, which has no commits; name a revision (branches: feature, main)")
  end)

  it("a range where a revision is wanted, a directory inside a repository", function()
    fails({ "--tt-xla-git", fix .. "/ttxla", "--rev", "main~2..main" },
      "covengine: " .. fix .. "/ttxla: 'main~2..main' is a range, not a revision")
    fails({ "--tt-xla-git", fix .. "/ttxla/tests" },
      "covengine: " .. fix .. "/ttxla/tests: not a git repository")
  end)

  it("an EasyDeL revision without easydel/modules", function()
    fails({ "--easydel-git", fix .. "/ttxla" }, "covengine: " .. fix .. "/ttxla@"
      .. rev_parse("ttxla", "main"):sub(1, 12)
      .. ": not an EasyDeL checkout: no easydel/modules directory")
  end)
end)
