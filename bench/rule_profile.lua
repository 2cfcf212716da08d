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

local hooks = dofile(here .. "/stage_hooks.lua")

-- Counts the CPU time of each call under `label`; calls nested in a timed
-- call count in both.
local function timer(label)
  return function(f, ...)
    local t0 = os.clock()
    local r = table.pack(f(...))
    spent[label] = (spent[label] or 0) + os.clock() - t0
    return r
  end
end

local facts = require "covengine.facts"
local lint = require "covengine.lint"
local report = require "covengine.report"
local Set = getmetatable(require("covengine.alias").set {}).__index

hooks.wrap(facts, "build", timer("facts.build"))
hooks.wrap(Set, "resolve", timer("  alias resolve"))
hooks.wrap(Set, "suggest", timer("  did-you-mean"))
hooks.wrap(lint, "run", timer("lints"))
hooks.wrap(report, "build", timer("report.build"))
hooks.wrap_render(report, timer("render"))

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
