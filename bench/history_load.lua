-- Load only (bench/history.py): every revision of --history built into
-- its dataset, no rules; prints the revisions and the tests read, then
-- each revision's commit id.
local cov = require "covengine"
local n, tests, ids = 0, 0, {}
for rev in cov.history() do
  n = n + 1
  tests = tests + rev.dataset:count()
  ids[n] = rev.commit
end
return ("%d revisions, %d tests\n%s\n"):format(n, tests, table.concat(ids, "\n"))
