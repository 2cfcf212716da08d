-- --help and the man page (docs/covengine.1) describe the same options in
-- the same groups, the same formats and the same environment variables: one
-- changed without the other fails here.
local h = require "helpers"

-- "--max-memory" from a man page's "\-\-max\-memory".
local function unescape(s)
  return (s:gsub("\\%-", "-"):gsub("\\f[BIRP]", ""):gsub('"', ""))
end

-- Options named on a line: "-o", "--output", ...
local function option_names(text, into)
  for name in (" " .. text):gmatch("[%s,]%-(%-?[%w][%w%-]*)") do into["-" .. name] = true end
  return into
end

local function sorted_keys(set)
  local out = {}
  for k in pairs(set) do out[#out + 1] = k end
  table.sort(out)
  return out
end

-- --help as {groups = {{title, options}}, formats = set, environment = set}.
local function parse_help(text)
  local r = { groups = {}, formats = {}, environment = {} }
  local section
  for line in text:gmatch("[^\n]*") do
    local title = line:match("^(%S.*):$")
    if title then
      if title:find("^Formats") then
        section = "formats"
      elseif title == "Environment" then
        section = "environment"
      else
        section = { title = title, options = {} }
        r.groups[#r.groups + 1] = section
      end
    elseif line:find("^  %S") then
      local left = line:match("^  (.-)  ") or line:sub(3)
      if section == "formats" then
        for w in line:gmatch("%S+") do r.formats[w] = true end
      elseif section == "environment" then
        r.environment[left:match("^%S+")] = true
      elseif type(section) == "table" then
        option_names(left, section.options)
      end
    end
  end
  return r
end

-- The man page the same way: .SS groups under OPTIONS, .B names under
-- FORMATS and ENVIRONMENT.
local function parse_man(text)
  local r = { groups = {}, formats = {}, environment = {} }
  local sh, group, after_tp
  for line in text:gmatch("[^\n]*") do
    local name = line:match("^%.SH%s+(.*)$")
    if name then
      sh, group = unescape(name), nil
    elseif line:find("^%.SS") and sh == "OPTIONS" then
      group = { title = unescape(line:match("^%.SS%s+(.*)$")), options = {} }
      r.groups[#r.groups + 1] = group
    elseif line == ".TP" then
      after_tp = true
    elseif after_tp then
      after_tp = false
      local body = unescape(line:gsub("^%.B[IR]?%s*", ""))
      if sh == "OPTIONS" and group then
        option_names(body, group.options)
      elseif sh == "FORMATS" then
        r.formats[body] = true
      elseif sh == "ENVIRONMENT" then
        r.environment[body] = true
      end
    end
  end
  return r
end

describe("--help and docs/covengine.1", function()
  local code, out = h.run { "--help" }
  local help = parse_help(out)
  local f = assert(io.open("docs/covengine.1"))
  local man = parse_man(f:read("a"))
  f:close()

  it("prints the help with status 0", function()
    assert.are.equal(0, code)
    assert.truthy(out:find("^usage: covengine"))
  end)

  it("have the same option groups, in the same order", function()
    local ht, mt = {}, {}
    for _, g in ipairs(help.groups) do ht[#ht + 1] = g.title end
    for _, g in ipairs(man.groups) do mt[#mt + 1] = g.title end
    assert.is_true(#ht >= 6)
    assert.are.same(ht, mt)
  end)

  it("list the same options in each group", function()
    for i, g in ipairs(help.groups) do
      local m = man.groups[i]
      assert.are.same(sorted_keys(g.options), sorted_keys(m and m.options or {}), g.title)
    end
  end)

  it("list every report format of rules/reports, and only those", function()
    local shipped = {}
    local p = io.popen("ls rules/reports")
    for name in p:lines() do
      if name:find("%.lua$") then shipped[name:sub(1, -5)] = true end
    end
    p:close()
    assert.truthy(shipped.markdown)
    assert.are.same(sorted_keys(shipped), sorted_keys(help.formats))
    assert.are.same(sorted_keys(shipped), sorted_keys(man.formats))
  end)

  it("name the same environment variables, COVENGINE_PATH among them", function()
    assert.truthy(help.environment.COVENGINE_PATH)
    assert.are.same(sorted_keys(man.environment), sorted_keys(help.environment))
  end)

  it("found the options on both sides", function()
    local n = 0
    for _, g in ipairs(help.groups) do n = n + #sorted_keys(g.options) end
    assert.is_true(n >= 20, "only " .. n .. " options parsed from --help")
  end)
end)
