-- A CI step's whole configuration, committed as ci/coverage.lua in a tt-xla
-- checkout; the step is then
--
--   covengine ci/coverage.lua
--
-- Paths are relative to this file. The command line wins over any setting
-- (`covengine --format json -o coverage.json ci/coverage.lua`).
local settings = require "covengine.settings"

settings {
  inputs = {
    tt_xla = "..",             -- the checkout this file is in
    easydel = "easydel.json",  -- EasyDeL's inventory, kept next to this file
  },
  format = "markdown",
  output = "../coverage.md",
  gates = { fail_under = 50 },
  strict = false,
}

-- The default rules do the rest: rules/phases.lua, found in $COVENGINE_PATH
-- or the installed rules (a phases.lua next to this file would win). The
-- parentheses keep require's second result, the file it loaded, out of the
-- report.
return (require "phases")
