-- CSV cells and rows as the CSV reports write them: RFC 4180 quoting, and
-- spreadsheet-safe text (OWASP's CSV injection guidance): a text cell that
-- starts with = + - @, a tab or a carriage return would be read as a formula
-- by a spreadsheet, so it is written quoted with a leading ' ("'=1+2").
-- Numbers, and text that is a plain decimal number ("-3", "60.27"), stay as
-- they are.
local csv = {}

--- One cell: nil and json.null (given as null) are empty.
function csv.field(v, null)
  if v == nil or (null ~= nil and v == null) then return "" end
  local s = tostring(v)
  if type(v) == "string" and s:find("^[=+%-@\t\r]") and not s:find("^[+-]?%d+%.?%d*$") then
    return '"\'' .. s:gsub('"', '""') .. '"'
  end
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

--- A row of cells values[1..n] (n defaults to #values), ended by CRLF.
function csv.row(values, n, null)
  local out = {}
  for i = 1, n or #values do out[i] = csv.field(values[i], null) end
  return table.concat(out, ",") .. "\r\n"
end

return csv
