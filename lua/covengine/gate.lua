--- CI gates with coverage.py's and diff-cover's semantics: --fail-under PCT
-- judges a figure the rules define (rules/phases.lua: `figure`),
-- --fail-on-drop that figure against a base, and --fail-on-regression any
-- status regression or family lost since a base.
-- A failed gate is one line through cov.fail_gate: the report is still
-- written, then the CLI exits 1. A bad option value is a usage error
-- (cov.abort, exit 2) raised before any analysis runs.
local check = require "covengine.check"
local cov = require "covengine"

local gate = {}

--- Digits shown for a percentage (coverage.py's default precision).
gate.PRECISION = 2

local FIGURE_SPEC = { name = "string", text = "string", ratio = "function",
  needs_easydel = "boolean?" }

--- Validates a figure table from the rules: {name, text, ratio = function(summary)
-- -> covered, total}. Raises at `level` (as check.raise's: a level above the
-- caller, or the "file:line" rules.figure recorded).
function gate.check_figure(figure, level)
  level = check.up(level)
  check.fields(figure, FIGURE_SPEC, "figure", level) -- not a tail call: levels count frames
  return figure
end

--- The figure of a report summary, in percent: 100 * covered / total. With
-- nothing to cover (total 0) the figure is 100, as in coverage.py, where a
-- project with no statements is 100% covered: a gate never fails for lack
-- of input. Returns percent, covered, total.
function gate.value(figure, summary)
  local covered, total = figure.ratio(summary)
  local numbers = math.type(covered) and math.type(total) and covered == covered
    and total == total -- NaN is not equal to itself
  if not numbers or covered < 0 or covered > total then
    error(("figure '%s': ratio must return two numbers 0 <= covered <= total, got %s, %s")
      :format(figure.name, tostring(covered), tostring(total)), 0)
  end
  if total == 0 then return 100.0, covered, total end
  return 100.0 * covered / total, covered, total
end

--- A percentage as coverage.py shows it: `precision` decimals, never
-- rounded up to 100 or down to 0 unless it is exactly that.
function gate.display(pc, precision)
  precision = precision or gate.PRECISION
  local near0 = 1.0 / 10 ^ precision
  if pc > 0 and pc < near0 then
    pc = near0
  elseif pc > 100.0 - near0 and pc < 100 then
    pc = 100.0 - near0
  end
  return ("%." .. precision .. "f"):format(pc)
end

--- Whether `pc` fails --fail-under `threshold` (coverage.py's
-- should_fail_under): the figure rounded to the shown precision is below
-- the threshold; a threshold of 100 needs exactly 100.
function gate.fails_under(pc, threshold, precision)
  precision = precision or gate.PRECISION
  if threshold == 100 and pc ~= 100 then return true end
  return tonumber(("%." .. precision .. "f"):format(pc)) < threshold
end

--- The gate options from cov.options, validated: {fail_under = number or
-- nil, fail_under_text = as given, fail_on_regression = bool, fail_on_drop =
-- bool}. A value that
-- is not a percentage from 0 to 100 stops the run (exit 2).
function gate.options(options)
  local out = { fail_on_regression = options.fail_on_regression ~= nil,
    fail_on_drop = options.fail_on_drop ~= nil }
  local s = options.fail_under
  if s ~= nil then
    local n = (s:match("^%d+$") or s:match("^%d+%.%d*$") or s:match("^%.%d+$")) and tonumber(s)
    if not n or n > 100 then
      cov.abort(("--fail-under needs a percentage from 0 to 100, not '%s'"):format(s))
    end
    out.fail_under, out.fail_under_text = n, s
  end
  return out
end

--- Applies --fail-under to the head's figure: fails the gate with one line
-- naming the figure, its value and the threshold. Returns the percentage.
function gate.apply_fail_under(figure, summary, opts)
  local pc = gate.value(figure, summary)
  if opts.fail_under and gate.fails_under(pc, opts.fail_under) then
    cov.fail_gate(("%s %s%% %s is under --fail-under %s"):format(figure.name, gate.display(pc),
      figure.text, opts.fail_under_text))
  end
  return pc
end

--- Applies --fail-on-drop to a diff (covengine.diff/1 table): fails when
-- the gate figure, as shown (two decimals, so rounding noise is no drop),
-- is lower in the head than in the base, with one line giving both values
-- and their counts. Returns the drop in percentage points (0 if none).
function gate.apply_drop(d)
  local g = d.figures.gate
  local drop = tonumber(g.base_display) - tonumber(g.head_display)
  if drop > 0 then
    cov.fail_gate(("%s dropped from %s%% to %s%% (%s: %d/%d in the base, %d/%d now) "
      .. "fails --fail-on-drop"):format(g.name, g.base_display, g.head_display, g.text,
      g.base_covered, g.base_total, g.head_covered, g.head_total))
    return drop
  end
  return 0
end

--- Applies --fail-on-regression to a diff (covengine.diff/1 table): any
-- status regression (of a test, of a test on an arch, of a family's best
-- status) or any family no longer tested in a framework fails, with one line
-- counting them.
function gate.apply_regression(d)
  local s = d.summary
  local lost = 0
  for _, n in pairs(s.families_lost) do lost = lost + n end
  local status = s.tests_regressed + s.arch_regressed + s.families_regressed
  if status + lost > 0 then
    cov.fail_gate(("%d regressions since the base (tests %d, per-arch %d, family status %d, "
      .. "families lost %d) fail --fail-on-regression"):format(status + lost,
      s.tests_regressed, s.arch_regressed, s.families_regressed, lost))
  end
  return status + lost
end

return gate
