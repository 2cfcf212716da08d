-- One CSV row per canonical family and framework (RFC 4180 quoting), for
-- spreadsheets. Families no config lists (EasyDeL only) get one row with an
-- empty framework; "suggestions" holds the close EasyDeL names of families
-- no alias rule or name maps.
local cov = require "covengine"

local function field(v)
  if v == nil or v == cov.json.null then return "" end
  v = tostring(v)
  if v:find('[,"\r\n]') then v = '"' .. v:gsub('"', '""') .. '"' end
  return v
end

-- values may contain nils: n is the column count.
local function row(values, n)
  local out = {}
  for i = 1, n do out[i] = field(values[i]) end
  return table.concat(out, ",") .. "\r\n"
end

return {
  render = function(r)
    local head = { "family", "framework", "tested", "tests", "variants" }
    for _, s in ipairs(cov.statuses) do head[#head + 1] = s:lower() end
    local first_tail = #head + 1
    for _, h in ipairs { "easydel_module", "missing_tasks", "phase", "phase_name",
      "raw_families", "alias_rule", "suggestions" } do
      head[#head + 1] = h
    end
    local n = #head
    local out = { row(head, n) }
    for _, f in ipairs(r.families) do
      local phase = f.phase ~= cov.json.null and f.phase or {}
      local tail = { f.easydel, table.concat(f.missing_tasks, " "), phase.number, phase.name,
        table.concat(f.raw_names, " "), f.alias_rule, table.concat(f.suggestions, " ") }
      local function emit(fw, fe)
        local values = { f.name, fw, fe and fe.tested and "yes" or "no", fe and fe.count or 0,
          fe and fe.variant_count or 0 }
        for _, s in ipairs(cov.statuses) do
          values[#values + 1] = fe and fe.status_counts[s] or 0
        end
        for i = 1, n - first_tail + 1 do values[first_tail + i - 1] = tail[i] end
        out[#out + 1] = row(values, n)
      end
      local any = false
      for _, fw in ipairs(r.frameworks) do
        if f.frameworks[fw] then
          any = true
          emit(fw, f.frameworks[fw])
        end
      end
      if not any then emit("", nil) end
    end
    return table.concat(out)
  end,
}
