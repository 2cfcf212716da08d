-- Load only (bench/history.py): every revision of --history built into
-- its dataset, no rules; prints the revisions and the tests read.
local cov = require "covengine"
local n, tests = 0, 0
for rev in cov.history() do
  n = n + 1
  tests = tests + rev.dataset:count()
end
return ("%d revisions, %d tests\n"):format(n, tests)
