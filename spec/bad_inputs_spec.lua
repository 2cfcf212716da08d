-- The bad-input suite (tests/bad/cases.tsv): malformed YAML, JSON, EasyDeL
-- trees, tt-forge-models loaders, rule scripts and options, each with the
-- exact one-line message it must produce, exit status 2 and nothing on
-- stdout; or, for input that is a warning (the run goes on), the exit status
-- given in a fourth column and that warning as the first line on stderr.
local h = require "helpers"

-- Where the binary under test finds its installed rules (messages that list
-- the places require looked name it).
local datadir = (function()
  local path = os.tmpname() .. ".lua"
  local f = assert(io.open(path, "w"))
  f:write('return require("covengine").data_dir')
  f:close()
  local code, out = h.run { path }
  os.remove(path)
  assert(code == 0, "cannot ask covengine for its data directory")
  return out
end)()

local cases = {}
for line in io.lines("tests/bad/cases.tsv") do
  if not line:find("^#") and line ~= "" then
    local name, args, expected, status = line:match("^([^\t]+)\t([^\t]*)\t([^\t]+)\t(%d+)$")
    if not name then
      name, args, expected = line:match("^([^\t]+)\t([^\t]*)\t([^\t]+)$")
    end
    assert(name, "malformed line in tests/bad/cases.tsv: " .. line)
    local argv = {}
    if not status then argv[1] = "-q" end
    for a in args:gmatch("%S+") do argv[#argv + 1] = a end
    cases[#cases + 1] = { name = name, argv = argv, status = tonumber(status),
      expected = (expected:gsub("{DATADIR}", function() return datadir end)) }
  end
end

describe("bad inputs", function()
  it("has at least 30 cases", function()
    assert.is_true(#cases >= 30)
  end)

  for _, c in ipairs(cases) do
    it(c.name, function()
      local code, out, err = h.run(c.argv)
      assert.are.equal(c.status or 2, code)
      if not c.status then assert.are.equal("", out) end
      assert.are.equal(c.expected, err:match("^[^\n]*"))
    end)
  end
end)
