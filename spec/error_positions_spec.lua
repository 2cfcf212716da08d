-- Messages that had no FILE:LINE:COL or the wrong reason (issue 12, item
-- 13): a rule script that is Lua bytecode, an empty path as the rule
-- script, a YAML key longer than 1024 characters. (A directory given as a
-- file is in tests/bad/cases.tsv.) The inputs are made here: a tracked file
-- must be text, and lines of 1100 characters are not for reading.
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

  local KEY = ("k"):rep(1100) .. "/jax-single_device-inference"
  local LONG = "covengine: %s:%d:%d: invalid YAML: a mapping key longer than 1024 "
    .. "characters (the limit for a key not written with '? ')\n"

  -- Writes text (after filler entries, to make a file the parser thread
  -- reads) and runs --dump on it.
  local function dump(text, filler)
    local path = os.tmpname()
    local f = assert(io.open(path, "wb"))
    f:write("test_config:\n")
    for i = 1, filler or 0 do
      f:write("  f", i, "/jax-single_device-inference: {status: EXPECTED_PASSING}\n")
    end
    f:write(text)
    f:close()
    local code, out, err = h.run { "-q", "--config", path, "--dump" }
    os.remove(path)
    return path, code, out, err
  end

  it("says a key is over 1024 characters, at the key, not that its parent is no mapping", function()
    for _, filler in ipairs { 0, 20000 } do
      local line = 2 + filler
      local path, code, out, err = dump("  " .. KEY .. ":\n    status: EXPECTED_PASSING\n", filler)
      assert.are.equal(2, code)
      assert.are.equal("", out)
      assert.are.equal(LONG:format(path, line, 3), err)
      path, code, out, err = dump('  "' .. KEY .. '": {status: EXPECTED_PASSING}\n', filler)
      assert.are.equal(2, code)
      assert.are.equal("", out)
      assert.are.equal(LONG:format(path, line, 3), err)
      -- In a flow mapping libyaml stops at the ':' ("did not find expected
      -- ',' or '}'"), one event after the key.
      path, code, out, err = dump("  x/jax-single_device-inference: {" .. KEY
        .. ": EXPECTED_PASSING}\n", filler)
      assert.are.equal(2, code)
      assert.are.equal("", out)
      assert.are.equal(LONG:format(path, line, 35), err)
    end
  end)

  it("still loads values over 1024 characters", function()
    for _, filler in ipairs { 0, 20000 } do
      local _, code, out, err = dump("  x/jax-single_device-inference:\n    status: EXPECTED_PASSING\n"
        .. "    reason: " .. ("r"):rep(1100) .. "\n    markers: [" .. ("m"):rep(1100) .. "]\n",
        filler)
      assert.are.equal("", err)
      assert.are.equal(0, code)
      assert.truthy(out:find(("r"):rep(1100), 1, true))
    end
  end)
end)
