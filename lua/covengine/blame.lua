--- --blame NAME (issue 16): every revision of the history where what NAME
-- names changed. NAME is a test id, a raw or canonical family, or an
-- EasyDeL module; in each revision it selects the families whose name, raw
-- names or EasyDeL module is NAME and, for a test id, that family's tests
-- whose id is NAME or pairs with it as the diff pairs renamed ids
-- (rules/diff.lua test_key). Consecutive revisions are compared with the
-- semantic diff (covengine.diff), so "added", "removed", "renamed", a
-- status change and an arch's status change mean what they mean in
-- --format diff; an implementation change is a framework whose tests'
-- implementation (easydel, hugging_face, ...: tt-forge-models source)
-- differs, and a module event is NAME entering or leaving the EasyDeL
-- inventory.
local cov = require "covengine"
local diff = require "covengine.diff"

local blame = {}

blame.SCHEMA = "covengine.blame/1"

local null, array = cov.json.null, cov.json.array

local function is_null(v) return v == nil or v == null end

-- The part of report r that NAME selects: a report table diff.compare
-- takes, with only the matching families (and, for a test id, tests).
local function select(r, name, key)
  local families = array {}
  local any_test = false
  for _, f in ipairs(r.families) do
    for _, fe in pairs(f.frameworks) do
      for _, v in ipairs(fe.variants or {}) do
        if v.id == name or (key and key(v.id) == key(name)) then any_test = true end
      end
    end
  end
  for _, f in ipairs(r.families) do
    local hit = f.name == name or f.easydel == name
    for _, raw in ipairs(f.raw_names or {}) do hit = hit or raw == name end
    if hit or any_test then
      local copy = {}
      for k, v in pairs(f) do copy[k] = v end
      copy.frameworks = {}
      for fw, fe in pairs(f.frameworks) do
        local e = {}
        for k, v in pairs(fe) do e[k] = v end
        if not hit then
          e.variants = array {}
          for _, v in ipairs(fe.variants or {}) do
            if v.id == name or (key and key(v.id) == key(name)) then
              e.variants[#e.variants + 1] = v
            end
          end
        end
        if hit or #e.variants > 0 then copy.frameworks[fw] = e end
      end
      if hit or next(copy.frameworks) then families[#families + 1] = copy end
    end
  end
  return { families = families, summary = r.summary, policy = r.policy,
    tt_forge_models = r.tt_forge_models }
end

local sorted_keys = require("covengine.facts").sorted

local function impl_of(fe)
  return fe and not is_null(fe.implementation) and fe.implementation or nil
end

-- The events between two selections (prev nil: the first revision).
local function events(prev, cur, opts, has_module, had_module)
  local out = {}
  local function add(e) out[#out + 1] = e end
  if has_module ~= had_module and (prev or has_module) then
    add { kind = has_module and "module_added" or "module_removed", module = opts.name }
  end
  local d = diff.compare(prev or { families = {}, summary = cur.summary }, cur,
    { ranking = opts.ranking, test_key = opts.test_key, frameworks = opts.frameworks })
  for _, t in ipairs(d.tests.added) do
    add { kind = "added", framework = t.framework, id = t.id, family = t.family, to = t.status }
  end
  for _, t in ipairs(d.tests.removed) do
    add { kind = "removed", framework = t.framework, id = t.id, family = t.family,
      from = t.status }
  end
  for _, t in ipairs(d.tests.renamed) do
    add { kind = "renamed", framework = t.framework, id = t.id, base_id = t.base_id,
      family = t.family }
  end
  local status = {}
  for _, dir in ipairs { "promoted", "regressed" } do
    for _, t in ipairs(d.tests[dir]) do status[#status + 1] = t end
  end
  for _, t in ipairs(status) do
    add { kind = "status", framework = t.framework, id = t.id, family = t.family,
      from = t.from, to = t.to }
  end
  local arch = {}
  for _, dir in ipairs { "promoted", "regressed" } do
    for _, t in ipairs(d.arches[dir]) do arch[#arch + 1] = t end
  end
  for _, t in ipairs(arch) do
    add { kind = "arch_status", framework = t.framework, id = t.id, family = t.family,
      arch = t.arch, from = t.from, to = t.to }
  end
  if prev then
    local bf = {}
    for _, f in ipairs(prev.families) do bf[f.name] = f end
    for _, f in ipairs(cur.families) do
      local b = bf[f.name]
      if b then
        for _, fw in ipairs(sorted_keys(f.frameworks)) do
          local from, to = impl_of(b.frameworks[fw]), impl_of(f.frameworks[fw])
          if b.frameworks[fw] and from ~= to then
            add { kind = "implementation", framework = fw, family = f.name,
              from = from, to = to }
          end
        end
      end
    end
  end
  -- One order whatever the diff's: kind, framework, id, arch, family.
  local rank = { module_added = 1, module_removed = 2, added = 3, removed = 4, renamed = 5,
    status = 6, arch_status = 7, implementation = 8 }
  table.sort(out, function(a, b)
    if a.kind ~= b.kind then return rank[a.kind] < rank[b.kind] end
    for _, k in ipairs { "framework", "id", "arch", "family" } do
      if (a[k] or "") ~= (b[k] or "") then return (a[k] or "") < (b[k] or "") end
    end
    return false
  end)
  return out
end

--- The blame of opts.name over the history: { name, revisions (how many
-- were read), events = {{commit, short, date, subject, kind, ...}} }.
-- opts: name, cfg (the rules table coverage.analyse takes), ranking,
-- test_key, frameworks (the rules' frameworks{} list).
function blame.collect(opts)
  local coverage = require "covengine.coverage"
  local c = {}
  for k, v in pairs(opts.cfg) do c[k] = v end
  local prev, had_module
  local out = { name = opts.name, revisions = 0, events = {} }
  for rev in cov.history() do
    c.dataset = rev.dataset
    local r = coverage.analyse(c, 1, true)
    local cur = select(r, opts.name, opts.test_key)
    local has_module = false
    for _, m in ipairs(rev.dataset:modules()) do has_module = has_module or m.name == opts.name end
    for _, e in ipairs(events(prev, cur, opts, has_module, had_module)) do
      e.commit, e.short, e.date, e.subject = rev.commit, rev.short, rev.date, rev.subject
      out.events[#out.events + 1] = e
    end
    out.revisions = out.revisions + 1
    prev, had_module = cur, has_module
  end
  opts.cfg.aliases:bind(cov.head:modules())
  return out
end

local function describe(e)
  local what = e.id and ("%s `%s`"):format(e.framework, e.id) or e.family and
    ("%s %s"):format(e.family, e.framework or "") or e.module
  if e.kind == "added" then return ("added %s (%s)"):format(what, e.to) end
  if e.kind == "removed" then return ("removed %s (was %s)"):format(what, e.from) end
  if e.kind == "renamed" then
    return ("renamed %s `%s` to `%s`"):format(e.framework, e.base_id, e.id)
  end
  if e.kind == "status" then return ("status of %s: %s -> %s"):format(what, e.from, e.to) end
  if e.kind == "arch_status" then
    return ("status of %s on %s: %s -> %s"):format(what, e.arch, e.from, e.to)
  end
  if e.kind == "implementation" then
    return ("implementation of %s in %s: %s -> %s"):format(e.family, e.framework,
      e.from or "none", e.to or "none")
  end
  if e.kind == "module_added" then return ("EasyDeL module %s appears"):format(e.module) end
  return ("EasyDeL module %s disappears"):format(e.module)
end

--- Markdown: one section per revision with events.
function blame.markdown(b)
  local out = { ("# Blame: %s\n\n"):format(b.name) }
  local n, last = 0, nil
  for _, e in ipairs(b.events) do
    if e.commit ~= last then n = n + 1 end
    last = e.commit
  end
  out[#out + 1] = ("%d event%s in %d of %d revisions.\n"):format(#b.events,
    #b.events == 1 and "" or "s", n, b.revisions)
  last = nil
  for _, e in ipairs(b.events) do
    if e.commit ~= last then
      out[#out + 1] = ("\n## %s %s %s\n\n"):format(e.date:sub(1, 10), e.short, e.subject)
      last = e.commit
    end
    out[#out + 1] = "- " .. describe(e) .. "\n"
  end
  if #b.events == 0 then
    out[#out + 1] = "\nNo revision has a test, family or EasyDeL module of that name.\n"
  end
  return table.concat(out)
end

--- JSON (covengine.blame/1).
function blame.json(b)
  local list = array {}
  for _, e in ipairs(b.events) do
    list[#list + 1] = { commit = e.commit, date = e.date, subject = e.subject,
      kind = e.kind, framework = e.framework or null, id = e.id or null,
      base_id = e.base_id or null, family = e.family or null, module = e.module or null,
      arch = e.arch or null, from = e.from or null, to = e.to or null }
  end
  return cov.json.encode({ schema = blame.SCHEMA, version = cov.version, name = b.name,
    revisions = b.revisions, events = list }, { indent = true }) .. "\n"
end

return blame
