-- Output integrity (issue 12, items 10-12): a path or message printed on
-- stderr stays one line whatever bytes it holds (control characters are
-- escaped as \n, \r, \t, \xHH); the inputs and files the cases need are made
-- here, at test time (a file name with a newline is not committed).
local h = require "helpers"

local sh, write, tmpdir = h.sh, h.write, h.tmpdir

describe("control characters on stderr", function()
  it("escapes a newline in a file name instead of printing a forged error line", function()
    local root = tmpdir()
    sh("mkdir '" .. root .. "/jax'")
    write(root .. "/jax/test_config_x\ncovengine: ok.yaml:1:1: fine.yaml", "a: [\n")
    local code, out, err = h.run { "-q", "--tt-xla", root, "--dump" }
    sh("rm -rf '" .. root .. "'")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: " .. root .. "/jax/test_config_x\\ncovengine: ok.yaml:1:1: "
      .. "fine.yaml:2:1: invalid YAML: did not find expected node content while parsing a "
      .. "flow node\n", err)
  end)

  it("escapes cov.warn's place and message", function()
    local root = tmpdir()
    write(root .. "/w.lua", 'local cov = require "covengine"\n'
      .. 'cov.warn("tab\\there\\27[2J\\127", "a\\nb:1")\n'
      .. 'cov.warn("x", "c\\r:2", "error")\n')
    local code, out, err = h.run { root .. "/w.lua" }
    sh("rm -rf '" .. root .. "'")
    assert.are.equal(0, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: a\\nb:1: warning: tab\\there\\x1b[2J\\x7f\n"
      .. "covengine: c\\r:2: error: x\n", err)
  end)

  it("escapes a rules file's name in its error and traceback", function()
    local root = tmpdir()
    local rules = root .. "/r\nx.lua"
    write(rules, "#!/usr/bin/env covengine\nlocal function f() error('boom\\27[2J') end\nf()\n")
    local code, out, err = h.run { rules }
    sh("rm -rf '" .. root .. "'")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    local shown = root .. "/r\\nx.lua"
    assert.are.equal("covengine: " .. shown .. ":2: boom\\x1b[2J\n"
      .. "stack traceback:\n"
      .. "\t" .. shown .. ":2: in local 'f'\n"
      .. "\t" .. shown .. ":3: in main chunk\n"
      .. "\t(-v shows the engine's frames too)\n", err)
  end)

  it("escapes a function's name in the traceback (a global, or a package.loaded key)", function()
    local root = tmpdir()
    write(root .. "/g.lua", '_ENV["f\\ncovengine: x.yaml:1:1: y"] = function() error("boom") end\n'
      .. '_ENV["f\\ncovengine: x.yaml:1:1: y"]()\n')
    write(root .. "/m.lua", 'local function f() error("boom") end\n'
      .. 'package.loaded["m\\nz"] = { g = f }\nlocal h = f\nh()\n')
    local code, out, err = h.run { "--sandbox", root .. "/g.lua" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: " .. root .. "/g.lua:1: boom\n"
      .. "stack traceback:\n"
      .. "\t" .. root .. "/g.lua:1: in global 'f\\ncovengine: x.yaml:1:1: y'\n"
      .. "\t" .. root .. "/g.lua:2: in main chunk\n"
      .. "\t(-v shows the engine's frames too)\n", err)
    code, out, err = h.run { root .. "/m.lua" }
    sh("rm -rf '" .. root .. "'")
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: " .. root .. "/m.lua:1: boom\n"
      .. "stack traceback:\n"
      .. "\t" .. root .. "/m.lua:1: in local 'h'\n"
      .. "\t" .. root .. "/m.lua:4: in main chunk\n"
      .. "\t(-v shows the engine's frames too)\n", err)
  end)

  it("keeps a Markdown report's lines whole when a file name holds a newline", function()
    local root = tmpdir()
    sh("cp -r tests/fixtures/rules/tiny/. '" .. root .. "'")
    sh("mv '" .. root .. "/jax/test_config_inference_single_device.yaml' '" .. root
      .. "/jax/test_config_a\n# forged.yaml'")
    local code, out, err = h.run { "-q", "--tt-xla", root, "--easydel", root .. "/easydel.json",
      "rules/phases.lua" }
    sh("rm -rf '" .. root .. "'")
    assert.are.equal(0, code, err)
    assert.is_truthy(out:find("\n%- `jax/test_config_a\\n# forged%.yaml` %(test_config, jax"), out)
    assert.is_falsy(out:find("\n# forged"), out)
  end)

  it("escapes an option it does not know", function()
    local code, out, err = h.run { "--x\ncovengine: ok" }
    assert.are.equal(2, code)
    assert.are.equal("", out)
    assert.are.equal("covengine: unknown option '--x\\ncovengine: ok' (try --help)\n", err)
  end)
end)

