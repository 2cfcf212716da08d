-- covengine default rules: which model families the tt-xla configs test,
-- per framework, and which of them EasyDeL implements.
--
-- Run: covengine rules/phases.lua [--tt-xla DIR] [--easydel PATH]
-- Edit freely: this file is policy, the engine only supplies the facts.

local cov = require "covengine"

-- A family counts as tested in a framework when at least one of its entries
-- there is not EXCLUDE_MODEL.
local POLICY = "a family is tested in a framework when at least one of its entries there "
  .. "has a status other than EXCLUDE_MODEL"

local function is_tested(status_counts)
  for status, n in pairs(status_counts) do
    if status ~= "EXCLUDE_MODEL" and n > 0 then return true end
  end
  return false
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

local function status_summary(counts)
  local parts = {}
  for _, name in ipairs(cov.statuses) do
    if counts[name] then parts[#parts + 1] = ("%s %d"):format(name, counts[name]) end
  end
  return table.concat(parts, ", ")
end

-- frameworks[fw][family] = {variants = set, status = counts}
local frameworks = {}
for _, g in ipairs(cov.group { "framework", "family", "variant" }) do
  local fw = frameworks[g.framework] or {}
  frameworks[g.framework] = fw
  local fam = fw[g.family] or { variants = {}, nvariants = 0, status = {} }
  fw[g.family] = fam
  local v = g.variant or "(default)"
  if not fam.variants[v] then
    fam.variants[v] = true
    fam.nvariants = fam.nvariants + 1
  end
  for status, n in pairs(g.status) do fam.status[status] = (fam.status[status] or 0) + n end
end

local modules = {}
for _, m in ipairs(cov.modules()) do modules[m.name] = m end

local out = {}
local function add(fmt, ...) out[#out + 1] = fmt:format(...) end

add("# EasyDeL model coverage\n\n")
add("Policy: %s.\n\n", POLICY)
add("## Inputs\n\n")
for _, s in ipairs(cov.sources()) do
  add("- `%s` (%s%s): %d entries\n", s.path, s.kind, s.framework and (", " .. s.framework) or "",
    s.entries)
end
add("\n")

local tested = {}
for _, fw in ipairs(sorted_keys(frameworks)) do
  local fams = frameworks[fw]
  local names = sorted_keys(fams)
  local ntested = 0
  for _, name in ipairs(names) do
    if is_tested(fams[name].status) then
      ntested = ntested + 1
      tested[name] = tested[name] or {}
      tested[name][fw] = true
    end
  end
  add("## Framework `%s`: %d families tested (%d listed)\n\n", fw, ntested, #names)
  add("| Family | Variants | Statuses | EasyDeL module |\n|---|---:|---|---|\n")
  for _, name in ipairs(names) do
    local fam = fams[name]
    add("| %s | %d | %s | %s |\n", name, fam.nvariants, status_summary(fam.status),
      modules[name] and name or "")
  end
  add("\n")
end

local both = {}
for name, fws in pairs(tested) do
  if fws.jax and (fws.torch or fws.torch_llm) then both[#both + 1] = name end
end
table.sort(both)
add("## Families tested in both JAX and PyTorch configs: %d\n\n", #both)
for _, name in ipairs(both) do add("- %s\n", name) end
add("\n")

local info = cov.easydel()
if info then
  add("## EasyDeL modules: %d\n\n", info.module_count)
  add("Source: `%s`%s.\n\n", info.source, info.revision and (", revision " .. info.revision) or "")
  for _, name in ipairs(sorted_keys(modules)) do
    local tasks = {}
    for _, r in ipairs(modules[name].registrations) do
      if r.task then tasks[#tasks + 1] = r.task end
    end
    add("- %s%s%s\n", name, tested[name] and " (tested under this name)" or "",
      #tasks > 0 and (": " .. table.concat(tasks, ", ")) or "")
  end
  add("\n")
end

local unparsed = {}
for t in cov.tests { parsed = false } do
  unparsed[#unparsed + 1] = ("- `%s` (%s:%d)\n"):format(t.id, t.file, t.line)
end
add("## Test ids that do not fit the grammar: %d\n\n", #unparsed)
add("%s", table.concat(unparsed))

return table.concat(out)
