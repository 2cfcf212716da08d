-- Messages that had no FILE:LINE:COL (issue 12, item 13): a rule script
-- that is Lua bytecode, an empty path as the rule script. (A directory
-- given as a file is in tests/bad/cases.tsv.) The bytecode file is made
-- here: a tracked file must be text.
local h = require "helpers"

describe("error positions", function()
  it("names a precompiled rule script at 1:1", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write(string.dump(function() return "x" end))
    f:close()
    for _, args in ipairs { { "-q", path }, { "-q", "--sandbox", path } } do
      local code, out, err = h.run(args)
      assert.are.equal(2, code)
      assert.are.equal("", out)
      assert.are.equal("covengine: " .. path
        .. ":1:1: precompiled Lua is refused: give the rule script as source text\n", err)
    end
    os.remove(path)
  end)

  it("says an empty rule script path is empty", function()
    local code, out, err = h.run { "-q", "" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: '':1:1: empty path\n", err)
  end)
end)
