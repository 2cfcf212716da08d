--- Settings a team always passes, given in the rule script instead of on
-- every command line (like coverage.py's [report] section):
--
--   local settings = require "covengine.settings"
--   settings { inputs = { tt_xla = "..", easydel = "easydel.json" },
--     format = "markdown", output = "../coverage.md",
--     gates = { fail_under = 60, fail_on_drop = true }, strict = true }
--
-- Each key is the command-line option of the same name ('_' for '-'), and
-- the command line wins over any of them. Relative paths are relative to
-- the script's directory, so `covengine ci/coverage.lua` works from
-- anywhere. The table is validated like every rule table: an unknown key or
-- a value of the wrong kind is an error at the user's line.
--
-- Settings must reach the engine before the inputs load: the CLI first runs
-- the script in a settings pass (cov_read_settings) that stops at this
-- call, or at the script's first look at the data when it has none; the
-- real run then finds the settings already applied and this call only
-- validates them again.
local check = require "covengine.check"
local cov = require "covengine"

local SPEC = { inputs = "table?", format = "string?", output = "string?", gates = "table?",
  strict = "boolean?" }
-- In command-line order: --framework applies to the --config files after it.
local INPUTS = { "tt_xla", "framework", "config", "easydel", "tt_forge_models", "tt_xla_git",
  "rev", "easydel_git", "easydel_rev", "base_tt_xla", "base_easydel", "base_tt_forge_models",
  "baseline" }
local INPUT_SPEC = { tt_xla = "string?", framework = "string?", config = "string|list?",
  easydel = "string?", tt_forge_models = "string?", tt_xla_git = "string?", rev = "string?",
  easydel_git = "string?", easydel_rev = "string?", base_tt_xla = "string?",
  base_easydel = "string?", base_tt_forge_models = "string?", baseline = "string?" }
local PATHS = { tt_xla = true, config = true, easydel = true, tt_forge_models = true,
  tt_xla_git = true, easydel_git = true, base_tt_xla = true, base_easydel = true,
  base_tt_forge_models = true, baseline = true }
local GATE_SPEC = { fail_under = "number|string?", fail_on_regression = "boolean?",
  fail_on_drop = "boolean?" }

-- The script's directory ("" for the current one), for relative paths.
local function base_dir()
  local file = cov.rules_file
  local dir = type(file) == "string" and file:match("^(.*)/[^/]*$")
  if dir == "" then return "/" end
  return dir
end

-- git:REPO@REV as the engine splits it: REV after the last '@' that does
-- not start "@{"; nil for any other path.
local function split_git(path)
  if path:sub(1, 4) ~= "git:" then return nil end
  local s, at = path:sub(5), nil
  for i = 1, #s do
    if s:sub(i, i) == "@" and s:sub(i + 1, i + 1) ~= "{" then at = i end
  end
  if not at then return s, "" end
  return s:sub(1, at - 1), s:sub(at)
end

local function resolve(path, dir)
  local repo, rev = split_git(path)
  if repo and repo ~= "" then return "git:" .. resolve(repo, dir) .. rev end
  if not dir or path:sub(1, 1) == "/" then return path end
  if dir == "/" then return "/" .. path end
  return dir .. "/" .. path
end

--- settings{inputs, format, output, gates, strict} -> the table, checked.
-- Hands the settings to the engine as (option name, value) pairs in
-- command-line order.
local function settings(t)
  check.fields(t, SPEC, "settings", 2)
  if t.inputs then check.fields(t.inputs, INPUT_SPEC, "settings.inputs", 2) end
  if t.gates then
    check.fields(t.gates, GATE_SPEC, "settings.gates", 2)
    local fu = t.gates.fail_under
    if fu ~= nil and not (tonumber(fu) and tonumber(fu) >= 0 and tonumber(fu) <= 100) then
      error("settings.gates: 'fail_under' must be a percentage from 0 to 100", 2)
    end
  end
  local dir = base_dir()
  local pairs_ = {}
  local function add(name, value) pairs_[#pairs_ + 1] = { name, value } end
  for _, name in ipairs(INPUTS) do
    local v = t.inputs and t.inputs[name]
    for _, item in ipairs(v ~= nil and check.list(v) or {}) do
      add(name, PATHS[name] and resolve(item, dir) or item)
    end
  end
  if t.format then add("format", t.format) end
  if t.output then add("output", resolve(t.output, dir)) end
  local g = t.gates or {}
  if g.fail_under ~= nil then add("fail_under", tostring(g.fail_under)) end
  if g.fail_on_regression then add("fail_on_regression", "true") end
  if g.fail_on_drop then add("fail_on_drop", "true") end
  if t.strict then add("strict", "true") end
  -- Errors blame the user's line; the object that ends a settings pass
  -- goes on as it is.
  local ok, err = pcall(cov.settings_given, pairs_)
  if not ok then error(err, type(err) == "string" and 2 or 0) end
  return t
end

return settings
