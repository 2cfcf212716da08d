-- Stage hooks for the bench scripts that run a rule file in-process
-- (rule_profile.lua, family_memory.lua): an engine function replaced by
-- the same function measured.
local hooks = {}

--- Replaces tbl[name] by the same function run through measure:
-- measure(f, ...) calls f(...) and returns table.pack of its results.
function hooks.wrap(tbl, name, measure)
  local f = tbl[name]
  tbl[name] = function(...)
    local r = measure(f, ...)
    return table.unpack(r, 1, r.n)
  end
end

--- The same for the render function of each format report.format loads
-- (once a format: formats are cached modules).
function hooks.wrap_render(report, measure)
  local format = report.format
  report.format = function(...)
    local fmt = format(...)
    if fmt and not fmt.measured then
      hooks.wrap(fmt, "render", measure)
      fmt.measured = true
    end
    return fmt
  end
end

return hooks
