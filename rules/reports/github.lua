-- The lints and load warnings as GitHub Actions workflow commands, one
-- annotation a line: `::warning file=F,line=L,col=C,title=covengine RULE::message`
-- (`::error` for --strict lints; the run then fails, exit 1, after writing
-- them). Print them to the job's log (stdout, the default) to annotate the
-- files. Paths are as covengine read them: run it from the checkout root.
local function data(s)
  return (s:gsub("%%", "%%25"):gsub("\r", "%%0D"):gsub("\n", "%%0A"))
end

local function property(s)
  return (data(s):gsub(":", "%%3A"):gsub(",", "%%2C"))
end

return {
  needs_findings = true,
  render = function(_, ctx)
    local out = {}
    for _, f in ipairs(ctx.findings) do
      local props = {}
      if f.file then
        props[#props + 1] = "file=" .. property((f.file:gsub("^%./", "")))
        if f.line > 0 then props[#props + 1] = "line=" .. f.line end
        if f.column > 0 then props[#props + 1] = "col=" .. f.column end
      end
      props[#props + 1] = "title=" .. property("covengine " .. f.rule)
      out[#out + 1] = ("::%s %s::%s\n"):format(f.level, table.concat(props, ","), data(f.message))
    end
    return table.concat(out)
  end,
}
