-- The gate figure alone (rules/phases.lua: `figure`), two decimals and a
-- newline, like coverage.py's --format=total: "54.79". For CI scripts; with
-- --fail-under the exit status says whether it passed.
return {
  needs_figure = true,
  render = function(_, ctx) return ctx.figure.display .. "\n" end,
}
