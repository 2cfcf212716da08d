-- What the semantic diff (--format diff, --format diff-json,
-- --fail-on-regression) calls better and worse. Edit freely.
local R = require "covengine.rules"

local diff = R.diff {
  -- Statuses from best to worst. A test (or a test on one arch, or a
  -- family's best status in a framework) moving up this list is a
  -- promotion, moving down a regression. A test that is expected to pass
  -- beats a known failure; a known failure (tracked, with a reason) beats
  -- UNSPECIFIED (the test runs, but nobody has said what to expect); all of
  -- those beat a test that is skipped as unsupported, and excluding the
  -- model is the worst: nothing of it runs.
  ranking = { "EXPECTED_PASSING", "KNOWN_FAILURE_XFAIL", "UNSPECIFIED", "NOT_SUPPORTED_SKIP",
    "EXCLUDE_MODEL" },

  -- Which ids name the same test in two revisions. Ids equal within a
  -- framework always do; a test left over on each side pairs with one of
  -- the other side when this key is equal and names no other leftover test
  -- there. tt-xla renamed its ids between 2025 and 2026: the execution mode
  -- "-full" went ("...-single_device-full-inference" became
  -- "...-single_device-inference") and variants changed case and
  -- punctuation ("base-v2" became "Base_v2"). Remove the key to pair exact
  -- ids only.
  test_key = function(id)
    id = id:gsub("%-full%-(%a+)$", "-%1")
    return (id:lower():gsub("[%-%.]", "_"))
  end,
}
return diff
