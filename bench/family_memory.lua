-- Where a rule run's memory goes, per family: runs a rule script (default
-- rules/phases.lua) once with full collections around the engine's stages
-- and prints to stderr the live Lua heap after each stage and the
-- process's peak resident size so far, each also divided by the number of
-- families. With "alloc" the collector is stopped during each stage, so
-- the growth is what the stage allocated, garbage included (the peak is
-- then not the real one). Not sandboxed (it reads /proc/self/status and
-- replaces module functions with measured ones).
--
-- usage: covengine -q [inputs] bench/family_memory.lua [-- RULES.lua [alloc]]
local cov = require "covengine"

local here = cov.rules_file:match("^(.*)/[^/]*$") or "."
local rules = cov.args[1] or (here .. "/../rules/phases.lua")
local alloc = cov.args[2] == "alloc"
package.path = (rules:match("^(.*)/[^/]*$") or ".") .. "/?.lua;" .. package.path

local facts = require "covengine.facts"
local phase = require "covengine.phase"
local report = require "covengine.report"

local function peak_kb()
  local f = io.open("/proc/self/status")
  if not f then return 0 end
  local kb = f:read("a"):match("VmHWM:%s*(%d+)")
  f:close()
  return tonumber(kb) or 0
end

local hooks = dofile(here .. "/stage_hooks.lua")
local rows, families = {}, nil

-- Records the heap after each call under `label`: it is collected before
-- and after; with `alloc` the collector stops in between and the growth is
-- what the stage allocated.
local function meter(label)
  return function(f, ...)
    collectgarbage "collect"
    local before = collectgarbage "count"
    if alloc then collectgarbage "stop" end
    local r = table.pack(f(...))
    local allocated = alloc and collectgarbage "count" - before or 0
    collectgarbage "restart"
    collectgarbage "collect"
    rows[#rows + 1] = { label, collectgarbage "count", allocated, peak_kb() }
    return r
  end
end

hooks.wrap(facts, "build", function(f, ...)
  local r = meter("facts.build")(f, ...)
  families = #r[1].list
  return r
end)
hooks.wrap(phase, "assign", meter("phases"))
hooks.wrap(report, "build", meter("report.build"))
hooks.wrap_render(report, meter("render"))

collectgarbage "collect"
rows[1] = { "loaded (start)", collectgarbage "count", 0, peak_kb() }
local text = dofile(rules)
local n = math.max(families or 0, 1)
io.stderr:write(("%s: %d families\n"):format(rules, families or 0))
io.stderr:write(("  %-15s %10s %10s %10s %9s %9s\n"):format("after", "live KB", "alloc KB",
  "peak KB", "live B/f", "alloc B/f"))
for _, r in ipairs(rows) do
  io.stderr:write(("  %-15s %10.0f %10.0f %10d %9.0f %9.0f\n"):format(r[1], r[2], r[3], r[4],
    r[2] * 1024 / n, r[3] * 1024 / n))
end
return text
