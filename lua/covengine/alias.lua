--- Family aliasing: which canonical family and EasyDeL module a raw tt-xla
-- family (optionally narrowed by task path and variant) stands for.
--
-- Rules are plain tables made with `alias.rule{...}` so each one knows the
-- line it was written on; `alias.set{...}` collects them with the adapter
-- suffixes and, optionally, a custom name normalisation. Resolution order
-- for one (family, task path, variant):
--   1. the most specific matching rule for the raw family;
--   2. the same for the family without an adapter suffix (gemma_lora: gemma);
--   3. the normalised name equal to a normalised EasyDeL module name or
--      model_type (qwen_3 -> qwen3, mpt -> mosaic_mpt);
--   4. otherwise unmatched, with "did you mean" suggestions, never applied.
-- Specificity: a checkpoint narrowing (exact over pattern) beats all else,
-- since it names what a test really loads; then an exact family beats a
-- family pattern; then a variant narrowing (exact over pattern), then a
-- task narrowing; then the longer pattern; then the earlier rule. No prefix
-- matching: gpt_neo is not gpt_neox. Checkpoints (Hugging Face repo ids, from
-- the tt-forge-models loaders) match case-insensitively, and a rule on
-- checkpoints may name no family: it then applies to any family, and to
-- PLACEHOLDER_MODELS names too.
--
-- Names are matched in their normalised form (alias.normalize: lower case,
-- '-', '.' and spaces as '_', no '_' between a letter and a digit), rule
-- values and patterns alike, so that tt-xla's respellings of one model
-- ("tiiuae/Falcon3-1B-Base", "3_1B_Base") match the same rule. A variant is
-- also matched without what precedes its last '/' (an organisation) and
-- without a leading copy of the family's name: falcon's "Falcon3-1B-Base"
-- reads as "falcon3_1b_base" and as "3_1b_base".
local check = require "covengine.check"
local cov = require "covengine"

local alias = {}

local RULE_SPEC = {
  family = "string|list?", family_pattern = "patterns?",
  task = "string|list?", task_pattern = "patterns?",
  variant = "string|list?", variant_pattern = "patterns?",
  checkpoint = "string|list?", checkpoint_pattern = "patterns?",
  canonical = "string?", module = "string|false?", reason = "string",
}

-- A pattern that matches case-insensitively on a lower-cased subject: its
-- letters lower-cased, except the class letter after a '%' (%S stays %S).
local function lower_pattern(p)
  return (p:gsub("(%%?)(.)", function(esc, c)
    if esc == "%" then return esc .. c end
    return c:lower()
  end))
end

