-- A one-line CI summary from stock lua5.4 with the covengine C module:
--   lua5.4 -e 'package.cpath="<prefix>/lib/lua/5.4/?.so;"..package.cpath' \
--     ci-summary.lua [TT_XLA_DIR [EASYDEL]]
-- Without arguments it reports on the built-in snapshot.
local cov = require "covengine"

local ttxla, easydel = ...
if ttxla then cov.load_tt_xla(ttxla) end
if easydel then cov.load_easydel(easydel) end
if not ttxla and not easydel then cov.load_snapshot() end

local rules = assert(cov.default_rules())
cov.set_option("format", "json")
local r = cov.json.decode(cov.run(rules))
local s = r.summary
local tested = s.easydel_modules - s.easydel_untested
local phase1 = 0
for _, p in ipairs(r.phases) do
  if p.number == 1 then phase1 = #p.families end
end
print(("covengine: %d tests; EasyDeL %d/%d modules tested (%.1f%%); %d tested families "
  .. "have EasyDeL, %d do not; phase 1: %d families"):format(s.tests, tested,
  s.easydel_modules, s.easydel_modules > 0 and 100 * tested / s.easydel_modules or 100,
  s.with_easydel, s.without_easydel, phase1))
