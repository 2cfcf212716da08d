-- The trend (--history) as Markdown: one row per revision, oldest first,
-- with its date, commit and subject and every series of rules/trend.lua.
local trend = require "covengine.trend"

local function cell(s)
  return (tostring(s):gsub("|", "\\|"):gsub("\n", " "))
end

return {
  needs_trend = true,
  render = function(_, ctx)
    local t = ctx.trend
    local out = { "# Coverage over time\n\n" }
    if not t.history then
      out[#out + 1] = "No history is loaded (give --tt-xla-git REPO --history): one point, "
        .. "the head.\n\n"
    else
      out[#out + 1] = ("%d revisions.\n\n"):format(#t.points)
    end
    local head = { "date", "commit", "subject" }
    for _, s in ipairs(t.series) do head[#head + 1] = s.name end
    out[#out + 1] = "| " .. table.concat(head, " | ") .. " |\n"
    out[#out + 1] = "|" .. ("---|"):rep(3) .. ("---:|"):rep(#t.series) .. "\n"
    for _, p in ipairs(t.points) do
      local row = { p.date and p.date:sub(1, 10) or "", p.short or "", cell(p.subject or "") }
      for _, s in ipairs(t.series) do row[#row + 1] = trend.display(p.values[s.name]) end
      out[#out + 1] = "| " .. table.concat(row, " | ") .. " |\n"
    end
    out[#out + 1] = "\nSeries:\n\n"
    for _, s in ipairs(t.series) do
      out[#out + 1] = ("- `%s`: %s\n"):format(s.name, s.text)
    end
    return table.concat(out)
  end,
}
