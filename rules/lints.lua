-- Config hygiene lints: what covengine checks in the tt-xla configs on every
-- run. Findings are warnings; with --strict they are errors (exit 2, no
-- report). Plain data, edit freely: each lint is `true` (on), `false` (off)
-- or a table of its options. docs/lints.md says what each checks and what it
-- finds on the real tt-xla snapshots.
local R = require "covengine.rules"

local lints = R.lints {
  -- The same test id in two files of one framework. The loader already warns
  -- about each; this lint makes them count under --strict.
  duplicate_id = true,

  -- An id whose parallelism or run mode is not the one its file name
  -- (test_config_<run_mode>_<parallelism>.yaml) is for.
  file_mismatch = true,

  -- A placeholder (PLACEHOLDER_MODELS: a model nobody has brought up yet)
  -- whose model name now matches a tested family or variant. Entries whose
  -- status is listed here do not count as tested, as in the policy of
  -- phases.lua.
  stale_placeholder = { not_tested = { "EXCLUDE_MODEL", "NOT_SUPPORTED_SKIP" } },

  -- arch_overrides naming an arch outside this set (a typo silently never
  -- applies). The Tenstorrent systems tt-xla runs on.
  unknown_arch = { known = { "n150", "p150", "n300", "n300-llmbox", "galaxy-wh-6u", "galaxy-bh",
    "qb2-blackhole", "lb-blackhole" } },

  -- Entries with one of these (non-passing) statuses must say why in
  -- `reason`. UNSPECIFIED (no status) is not judged here.
  missing_reason = { statuses = { "KNOWN_FAILURE_XFAIL", "NOT_SUPPORTED_SKIP", "EXCLUDE_MODEL" } },

  -- Alias rules in aliases.lua that match no loaded test.
  unused_alias = true,

  -- Alias rules in aliases.lua naming an EasyDeL module the loaded
  -- inventory does not have (a typo, or a module of another revision), with
  -- the closest module name.
  unknown_module = true,

  -- A test whose tt-forge-models loader runs EasyDeL (source=EASYDEL) while
  -- its family maps to no EasyDeL module, or, by the checkpoint it loads,
  -- to another module than its family's name does.
  loader_disagrees = true,
}
return lints