-- Whether the file at path is valid JSON, by a parser that is not ours
-- (python3's json, strict about UTF-8), or by cov.json.decode without it.
local function valid_json(path)
  if os.execute("command -v python3 >/dev/null 2>&1") then
    return os.execute("python3 -c 'import json,sys; json.load(open(sys.argv[1], \"rb\"))' '"
      .. path .. "' 2>/dev/null") == true
  end
  return (pcall(require("covengine").json.decode, h.read(path)))
end

describe("UTF-8 in JSON output", function()
  it("writes valid JSON for names that are UTF-8", function()
    local root = tmpdir()
    write(root .. "/easydel.json", '["caf\xc3\xa9", "\xe6\xbc\xa2"]\n')
    for _, args in ipairs { { "--dump" }, { "--format", "json", "rules/phases.lua" } } do
      local argv = { "-q", "--easydel", root .. "/easydel.json", "-o", root .. "/out.json" }
      for _, a in ipairs(args) do argv[#argv + 1] = a end
      local code, _, err = h.run(argv)
      assert.are.equal(0, code, err)
      assert.is_true(valid_json(root .. "/out.json"), table.concat(args, " "))
      assert.is_truthy(h.read(root .. "/out.json"):find("caf\xc3\xa9", 1, true))
    end
    sh("rm -rf '" .. root .. "'")
  end)

  it("shows a commit's Latin-1 author and subject with U+FFFD, as valid JSON", function()
    local root = tmpdir()
    sh("cd '" .. root .. "' && git init -q -b main r && mkdir -p r/tests/runner/test_config"
      .. " && cp -r '" .. os.getenv("PWD") .. "/tests/fixtures/rules/tiny/jax' r/tests/runner/test_config/"
      .. " && cd r && git add . && t=$(git write-tree)"
      .. " && id=$(printf 'tree %s\\nauthor Caf\\351 <a@b> 1700000000 +0000\\n"
      .. "committer c <c@d> 1700000000 +0000\\n\\nAdd caf\\351 configs\\n' $t"
      .. " | git hash-object -t commit -w --stdin) && git update-ref refs/heads/main $id")
    local code, _, err = h.run { "-q", "--tt-xla-git", root .. "/r", "--history", "--format",
      "trend-json", "-o", root .. "/out.json", "rules/phases.lua" }
    assert.are.equal(0, code, err)
    assert.is_true(valid_json(root .. "/out.json"))
    local text = h.read(root .. "/out.json")
    sh("rm -rf '" .. root .. "'")
    local point = require("covengine").json.decode(text).points[1]
    assert.are.equal("Caf\xef\xbf\xbd", point.author)
    assert.are.equal("Add caf\xef\xbf\xbd configs", point.subject)
  end)

  it("refuses to encode a string or key that is not UTF-8", function()
    local json = require("covengine").json
    local ok, err = pcall(json.encode, { "caf\xe9" })
    assert.is_false(ok)
    assert.is_truthy(err:find("json: string is not UTF-8 (byte 4 is 0xE9)", 1, true), err)
    ok, err = pcall(json.encode, { ["caf\xe9"] = 1 })
    assert.is_false(ok)
    assert.is_truthy(err:find("json: key is not UTF-8 (byte 4 is 0xE9)", 1, true), err)
    ok, err = pcall(json.decode, '["caf\xe9"]')
    assert.is_false(ok)
    assert.is_truthy(err:find("json: invalid JSON: invalid UTF-8 in string near byte 6", 1, true),
      err)
  end)
end)

describe("cov.json exactness", function()
  local json = require("covengine").json

  it("refuses keys and strings with a NUL byte instead of cutting them", function()
    local ok, err = pcall(json.encode, { ["a\0b"] = 1, ["a\0c"] = 2 })
    assert.is_false(ok)
    assert.is_truthy(err:find("json: key holds a NUL byte (byte 2)", 1, true), err)
    ok, err = pcall(json.encode, { "x\0y" })
    assert.is_false(ok)
    assert.is_truthy(err:find("json: string holds a NUL byte (byte 2)", 1, true), err)
  end)

  it("refuses data after the value, saying where", function()
    for text, at in pairs { ["{} x"] = 4, ["[1]]"] = 4, ["1 2"] = 3 } do
      local ok, err = pcall(json.decode, text)
      assert.is_false(ok, text)
      assert.is_truthy(err:find("json: invalid JSON: unexpected data after the value near byte "
        .. at, 1, true), err)
    end
  end)

  it("writes integers exactly and floats so that they read back the same", function()
    assert.are.equal("[9007199254740993,-9223372036854775808,9223372036854775807]",
      json.encode { 9007199254740993, math.mininteger, math.maxinteger })
    local floats = { 0.1, 1 / 3, 2 ^ 53 + 0.0, 1e300, 5e-324, -2.5e-8, 57.142857142857146,
      123456789012.5, 0.30000000000000004 }
    local back = json.decode(json.encode(floats))
    for i, v in ipairs(floats) do assert.are.equal(v, back[i]) end
    -- what cJSON wrote before where that was exact, else the fewest digits
    -- that are (as Python's repr and JavaScript write them)
    assert.are.equal("[0.1,3,-0,1e+20,2147483648,0.3333333333333333,32.075471698113205]",
      json.encode { 0.1, 3.0, -0.0, 1e20, 2147483648.0, 1 / 3, 1700 / 53 })
  end)

  it("reads integers exactly up to 64 bits", function()
    local t = json.decode("[9007199254740993, 9223372036854775807, -9223372036854775808, "
      .. "9223372036854775808, 1.0, 1e3, 0.5]")
    assert.are.equal(9007199254740993, t[1])
    assert.are.equal(math.maxinteger, t[2])
    assert.are.equal(math.mininteger, t[3])
    assert.are.equal("float", math.type(t[4]))
    assert.are.equal("integer", math.type(t[5]))
    assert.are.equal(1000, t[6])
    assert.are.equal(0.5, t[7])
    assert.are.equal(9007199254740993, json.decode('{"n": 9007199254740993}').n)
  end)
end)
