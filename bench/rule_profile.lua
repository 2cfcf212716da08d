-- Where a rule run's time goes: runs a rule script (default rules/phases.lua)
-- several times in one process with CPU-time counters around the engine's
-- stages, and prints each stage's median to stderr. Not sandboxed (it
-- replaces module functions with timed ones).
--
-- usage: covengine -q [inputs] bench/rule_profile.lua [-- RULES.lua [RUNS]]
local cov = require "covengine"

local here = cov.rules_file:match("^(.*)/[^/]*$") or "."
local rules = cov.args[1] or (here .. "/../rules/phases.lua")
local runs = tonumber(cov.args[2]) or 7
package.path = (rules:match("^(.*)/[^/]*$") or ".") .. "/?.lua;" .. package.path

local spent = {}
local ORDER = { "facts.build", "  alias resolve", "  did-you-mean", "lints",
  "report.build", "render", "whole rule run" }

-- Replaces tbl[name] by the same function counting its CPU time under
-- `label`; calls nested in a timed call count in both.
local function time(tbl, name, label)
  local f = tbl[name]
  tbl[name] = function(...)
    local t0 = os.clock()
    local r = table.pack(f(...))
    spent[label] = (spent[label] or 0) + os.clock() - t0
    return table.unpack(r, 1, r.n)
  end
end

local facts = require "covengine.facts"
local lint = require "covengine.lint"
local report = require "covengine.report"
local Set = getmetatable(require("covengine.alias").set {}).__index

time(facts, "build", "facts.build")
time(Set, "resolve", "  alias resolve")
time(Set, "suggest", "  did-you-mean")
time(lint, "run", "lints")
time(report, "build", "report.build")
local format = report.format
report.format = function(...)
  local fmt = format(...)
  if fmt and not fmt.timed then
    time(fmt, "render", "render")
    fmt.timed = true
  end
  return fmt
end

local samples = {}
local text
for _ = 1, runs do
  spent = {}
  collectgarbage "collect"
  local t0 = os.clock()
  text = dofile(rules)
  spent["whole rule run"] = os.clock() - t0
  for label, s in pairs(spent) do
    samples[label] = samples[label] or {}
    table.insert(samples[label], s)
  end
end

local function median(list)
  table.sort(list)
  return list[(#list + 1) // 2]
end

io.stderr:write(("%s, median of %d runs (CPU ms):\n"):format(rules, runs))
for _, label in ipairs(ORDER) do
  if samples[label] then
    io.stderr:write(("  %-18s %7.2f\n"):format(label, 1000 * median(samples[label])))
  end
end
return text
