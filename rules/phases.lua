-- covengine default rules: which model families the tt-xla configs test,
-- which of them EasyDeL implements, and in what order to integrate them.
--
--   covengine rules/phases.lua [--tt-xla DIR] [--easydel PATH] [--format NAME]
--
-- Edit freely: this file is policy; the engine supplies the facts. Aliases
-- are in aliases.lua, task paths in tasks.lua, report layouts in reports/.
-- A family `f` seen by the predicates below has: f.name, f.module (EasyDeL
-- module or nil), f.tested.jax / .torch / .torch_llm (per the policy),
-- f.tested_anywhere, f.tags, f.frameworks[fw] (count, status, bringup,
-- arch_status, run_modes, parallelisms, variants), f.easydel_tasks,
-- f.missing_tasks. See docs/rules.md.

local coverage = require "covengine.coverage"
local phase = require "covengine.phase"
local define = phase.define

-- What "tested in a framework" means. Every report states it.
local policy = {
  text = "a family is tested in a framework when at least one of its entries there "
    .. "has a status other than EXCLUDE_MODEL",
  tested = function(fw) return fw.count > (fw.status.EXCLUDE_MODEL or 0) end,
}

-- Judgements no predicate can make: families worth testing first.
local tags = {
  high_impact = { "gemma", "gemma2", "gemma3", "mixtral", "deepseek_v2", "deepseek_v3",
    "llava", "qwen2_vl" },
}

local function pytorch(f) return f.tested.torch or f.tested.torch_llm end

local phases = phase.list {
  define { name = "High-priority integration",
    summary = "EasyDeL implements it and the JAX config already tests it",
    when = function(f) return f.module and f.tested.jax end },
  define { name = "Medium-priority integration",
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
local figure = {
  name = "coverage",
  text = "of EasyDeL modules tested in a framework",
  ratio = function(s) return s.easydel_modules - s.easydel_untested, s.easydel_modules end,
}

return coverage.run {
  aliases = require "aliases",
  tasks = require "tasks",
  policy = policy,
  tags = tags,
  phases = phases,
  figure = figure,
  diff = require "diff",
  lints = require "lints",
}
