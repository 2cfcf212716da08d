-- covengine default rules: which model families the tt-xla configs test,
-- which of them EasyDeL implements, and in what order to integrate them.
--
--   covengine rules/phases.lua [--tt-xla DIR] [--easydel PATH] [--format NAME]
--
-- Edit freely: this file is policy; the engine supplies the facts. Aliases
-- are in aliases.lua, task paths in tasks.lua, report layouts in reports/.
-- A family `f` seen by the predicates below has: f.name, f.module (EasyDeL
-- module or nil), f.tested.jax / .torch / .torch_llm (per the policy),
-- f.listed (the same, for frameworks whose entries none run),
-- f.tested_anywhere, f.tags, f.group (its tests' ModelGroup), f.frameworks[fw]
-- (count, status, reach, bringup, arch_status, run_modes, parallelisms,
-- variant_samples, sources: {EASYDEL = n, HUGGING_FACE = n, ...} from the
-- tt-forge-models loaders the tests run, implementation, listed_not_running),
-- f.easydel_tasks, f.missing_tasks. Reading a field that does not exist
-- (f.tested.pytorch) is an error at its line. See docs/rules.md.

local coverage = require "covengine.coverage"
local R = require "covengine.rules"
local define = R.phase

-- What "tested in a framework" means. Every report states it.
--
-- A family is tested in a framework only where one of its entries there
-- runs: has one of the `runs` statuses on an arch the entry is written for.
-- The engine says where and how each entry runs (docs/rules.md, "Status per
-- arch"): an entry runs on the arches of its supported_archs; an entry with
-- no status of its own whose arch_overrides give one, on those arches; any
-- other entry everywhere; on each, with the override's status or its own.
-- fw.reach[s] counts the entries that have status s on some arch they run
-- on. A family listed in a framework whose entries are all
-- NOT_SUPPORTED_SKIP or EXCLUDE_MODEL there is *listed, not running*.
local runs = { "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED" }
local policy = R.policy {
  text = "a family is tested in a framework when one of its entries there runs: has status "
    .. table.concat(runs, ", ", 1, #runs - 1) .. " or " .. runs[#runs] .. " on an arch it is "
    .. "written for (its supported_archs; for an entry without a status of its own, the arches "
    .. "its arch_overrides name; else every arch), an arch override's status replacing the "
    .. "entry's there; a family whose entries there are all NOT_SUPPORTED_SKIP or EXCLUDE_MODEL "
    .. "is listed, not running. Where no arch is named, an entry without a status of its own "
    .. "counts as the best status it has on its arches",
  runs = runs,
  tested = function(fw)
    for _, s in ipairs(runs) do
      if (fw.reach[s] or 0) > 0 then return true end
    end
    return false
  end,
}

-- Judgements no predicate can make: families worth testing first.
local tags = R.tags {
  high_impact = { "gemma", "gemma2", "gemma3", "mixtral", "deepseek_v2", "deepseek_v3",
    "llava", "qwen2_vl" },
}

local function pytorch(f) return f.tested.torch or f.tested.torch_llm end

-- JAX tests whose tt-forge-models loader says source=ModelSource.EASYDEL:
-- they run EasyDeL's implementation already (whether the policy counts them
-- as running or not; the report shows which are listed but not running).
local function on_easydel(f)
  local jax = f.frameworks.jax
  return jax ~= nil and (jax.sources.EASYDEL or 0) > 0
end

local phases = R.phases {
  start = 0,
  define { name = "On EasyDeL",
    summary = "Its JAX tests already run EasyDeL's implementation (their tt-forge-models "
      .. "loaders declare source=EASYDEL)",
    when = on_easydel, conclusion = true },
  define { name = "Switch to EasyDeL",
    summary = "EasyDeL implements it and the JAX config tests it on another implementation "
      .. "(Hugging Face Flax, custom)",
    when = function(f) return f.module and f.tested.jax end, conclusion = true },
  define { name = "Port to JAX via EasyDeL",
    summary = "EasyDeL implements it and only the PyTorch configs test it",
    when = function(f) return f.module and pytorch(f) end },
  define { name = "Expand coverage",
    summary = "EasyDeL implements it, no config tests it, and it is tagged high impact",
    when = function(f) return f.module and not f.tested_anywhere and f.tags.high_impact end },
  define { name = "Specialized models",
    summary = "EasyDeL implements it and no config tests it",
    when = function(f) return f.module and not f.tested_anywhere end },
}

-- What the diff calls a promotion or a regression is in diff.lua, the
-- config hygiene lints in lints.lua.
--
-- The figure --fail-under judges and --format total prints (in percent,
-- 100 * covered / total): EasyDeL modules some family is tested for, in at
-- least one framework. `ratio` reads the report's summary. With no EasyDeL
-- modules at all (total 0) the figure is 100%, as in coverage.py.
local figure = R.figure {
  name = "coverage",
  text = "of EasyDeL modules tested in a framework",
  ratio = function(s) return s.easydel_modules - s.easydel_untested, s.easydel_modules end,
}

-- Within each phase, families whose tests' loaders declare these ModelGroups
-- come first, in this order (the group each family shows is the first of
-- these its loaders declare).
local groups = { "RED", "PRIORITY" }

-- "Integration started, no test": EasyDeL-sourced JAX loaders that no config
-- entry names yet. `l` is a ds:loaders() entry.
local function started(l)
  if l.tested or l.model_framework ~= "jax" then return false end
  if l.source == "EASYDEL" then return true end
  for _, v in ipairs(l.variants) do
    if v.source == "EASYDEL" then return true end
  end
  return false
end

local report = coverage.run {
  aliases = require "aliases",
  tasks = require "tasks",
  policy = policy,
  tags = tags,
  phases = phases,
  figure = figure,
  diff = require "diff",
  lints = require "lints",
  groups = groups,
  started = started,
  trend = require "trend",
  frameworks = require "frameworks",
}
return report
