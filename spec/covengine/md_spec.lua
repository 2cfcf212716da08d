-- covengine.md: the Markdown rules the CI formats share (issue 13, item 6).
local md = require "covengine.md"

describe("covengine.md", function()
  describe("cell", function()
    it("escapes pipes and flattens newlines", function()
      assert.are.equal("a \\| b c", md.cell("a | b\nc"))
    end)

    it("leaves a cell at the limit as it is", function()
      local s = ("x"):rep(md.MAX_CELL)
      assert.are.equal(s, md.cell(s))
    end)

    it("cuts a long cell at a comma, saying how much it left out", function()
      local names = {}
      for i = 1, 200 do names[i] = ("variant_%03d"):format(i) end
      local s = table.concat(names, ", ") -- 2,598 characters, like the llama row once
      local c = md.cell(s)
      assert.is_true(utf8.len(c) <= md.MAX_CELL, utf8.len(c))
      local head, more = c:match("^(.-) … %(%+(%d+) chars%)$")
      assert.truthy(head, c)
      assert.truthy(head:find("variant_%d%d%d$"), head) -- whole names only
      assert.are.equal(utf8.len(s), utf8.len(head) + tonumber(more))
    end)

    it("never splits a UTF-8 character", function()
      local c = md.cell(("✅ é"):rep(200), 50)
      assert.truthy(utf8.len(c), "invalid UTF-8")
      assert.is_true(utf8.len(c) <= 50)
    end)
  end)

  describe("fold", function()
    it("folds more than md.FOLD items in <details>, with a blank line for GitHub", function()
      assert.are.equal("- a\n", md.fold(md.FOLD, "x", "- a\n"))
      assert.are.equal("<details><summary>13 items</summary>\n\n- a\n\n</details>\n",
        md.fold(md.FOLD + 1, "13 items", "- a\n"))
    end)
  end)

  describe("roots and relative", function()
    local inputs = {
      { kind = "test_config", path = "/x/tt-xla/tests/runner/test_config/jax/a.yaml" },
      { kind = "test_config", path = "/x/tt-xla/tests/runner/test_config/torch/b.yaml" },
      { kind = "placeholders", path = "/x/tt-xla/tests/runner/test_config/torch/p.yaml" },
      { kind = "tt_forge_models", path = "/x/tt-xla/third_party/tt_forge_models/" },
      { kind = "easydel_manifest", path = "/y/easydel.json" },
    }

    it("take each dataset's config directory and each tree", function()
      local roots = md.roots(inputs, { { kind = "test_config", path = "/old/c/jax/a.yaml" } })
      local paths = {}
      for i, r in ipairs(roots) do paths[i] = r.path end
      assert.are.same({ "/x/tt-xla/third_party/tt_forge_models", "/x/tt-xla/tests/runner/test_config",
        "/old/c/jax" }, paths)
    end)

    it("make paths under a root relative, and leave others", function()
      local roots = md.roots(inputs)
      assert.are.equal("torch/b.yaml", md.relative(inputs[2].path, roots))
      assert.are.equal("llama/loader.py",
        md.relative("/x/tt-xla/third_party/tt_forge_models/llama/loader.py", roots))
      assert.are.equal("/y/easydel.json", md.relative("/y/easydel.json", roots))
      -- a sibling that only shares a prefix is not under the root
      assert.are.equal("/x/tt-xla/tests/runner/test_config2/c.yaml",
        md.relative("/x/tt-xla/tests/runner/test_config2/c.yaml", roots))
    end)

    it("say whose they are when told", function()
      local roots = md.roots({ side = "base", inputs = { inputs[1] } })
      assert.are.same({ { path = "/x/tt-xla/tests/runner/test_config/jax",
        what = "base's tt-xla test configs" } }, roots)
    end)

    it("say once where paths are relative to", function()
      assert.are.equal("", md.roots_note({}))
      assert.truthy(md.roots_note(md.roots(inputs)):find(
        "`/x/tt-xla/tests/runner/test_config` (tt-xla test configs)", 1, true))
    end)
  end)
end)
