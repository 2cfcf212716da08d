-- --max-file-size holds for YAML read from a pipe, whose size fstat cannot
-- tell (issue 12, item 9): the reader counts the bytes as they come. The
-- 2.6 MB input is generated here, never committed.
local h = require "helpers"

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

describe("input limits", function()
  it("applies --max-file-size to a config read from a pipe", function()
    local yaml, err = os.tmpname(), os.tmpname()
    local f = assert(io.open(yaml, "w"))
    f:write("test_config:\n")
    for i = 1, 40000 do
      f:write("  f", i, "/jax-single_device-inference: {status: EXPECTED_PASSING}\n")
    end
    f:close()
    local ok, _, code = os.execute("cat " .. quote(yaml) .. " | " .. quote(h.covengine)
      .. " -q --max-file-size 1 --config /dev/stdin --dump >/dev/null 2>" .. quote(err))
    os.remove(yaml)
    local ef = assert(io.open(err, "rb"))
    local text = ef:read("a")
    ef:close()
    os.remove(err)
    assert.are.equal(2, ok and 0 or code)
    assert.are.equal("covengine: /dev/stdin: file is over the limit of 1048576 bytes",
                     text:match("^[^\n]*"))
  end)
end)
