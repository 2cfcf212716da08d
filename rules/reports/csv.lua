-- One CSV row per canonical family and framework (RFC 4180 quoting), for
-- spreadsheets. Families no config lists (EasyDeL only) get one row with an
-- empty framework; "suggestions" holds the close EasyDeL names of families
-- no alias rule or name maps. With a tt-forge-models tree, "implementation"
-- is the one word for what a framework's tests run (easydel, hugging_face,
-- custom, computed, mixed...), "sources" their loaders' sources with counts
-- ("EASYDEL:12 HUGGING_FACE:4") and "group" the family's ModelGroup.
-- "listed_not_running" is "yes" where the config lists the family but none
-- of its entries runs (the policy: not tested).
-- The last row, as coverage.py's TOTAL, is family "TOTAL": the test count
-- and, in the last column "coverage", the gate figure ("60.27", the
-- percentage --fail-under judges); empty in every other row. Without a
-- figure (no EasyDeL inventory, or the rules define none) the cell is empty.
-- Text cells are spreadsheet-safe (covengine.csv).
local cov = require "covengine"
local csv = require "covengine.csv"

-- values may contain nils: n is the column count.
local function row(values, n)
  return csv.row(values, n, cov.json.null)
end

return {
  render = function(r)
    local head = { "family", "framework", "tested", "tests", "variants" }
    for _, s in ipairs(cov.statuses) do head[#head + 1] = s:lower() end
    local first_tail = #head + 1
    for _, h in ipairs { "easydel_module", "missing_tasks", "phase", "phase_name",
      "raw_families", "alias_rule", "suggestions", "group", "implementation", "sources",
      "listed_not_running", "coverage" } do
      head[#head + 1] = h
    end
    local n = #head
    local out = { row(head, n) }
    for _, f in ipairs(r.families) do
      local phase = f.phase ~= cov.json.null and f.phase or {}
      local tail = { f.easydel, table.concat(f.missing_tasks, " "), phase.number, phase.name,
        table.concat(f.raw_names, " "), f.alias_rule, table.concat(f.suggestions, " "), f.group }
      local function emit(fw, fe)
        local values = { f.name, fw, fe and fe.tested and "yes" or "no", fe and fe.count or 0,
          fe and fe.variant_count or 0 }
        for _, s in ipairs(cov.statuses) do
          values[#values + 1] = fe and fe.status_counts[s] or 0
        end
        for i = 1, #tail do values[first_tail + i - 1] = tail[i] end
        local sources = {}
        if fe and fe.sources then
          local names = {}
          for src in pairs(fe.sources) do names[#names + 1] = src end
          table.sort(names)
          for _, src in ipairs(names) do sources[#sources + 1] = src .. ":" .. fe.sources[src] end
          if (fe.source_computed or 0) > 0 then sources[#sources + 1] = "computed:" .. fe.source_computed end
          if (fe.loader_unknown or 0) > 0 then sources[#sources + 1] = "unknown:" .. fe.loader_unknown end
        end
        values[n - 3] = fe and fe.implementation
        values[n - 2] = table.concat(sources, " ")
        values[n - 1] = fe and (fe.listed_not_running and "yes" or "no") or ""
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
    local total = { "TOTAL" }
    total[4] = r.summary.tests
    local fig = r.figure
    total[n] = (fig ~= nil and fig ~= cov.json.null) and fig.display or nil
    out[#out + 1] = row(total, n)
    return table.concat(out)
  end,
}
