-- The tree walker (cov_walk_tree, under the tt-xla and tt-forge-models
-- loaders) never skips what it cannot look at (issue 12, item 6): a tree
-- deeper than PATH_MAX, generated here (never committed), fails with the
-- entry it could not stat instead of loading without it.
local h = require "helpers"

local function sh(cmd)
  local ok = os.execute(cmd)
  assert(ok, "command failed: " .. cmd)
end

-- Makes a path 2100 levels of "aa/" deep under root (6300 bytes: lstat of the
-- deepest entries fails) with FILE (CONTENT) at the bottom. (bash: dash's
-- cd refuses a working directory longer than PATH_MAX)
local function deep(root, file, content)
  sh("bash -c 'cd \"$1\" && p=$(printf \"aa/%.0s\" {1..100});"
     .. " for ((i = 0; i < 21; i++)); do mkdir -p $p && cd $p || exit 1; done;"
     .. " echo \"" .. content .. "\" > " .. file .. "' sh '" .. root .. "'")
end

-- A tree with one good file (shallow: "DIR/NAME", TEXT) and FILE at the
-- bottom of the deep path, given to covengine's OPTION: the run must fail
-- at the deep entry.
local function fails_at_deep_entry(option, shallow, text, file)
  local root = os.tmpname()
  os.remove(root)
  sh("mkdir -p '" .. root .. "/" .. shallow:match("^(.*)/") .. "' && printf '" .. text
     .. "' > '" .. root .. "/" .. shallow .. "'")
  deep(root, file, "x")
  local code, out, err = h.run { "-q", option, root, "--dump" }
  sh("rm -rf '" .. root .. "'")
  assert.are.equal(2, code)
  assert.are.equal("", out)
  local line = err:match("^[^\n]*")
  assert.are.equal("covengine: " .. root .. "/aa/aa/", line:sub(1, #root + 18))
  assert.is_truthy(line:find(": cannot stat: File name too long$"), line)
end

describe("tt-forge-models tree walker", function()
  it("fails on a loader.py deeper than PATH_MAX instead of dropping it", function()
    fails_at_deep_entry("--tt-forge-models", "bert/pytorch/loader.py",
      "class ModelLoader:\\n    pass\\n", "loader.py")
  end)
end)

describe("tt-xla tree walker", function()
  it("fails on an entry deeper than PATH_MAX instead of dropping it", function()
    fails_at_deep_entry("--tt-xla", "jax/test_config_a.yaml",
      "test_config:\\n  a/jax-single_device-inference: {status: EXPECTED_PASSING}\\n",
      "test_config_deep.yaml")
  end)
end)
