-- max_alias_bytes (issue 12, item 8): a YAML file's aliases may expand to at
-- most 16 MiB (scalar bytes plus 16 per event), counted before anything is
-- replayed. The inputs (about 180 KB each) are generated here, never
-- committed: a billion laughs of long scalars, which the event limit alone
-- let through to a dump of gigabytes, and files on either side of the bound.
local h = require "helpers"

local function quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local LIMIT = 16 * 1024 * 1024
local EVENT = 16 -- what an event counts for besides its text
local TEXT = 170000 -- one scalar, under max_scalar (1 MiB)

local function write(lines)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
  return path
end

-- Wall-clock milliseconds, for the "fails fast" bound.
local function now_ms()
  local p = assert(io.popen("date +%s%N"))
  local ns = p:read("l")
  p:close()
  return tonumber(ns) // 1000000
end

-- One test whose unknown field `lol` is a list of n aliases of the TEXT
-- bytes long scalar anchored on line 1.
local function flat(n)
  return write {
    "a: &a " .. ("x"):rep(TEXT),
    "test_config:",
    "  x/jax-single_device-inference:",
    "    lol: [" .. ("*a, "):rep(n - 1) .. "*a]",
  }
end

-- Column of the k-th "*a" on line 4 of flat(n).
local function column(k)
  return #"    lol: [" + 1 + (k - 1) * #"*a, "
end

describe("alias expansion in bytes", function()
  it("stops a billion laughs of long scalars at the alias that crosses 16 MiB", function()
    -- Five levels of ten aliases over a 170 KB scalar: 100,000 scalars
    -- (well under the 1,000,000-event limit) of 17 GB.
    local lines = { "a: &a " .. ("x"):rep(TEXT) }
    for level, name in ipairs { "b", "c", "d", "e", "f" } do
      local prev = string.char(("a"):byte() + level - 1)
      lines[#lines + 1] = name .. ": &" .. name .. " [" .. ("*" .. prev .. ","):rep(9)
        .. "*" .. prev .. "]"
    end
    lines[#lines + 1] = "test_config:"
    lines[#lines + 1] = "  x/jax-single_device-inference:"
    lines[#lines + 1] = "    lol: *f"
    local path = write(lines)
    local f = assert(io.open(path, "rb"))
    local size = f:seek("end")
    f:close()
    assert.is_true(size > 170000 and size < 190000, "size " .. size)
    -- Not through h.run: an engine without the bound would write the
    -- gigabytes of the dump; here they go nowhere and a timeout ends it.
    local errf = os.tmpname()
    local t0 = now_ms()
    local ok, _, code = os.execute(("%s timeout 60 %s -q --config %s --dump >/dev/null 2>%s")
      :format(os.getenv("COVENGINE_WRAPPER") or "", quote(h.covengine), quote(path), quote(errf)))
    local ms = now_ms() - t0
    os.remove(path)
    local err = h.slurp(errf)
    assert.are.equal(2, ok and 0 or code)
    -- Line 9 is "    lol: *f": top-level keys other than test_config are
    -- skipped unexpanded, so f's 17 GB are the first to count.
    assert.are.equal(("covengine: %s:9:%d: aliases expand to more than %d bytes\n")
      :format(path, #"    lol: " + 1, LIMIT), err)
    if (os.getenv("COVENGINE_WRAPPER") or "") == "" then
      assert.is_true(ms < 1000, ms .. " ms")
    end
  end)

  it("loads a file whose aliases stay just under the bound", function()
    local n = LIMIT // (EVENT + TEXT) -- 98 aliases: 16,661,568 bytes
    assert.is_true(n * (EVENT + TEXT) <= LIMIT and (n + 1) * (EVENT + TEXT) > LIMIT)
    local path = flat(n)
    local code, out, err = h.run { "-q", "--config", path, "--dump" }
    os.remove(path)
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.is_true(#out > n * TEXT, "dump of " .. #out .. " bytes")
  end)

  it("refuses the same file with one alias more, at that alias", function()
    local n = LIMIT // (EVENT + TEXT) + 1
    local path = flat(n)
    local code, out, err = h.run { "-q", "--config", path, "--dump" }
    os.remove(path)
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal(("covengine: %s:4:%d: aliases expand to more than %d bytes\n")
      :format(path, column(n), LIMIT), err)
  end)
end)
