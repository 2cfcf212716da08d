--- Prioritisation phases: named, ordered, each with a predicate over family
-- facts. A family goes to the first phase whose `when` holds, and remembers
-- which rule (file:line) put it there.
local check = require "covengine.check"
local cov = require "covengine"

local phase = {}

local SPEC = { name = "string", summary = "string", when = "function", conclusion = "boolean?" }

--- phase.define{name, summary, when = function(family) -> bool, conclusion}
-- -> phase. With conclusion = true the Markdown report's conclusion names
-- the phase's families among those that can use EasyDeL today.
function phase.define(t)
  check.fields(t, SPEC, "phase", 2)
  return { name = t.name, summary = t.summary, when = t.when, conclusion = t.conclusion == true,
    where = cov.where(2) or "?" }
end

--- Checks a list of phases (from phase.define), numbering them from
-- `start` (default 1): phase.list{start = 0, define{...}, ...}.
function phase.list(t)
  if type(t) ~= "table" or #t == 0 then error("phases: expected a list of phase.define{...}", 2) end
  for k, v in pairs(t) do
    if math.type(k) ~= "integer" and k ~= "start" then
      error(("phases: unknown key '%s' (known: start)"):format(tostring(k)), 2)
    end
    if k == "start" and math.type(v) ~= "integer" then
      error("phases: 'start' must be an integer", 2)
    end
  end
  local start = t.start or 1
  for i, p in ipairs(t) do
    if type(p) ~= "table" or not p.when or not p.where then
      error(("phases: item %d is not a phase.define{...}"):format(i), 2)
    end
    p.number = start + i - 1
  end
  return t
end

local function identity(f) return f end

--- Tags: name -> list of canonical family names, or a predicate. Sets
-- family.tags[name] = true where it applies. view(f) (optional) is what a
-- predicate is given (covengine.facts.viewer: unknown fields are errors).
-- Returns the names of listed families that match no family or module.
function phase.tag(families, tags, view)
  view = view or identity
  local unknown = {}
  local names = {}
  for name in pairs(tags or {}) do names[#names + 1] = name end
  table.sort(names) -- predicates run in one order on every run
  for _, name in ipairs(names) do
    local spec = tags[name]
    if type(spec) == "function" then
      for _, f in ipairs(families) do
        if spec(view(f)) then f.tags[name] = true end
      end
    else
      local wanted, seen = {}, {}
      for _, n in ipairs(spec) do wanted[n] = true end
      for _, f in ipairs(families) do
        if wanted[f.name] or (f.module and wanted[f.module]) then
          f.tags[name] = true
          seen[f.name] = true
          if f.module then seen[f.module] = true end
        end
      end
      for _, n in ipairs(spec) do
        if not seen[n] then unknown[#unknown + 1] = { tag = name, family = n } end
      end
    end
  end
  return unknown
end

--- Puts each family in its first matching phase: family.phase =
-- {number, name, summary, rule}. Returns per phase the list of families:
-- by name, or, given groups (ModelGroup names, most important first),
-- families whose f.group is one of them first, in that order. view(f)
-- (optional) is what the predicates are given.
function phase.assign(families, phases, groups, view)
  view = view or identity
  local members = {}
  for i = 1, #phases do members[i] = {} end
  for _, f in ipairs(families) do
    f.phase = nil
    local v = view(f)
    for i, p in ipairs(phases) do
      if p.when(v) then
        f.phase = { number = p.number or i, name = p.name, summary = p.summary, rule = p.where }
        table.insert(members[i], f)
        break
      end
    end
  end
  if groups then
    local rank = {}
    for i, g in ipairs(groups) do rank[g] = rank[g] or i end
    local last = #groups + 1
    for _, list in ipairs(members) do
      table.sort(list, function(a, b)
        local ra, rb = rank[a.group] or last, rank[b.group] or last
        if ra ~= rb then return ra < rb end
        return a.name < b.name
      end)
    end
  end
  return members
end

return phase