local function lower_list(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v:lower() end
  return out
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- A pattern with an upper-case letter (outside a %X class) never matches a
-- normalised name.
local function lower_patterns(t)
  for _, key in ipairs { "family_pattern", "task_pattern", "variant_pattern" } do
    for _, p in ipairs(check.list(t[key])) do
      if p:gsub("%%.", ""):find("%u") then
        error(("alias rule: %s '%s' has upper-case letters; names are matched in their "
          .. "normalised form (lower case, '-' and '.' as '_'; see docs/rules.md): write '%s'")
          :format(key, p, (p:gsub("%%?.", function(c) return #c == 1 and c:lower() or c end))), 3)
      end
    end
  end
end

--- alias.rule{family|family_pattern, [task|task_pattern], [variant|variant_pattern],
--  [checkpoint|checkpoint_pattern], module = "name"|false, [canonical], reason} -> rule
function alias.rule(t)
  check.fields(t, RULE_SPEC, "alias rule", 2)
  lower_patterns(t)
  local on_checkpoint = t.checkpoint ~= nil or t.checkpoint_pattern ~= nil
  if t.family ~= nil and t.family_pattern ~= nil then
    error("alias rule: give exactly one of 'family' and 'family_pattern'", 2)
  end
  if t.family == nil and t.family_pattern == nil and not on_checkpoint then
    error("alias rule: give exactly one of 'family' and 'family_pattern' (or narrow by "
      .. "'checkpoint' or 'checkpoint_pattern' alone)", 2)
  end
  if t.checkpoint and t.checkpoint_pattern then
    error("alias rule: give at most one of 'checkpoint' and 'checkpoint_pattern'", 2)
  end
  if t.task and t.task_pattern then
    error("alias rule: give at most one of 'task' and 'task_pattern'", 2)
  end
  if t.variant and t.variant_pattern then
    error("alias rule: give at most one of 'variant' and 'variant_pattern'", 2)
  end
  if t.module == nil and t.canonical == nil then
    error("alias rule: give 'module' (a module name, or false for none) or 'canonical'", 2)
  end
  if t.reason == "" or t.reason:find("\n") then
    error("alias rule: 'reason' must be one non-empty line", 2)
  end
  local r = {
    where = cov.where(2) or "?",
    families = t.family and set_of(check.list(t.family)),
    family_pattern = t.family_pattern and check.list(t.family_pattern),
    tasks = t.task and set_of(check.list(t.task)),
    task_pattern = t.task_pattern and check.list(t.task_pattern),
    variants = t.variant and set_of(check.list(t.variant)),
    variant_pattern = t.variant_pattern and check.list(t.variant_pattern),
    checkpoints = t.checkpoint and set_of(lower_list(check.list(t.checkpoint))),
    checkpoint_pattern = t.checkpoint_pattern
      and lower_list(check.list(t.checkpoint_pattern)),
    module = t.module,
    canonical = t.canonical,
    reason = t.reason,
    hits = 0,
    spec = t,
  }
  if r.checkpoint_pattern then
    for i, p in ipairs(r.checkpoint_pattern) do r.checkpoint_pattern[i] = lower_pattern(p) end
  end
  r.any_family = not r.families and not r.family_pattern
  r.rank = {
    r.checkpoints and 2 or r.checkpoint_pattern and 1 or 0,
    r.families and 1 or 0,
    r.variants and 2 or r.variant_pattern and 1 or 0,
    r.tasks and 2 or r.task_pattern and 1 or 0,
    r.family_pattern and #table.concat(r.family_pattern) or 0,
  }
  return r
end

--- The default normalisation: lower case, '-', '.' and spaces to '_', and
-- no '_' between a letter and a digit (qwen_2_5 -> qwen2_5, grok-1 -> grok1).
function alias.normalize(name)
  name = name:lower():gsub("[%-%.%s]", "_")
  return (name:gsub("(%a)_(%d)", "%1%2"))
end

-- Whether s matches any of the patterns.
local function any_find(s, patterns)
  for _, p in ipairs(patterns) do
    if s:find(p) then return true end
  end
  return false
end

-- task: the normalised task path; variant: {full, stripped} forms or nil;
-- checkpoint: already lower case (Set:best lowers it once).
local function narrowed_ok(r, task, variant, checkpoint)
  if r.checkpoints or r.checkpoint_pattern then
    local ck = checkpoint
    if not ck then return false end
    if r.checkpoints and not r.checkpoints[ck] then return false end
    if r.checkpoint_pattern and not any_find(ck, r.checkpoint_pattern) then return false end
  end
  if r.tasks and not (task and r.tasks_n[task]) then return false end
  if r.task_pattern and not (task and any_find(task, r.task_pattern)) then return false end
  if r.variants and not (variant and (r.variants_n[variant[1]]
    or (variant[2] and r.variants_n[variant[2]]))) then
    return false
  end
  if r.variant_pattern and not (variant and (any_find(variant[1], r.variant_pattern)
    or (variant[2] and any_find(variant[2], r.variant_pattern)))) then
    return false
  end
  return true
end

local function more_specific(a, b)
  for i = 1, #a.rank do
    if a.rank[i] ~= b.rank[i] then return a.rank[i] > b.rank[i] end
  end
  return a.index < b.index
end

local Set = {}
Set.__index = Set

local SET_SPEC = { adapters = "string|list?", normalize = "function?" }

--- alias.set{[adapters = {...}], [normalize = function], rule, rule, ...} -> set
function alias.set(t)
  local top = {}
  for k, v in pairs(t) do
    if math.type(k) ~= "integer" then top[k] = v end
  end
  check.fields(top, SET_SPEC, "alias set", 2)
  -- Normalising is two gsubs a name, and the same family, task path and
  -- variant names come back for every group, lint and suggestion: each
  -- distinct name is normalised once per set (normalisations are pure).
  local normalize, normalised_of = t.normalize or alias.normalize, {}
  local s = setmetatable({
    rules = {}, exact = {}, patterns = {}, any = {},
    adapters = check.list(t.adapters),
    normalize = function(name)
      local n = normalised_of[name]
      if n == nil then
        n = normalize(name)
        if name ~= nil then normalised_of[name] = n end
      end
      return n
    end,
    pattern_rules = {}, -- normalised family -> the pattern rules its name matches
    where = cov.where(2) or "?",
  }, Set)
  for i, r in ipairs(t) do
    if type(r) ~= "table" or not r.rank then
      error(("alias set: item %d is not an alias.rule{...}"):format(i), 2)
    end
    r.index = i
    s.rules[#s.rules + 1] = r
    -- Rule values in the form names are matched in.
    local function normalised(set)
      if not set then return nil end
      local out = {}
      for name in pairs(set) do out[s.normalize(name)] = true end
      return out
    end
    r.tasks_n, r.variants_n = normalised(r.tasks), normalised(r.variants)
    if r.families then
      for _, name in ipairs(check.list(r.spec.family)) do
        local key = s.normalize(name)
        s.exact[key] = s.exact[key] or {}
        table.insert(s.exact[key], r)
      end
    elseif r.any_family then
      s.any[#s.any + 1] = r
    else
      s.patterns[#s.patterns + 1] = r
    end
  end
  return s
end

--- A variant's forms for matching: {normalised, normalised without a
-- leading copy of the family's normalised name} (the second may be nil).
-- What precedes the variant's last '/' (an organisation) is left out.
function Set:variant_forms(family, variant)
  if not variant then return nil end
  local full = self.normalize((variant:match("([^/]*)$")))
  local fam = self.normalize(family)
  local stripped
  if #full > #fam and full:sub(1, #fam) == fam and full:find("^[_%d]", #fam + 1) then
    stripped = full:sub(#fam + 1):gsub("^_", "")
  end
  return { full, stripped }
end

local NONE = {} -- memo value: no rule applies

--- The most specific rule for raw family name (nil if none). A set's rules
-- do not change once made, so each distinct question is answered once (a
-- tree's loaders, lints and reports ask about the same groups again).
function Set:best(name, task, variant, checkpoint)
  local memo_key = table.concat({ name, task or "\1", variant or "\1", checkpoint or "\1" }, "\0")
  local memo = self.best_memo
  if not memo then
    memo = {}
    self.best_memo = memo
  end
  local hit = memo[memo_key]
  if hit then return hit ~= NONE and hit or nil end
  local r = self:best_uncached(name, task, variant, checkpoint)
  memo[memo_key] = r or NONE
  return r
end

function Set:best_uncached(name, task, variant, checkpoint)
  checkpoint = checkpoint and checkpoint:lower()
  local key = self.normalize(name)
  local t = task and self.normalize(task)
  local v = self:variant_forms(name, variant)
  local best
  for _, r in ipairs(self.exact[key] or {}) do
    if narrowed_ok(r, t, v, checkpoint) and (not best or more_specific(r, best)) then
      best = r
    end
  end
  local patterned = self.pattern_rules[key]
  if not patterned then
    patterned = NONE -- most names match no pattern: one shared empty list
    for _, r in ipairs(self.patterns) do
      if any_find(key, r.family_pattern) then
        if patterned == NONE then patterned = {} end
        patterned[#patterned + 1] = r
      end
    end
    self.pattern_rules[key] = patterned
  end
  for _, r in ipairs(patterned) do
    if narrowed_ok(r, t, v, checkpoint) and (not best or more_specific(r, best)) then
      best = r
    end
  end
  if checkpoint then
    for _, r in ipairs(self.any) do
      if narrowed_ok(r, t, v, checkpoint) and (not best or more_specific(r, best)) then
        best = r
      end
    end
  end
  return best
end

--- Whether some rule narrows by checkpoint (then facts resolve each
-- checkpoint of a family on its own).
function Set:uses_checkpoints()
  for _, r in ipairs(self.rules) do
    if r.checkpoints or r.checkpoint_pattern then return true end
  end
  return false
end

--- Whether resolving raw may depend on the variant: some rule that could
-- apply to it (or to it without an adapter suffix) is narrowed by variant.
-- Families for which this is false are resolved once per task path.
function Set:variant_sensitive(raw)
  local cached = self.sensitive_cache and self.sensitive_cache[raw]
  if cached ~= nil then return cached end
  local names = { raw }
  local base = self:strip_adapter(raw)
  if base ~= raw then names[2] = base end
  local found = false
  for _, name in ipairs(names) do
    local key = self.normalize(name)
    for _, r in ipairs(self.exact[key] or {}) do
      found = found or r.variants ~= nil or r.variant_pattern ~= nil
    end
    for _, r in ipairs(self.patterns) do
      if (r.variants or r.variant_pattern) and any_find(key, r.family_pattern) then found = true end
    end
  end
  self.sensitive_cache = self.sensitive_cache or {}
  self.sensitive_cache[raw] = found
  return found
end

--- Binds the set to an EasyDeL inventory (cov.modules()) before resolving.
function Set:bind(modules)
  -- Resolutions depend on the rules and on the inventory only: a set bound
  -- again to the same inventory (each revision of a history) keeps them.
  local sig = {}
  for _, m in ipairs(modules) do
    sig[#sig + 1] = m.name
    for _, reg in ipairs(m.registrations) do sig[#sig + 1] = reg.model_type or "" end
    sig[#sig + 1] = "\0"
  end
  sig = table.concat(sig, "\1")
  if sig ~= self.bound_sig then self.memo, self.suggested, self.bound_sig = {}, {}, sig end
  self.by_name, self.module_names, self.suggest_idx = {}, {}, nil
  for _, m in ipairs(modules) do
    self.module_names[m.name] = m
    local key = self.normalize(m.name)
    self.by_name[key] = self.by_name[key] or { module = m.name, via = "module directory" }
    for _, reg in ipairs(m.registrations) do
      if reg.model_type then
        key = self.normalize(reg.model_type)
        self.by_name[key] = self.by_name[key]
          or { module = m.name, via = ("model_type '%s'"):format(reg.model_type) }
      end
    end
  end
  return self
end

--- Strips a known adapter suffix: "gemma_lora" -> "gemma", "_lora".
function Set:strip_adapter(name)
  for _, suffix in ipairs(self.adapters) do
    if #name > #suffix and name:sub(-#suffix) == suffix then
      return name:sub(1, -#suffix - 1), suffix
    end
  end
  return name, nil
end

local function from_rule(self, r, name, adapter)
  local m = {
    rule = r, where = r.where, reason = r.reason, adapter = adapter, how = "rule",
    module = r.module or nil, no_module = r.module == false,
  }
  m.canonical = r.canonical or r.module or name
  if r.module == nil then
    -- The rule only names the family; its name may still find a module.
    local hit = self.by_name[self.normalize(m.canonical)]
    m.module = hit and hit.module
  end
  if m.module and not self.module_names[m.module] then
    m.missing_module = m.module -- the rule names a module this inventory lacks
    m.module = nil
  end
  return m
end

--- Resolves one raw family (with its task path, variant and checkpoint,
-- any of which may be nil) to {canonical, module, no_module, rule, where,
-- reason, how, adapter}. Counts a hit on the rule used (weight: number of
-- tests, default 1).
function Set:resolve(raw, task, variant, weight, checkpoint)
  assert(self.by_name, "alias set: call :bind(modules) before :resolve()")
  local r = self:best(raw, task, variant, checkpoint)
  local base, adapter = raw, nil
  if not r then
    base, adapter = self:strip_adapter(raw)
    if adapter then r = self:best(base, task, variant, checkpoint) end
  end
  if r then
    r.hits = r.hits + (weight or 1)
    return from_rule(self, r, base, adapter)
  end
  local key = self.normalize(base)
  local hit = self.by_name[key]
  if hit then
    return {
      canonical = hit.module, module = hit.module, how = "name", adapter = adapter,
      reason = ("'%s' normalises to '%s', EasyDeL's %s"):format(base, key, hit.via),
    }
  end
  return { canonical = base, how = "unmatched", adapter = adapter,
    reason = ("no alias rule and no EasyDeL name matches '%s'"):format(key) }
end

-- The shorter names a name "extends": its prefixes ending before a '_' or a
-- digit (exaone3_5 -> exaone) and its suffixes after a '_' (xlm_roberta ->
-- roberta), at least 3 characters long.
local function shorter_forms(name)
  local forms = {}
  for i = 3, #name - 1 do
    if name:find("^[_%d]", i + 1) then forms[#forms + 1] = name:sub(1, i) end
  end
  for i = 1, #name - 3 do
    if name:byte(i) == 95 then forms[#forms + 1] = name:sub(i + 1) end -- '_'
  end
  return forms
end

-- Lookup tables for suggest, built once per inventory: names by length, and
-- the shorter forms of each name.
local function suggest_index(self)
  local idx = { by_len = {}, extended_by = {} }
  for name, hit in pairs(self.by_name) do
    local bucket = idx.by_len[#name]
    if not bucket then
      bucket = {}
      idx.by_len[#name] = bucket
    end
    bucket[#bucket + 1] = name
    for _, form in ipairs(shorter_forms(name)) do
      local list = idx.extended_by[form]
      if not list then
        list = {}
        idx.extended_by[form] = list
      end
      list[#list + 1] = hit.module
    end
  end
  return idx
end

--- EasyDeL modules whose (normalised) name or model_type is close to raw:
-- within a small edit distance, or one extends the other at a '_' or a
-- digit (exaone_3_5 ~ exaone, roberta_prelayernorm ~ roberta), or one ends
-- with the other after a '_' (xlm_roberta ~ roberta). Sorted.
function Set:suggest(raw)
  local memo = self.suggested and self.suggested[raw]
  if memo then
    local copy = {}
    for i, m in ipairs(memo) do copy[i] = m end
    return copy
  end
  local key = self.normalize((self:strip_adapter(raw)))
  local limit = #key >= 8 and 2 or 1
  self.suggest_idx = self.suggest_idx or suggest_index(self)
  local idx, found = self.suggest_idx, {}
  for _, form in ipairs(shorter_forms(key)) do -- key extends an EasyDeL name
    local hit = self.by_name[form]
    if hit then found[hit.module] = true end
  end
  for _, module in ipairs(idx.extended_by[key] or {}) do found[module] = true end
  for len = #key - limit, #key + limit do
    for _, name in ipairs(idx.by_len[len] or {}) do
      local module = self.by_name[name].module
      if not found[module] and cov.distance(key, name, limit) <= limit then found[module] = true end
    end
  end
  local list = {}
  for m in pairs(found) do list[#list + 1] = m end
  table.sort(list)
  if self.suggested then
    local copy = {}
    for i, m in ipairs(list) do copy[i] = m end
    self.suggested[raw] = copy
  end
  return list
end

--- Rules that matched nothing since the set was made.
function Set:unused()
  local list = {}
  for _, r in ipairs(self.rules) do
    if r.hits == 0 then list[#list + 1] = r end
  end
  return list
end

--- A one-line description of what a rule matches, for messages.
function alias.describe(r)
  local s = r.spec
  local function pats(v) return "'" .. table.concat(check.list(v), "' or '") .. "'" end
  local parts = { s.family and ("family " .. table.concat(check.list(s.family), "|"))
    or s.family_pattern and ("family pattern " .. pats(s.family_pattern)) or nil }
  if s.task then parts[#parts + 1] = "task " .. table.concat(check.list(s.task), "|") end
  if s.task_pattern then parts[#parts + 1] = "task pattern " .. pats(s.task_pattern) end
  if s.variant then parts[#parts + 1] = "variant " .. table.concat(check.list(s.variant), "|") end
  if s.variant_pattern then parts[#parts + 1] = "variant pattern " .. pats(s.variant_pattern) end
  if s.checkpoint then
    parts[#parts + 1] = "checkpoint " .. table.concat(check.list(s.checkpoint), "|")
  end
  if s.checkpoint_pattern then
    parts[#parts + 1] = "checkpoint pattern " .. pats(s.checkpoint_pattern)
  end
  return table.concat(parts, ", ")
end

return alias
