--- Constructors for the tables of rules/*.lua, lsyncd's way: each checks
-- its table at the call and raises there, so a mistake reads
-- "rules/x.lua:LINE: message" with no engine frame, and records the
-- caller's position (cov.where: the running code's own line, so it works
-- under --sandbox, where no source can be read). The result is the table
-- given, still a plain table; rules.where(t) is where it was made.
--
--   local R = require "covengine.rules"
--   local lints = R.lints { duplicate_id = true }
--   return lints -- not `return R.lints {...}`: a tail call hides the line
--
-- docs/rules.md lists the constructors and what each checks.
local check = require "covengine.check"
local cov = require "covengine"
local phase = require "covengine.phase"

local rules = {}

local made = setmetatable({}, { __mode = "k" })

-- kind -> function(t, level): raises at `level` (check.raise's) unless t
-- is a good table of that kind.
local validators = {}

--- "file:line" of the constructor call that made t, or nil for a table
-- written without one.
function rules.where(t) return made[t] end

-- Records where the user's call (two frames up: the constructor's caller)
-- made t, after validate(t, 3) (3: the level of that call seen from
-- validate) passed. Constructors call it, then return t: a tail call would
-- drop their frame and shift the levels.
local function construct(t, validate)
  validate(t, 3)
  made[t] = cov.where(3)
end

-- The key of t, first in sorted order, for which ok(key, value) fails
-- (so two mistakes name the same one on every run), or nil.
local function first_bad(t, ok)
  local bad
  for k, v in pairs(t) do
    if not ok(k, v) and (bad == nil or tostring(k) < tostring(bad)) then bad = k end
  end
  return bad
end

local function list_of(t, what, level, ok, kind)
  local bad = first_bad(t, function(k, v) return math.type(k) == "integer" and ok(v) end)
  if bad ~= nil then
    check.raise(("%s: item %s must be %s"):format(what, tostring(bad), kind), check.up(level))
  end
end

local function is_string(v) return type(v) == "string" end

local TASKS_SPEC = { paths = "table", kinds = "table", variant_tasks = "table?" }

--- tasks{paths = {component = TaskType}, kinds = {{TaskType, label}, ...},
-- variant_tasks = {component, ...}}: rules/tasks.lua.
validators.tasks = function(v, level)
  level = check.up(level)
  check.fields(v, TASKS_SPEC, "tasks", level)
  local bad = first_bad(v.paths, function(k, task) return is_string(k) and is_string(task) end)
  if bad ~= nil then
    check.raise(("tasks: 'paths' entry %s must map a task path component to a TaskType name")
      :format(tostring(bad)), level)
  end
  list_of(v.kinds, "tasks.kinds", level, function(x)
    return type(x) == "table" and is_string(x[1]) and is_string(x[2]) and #x == 2
  end, "a pair { TaskType, label }")
  if v.variant_tasks then
    list_of(v.variant_tasks, "tasks.variant_tasks", level, is_string, "a task path component")
  end
end

local POLICY_SPEC = { text = "string", tested = "function", runs = "table?" }

--- policy{text, tested = function(fw) -> bool, runs = {status, ...}}: what
-- "tested in a framework" means.
validators.policy = function(v, level) check.fields(v, POLICY_SPEC, "policy", check.up(level)) end

--- tags{name = {family, ...} | function(family) -> bool}: judgements no
-- predicate of the facts can make.
validators.tags = function(v, level)
  level = check.up(level)
  if type(v) ~= "table" then
    check.raise(("tags: expected a table, got %s"):format(type(v)), level)
  end
  local bad = first_bad(v, is_string)
  if bad ~= nil then
    check.raise(("tags: key %s must be a tag name (a string)"):format(tostring(bad)), level)
  end
  bad = first_bad(v, function(_, spec) return type(spec) == "table" or type(spec) == "function" end)
  if bad ~= nil then
    check.raise(("tags: '%s' must be a list of family names or a predicate, not a %s")
      :format(tostring(bad), type(v[bad])), level)
  end
  for name, spec in pairs(v) do
    if type(spec) == "table" then
      list_of(spec, "tags." .. name, level, is_string, "a family or module name")
    end
  end
end

--- lints{name = true | false | {options}}: rules/lints.lua (covengine.lint
-- names the lints and their options).
validators.lints = function(v, level) require("covengine.lint").config(v, check.up(level)) end

--- diff{ranking = {status, ...}, test_key = function(id) -> key}:
-- rules/diff.lua.
validators.diff = function(v, level)
  require("covengine.diff_rules").check_rules(v, check.up(level))
end

--- figure{name, text, ratio = function(summary) -> covered, total,
-- needs_easydel}: the gate figure.
validators.figure = function(v, level)
  require("covengine.gate").check_figure(v, check.up(level))
end

--- trend{series = {{name, text, value}, ...}}: rules/trend.lua.
validators.trend = function(v, level) require("covengine.trend").check(v, check.up(level)) end

local FRAMEWORK_SPEC = { id = "string", label = "string", group = "string" }

--- frameworks{{id, label, group}, ...}: rules/frameworks.lua, the label
-- and the group of each tt-xla framework. Ids are unique.
validators.frameworks = function(v, level)
  level = check.up(level)
  if type(v) ~= "table" or #v == 0 then
    check.raise("frameworks: expected a list of { id, label, group }", level)
  end
  list_of(v, "frameworks", level, function(x) return type(x) == "table" end, "a table")
  local seen = {}
  for i, fw in ipairs(v) do
    check.fields(fw, FRAMEWORK_SPEC, ("frameworks item %d"):format(i), level)
    if seen[fw.id] then
      check.raise(("frameworks item %d: id '%s' is also item %d"):format(i, fw.id, seen[fw.id]),
        level)
    end
    seen[fw.id] = i
  end
end

local by_id = setmetatable({}, { __mode = "k" })

-- The entry of framework `id` in a frameworks{} list, or nil.
local function framework(list, id)
  local index = by_id[list]
  if not index then
    index = {}
    for _, fw in ipairs(list) do index[fw.id] = index[fw.id] or fw end
    by_id[list] = index
  end
  return index[id]
end

--- The label reports print for framework `id` (its id when the list has
-- no entry for it).
function rules.label_of(list, id)
  local fw = framework(list, id)
  return fw and fw.label or id
end

--- The group framework `id` counts in (its id when the list has no entry
-- for it).
function rules.group_of(list, id)
  local fw = framework(list, id)
  return fw and fw.group or id
end

--- The groups of a frameworks{} list in the order they first appear:
-- {{id, label}, ...}, a group's label being that of its first framework.
function rules.groups(list)
  local out, seen = {}, {}
  for _, fw in ipairs(list) do
    if not seen[fw.group] then
      seen[fw.group] = true
      out[#out + 1] = { id = fw.group, label = fw.label }
    end
  end
  return out
end

--- Checks t as a table of `kind` (the name of its constructor) and raises
-- at `at` (check.raise's: a level above the caller or a "file:line"), for
-- tables written without a constructor. Returns t.
function rules.validate(kind, t, at)
  validators[kind](t, check.up(at))
  return t
end

for kind, validate in pairs(validators) do
  rules[kind] = function(t)
    construct(t, validate)
    return t
  end
end

--- phase{name, summary, when} and phases{start = n, phase{...}, ...}: the
-- prioritisation phases (covengine.phase.define and .list).
rules.phase = phase.define
rules.phases = phase.list

--- settings{inputs, format, output, gates, strict}: a settings file
-- (covengine.settings).
rules.settings = require "covengine.settings"

return rules
