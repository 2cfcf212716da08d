--- Markdown for CI (GitHub job summaries and PR comments, which cap a
-- comment at 65,536 characters): table cells escaped and capped, long
-- lists folded in <details>, file paths relative to the input roots. The
-- Markdown formats (rules/reports/markdown.lua, diff.lua, summary.lua)
-- share these so that they agree on every rule.
local md = {}

--- Longest table cell, in characters (code points), before it is cut.
md.MAX_CELL = 300

--- Lists and tables with more items than this are folded in <details>.
md.FOLD = 12

-- The byte offset just before the code point that starts at or after
-- byte i: a cut there never splits a UTF-8 sequence.
local function boundary(s, i)
  while i > 0 and i < #s do
    local b = s:byte(i + 1)
    if b < 0x80 or b >= 0xC0 then break end
    i = i - 1
  end
  return i
end

--- A table cell: "|" escaped, newlines (and carriage returns) flattened, and at most `max`
-- (default md.MAX_CELL) code points: a longer text is cut at the last ", "
-- or space before the limit and ends in " … (+N chars)", so the reader
-- knows something was left out and the row stays readable.
function md.cell(s, max)
  max = max or md.MAX_CELL
  s = tostring(s):gsub("[\r\n]", " ")
  local n = utf8.len(s) or #s
  if n > max then
    local room = max - 16 -- the marker's share
    local cut = boundary(s, utf8.offset(s, room + 1) and utf8.offset(s, room + 1) - 1 or room)
    local head = s:sub(1, cut)
    local at = head:match("^.*(), ") or head:match("^.*() ")
    if at and at > cut / 2 then head = head:sub(1, at - 1) end
    s = ("%s … (+%d chars)"):format(head, n - (utf8.len(head) or #head))
  end
  return (s:gsub("|", "\\|"))
end

--- `body` as is, or folded in <details> (with `summary` as its title) when
-- it holds more than md.FOLD items. GitHub renders Markdown inside
-- <details> only after a blank line, hence the newlines.
function md.fold(n, summary, body)
  if n <= md.FOLD then return body end
  return ("<details><summary>%s</summary>\n\n%s\n</details>\n"):format(summary,
    (body:gsub("\n+$", "\n")))
end

local function dirname(p)
  return p:match("^(.*)/[^/]*$") or ""
end

local function common_dir(a, b)
  if a == b then return a end
  local i, last = 1, 0
  while i <= #a and i <= #b and a:byte(i) == b:byte(i) do
    if a:byte(i) == 47 then last = i end -- "/"
    i = i + 1
  end
  -- a is a directory prefix of b (or the other way round)
  if i > #a and b:byte(i) == 47 then return a end
  if i > #b and a:byte(i) == 47 then return b end
  return a:sub(1, last - 1)
end

--- The input roots of one or more report `inputs` lists (covengine.report/1
-- "inputs"): the deepest directory holding all of a dataset's config files
-- (tt-xla's tests/runner/test_config), and each tt-forge-models tree and
-- EasyDeL checkout. An argument may also be {side = "base", inputs = list}:
-- its roots then say whose they are. Returns an array of {path, what},
-- longest path first, for md.relative and for saying once where paths are
-- relative to.
function md.roots(...)
  local out, seen = {}, {}
  local function add(path, what)
    if path ~= "" and not seen[path] then
      seen[path] = true
      out[#out + 1] = { path = path, what = what }
    end
  end
  for _, arg in ipairs { ... } do
    local inputs, side = arg, ""
    if arg.inputs then inputs, side = arg.inputs, arg.side .. "'s " end
    local function add_side(path, what) add(path, side .. what) end
    local configs
    for _, i in ipairs(inputs or {}) do
      if i.kind == "test_config" or i.kind == "placeholders" then
        local d = dirname(i.path)
        configs = configs and common_dir(configs, d) or d
      elseif i.kind == "tt_forge_models" or i.kind == "easydel_checkout" then
        add_side((i.path:gsub("/+$", "")), i.kind == "tt_forge_models" and "tt-forge-models"
          or "EasyDeL")
      end
    end
    if configs then add_side(configs, "tt-xla test configs") end
  end
  table.sort(out, function(a, b)
    if #a.path ~= #b.path then return #a.path > #b.path end
    return a.path < b.path
  end)
  return out
end

local ESCAPES = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

--- `s` with its control characters written as \n, \r, \t or \xHH (as
-- covengine writes paths on stderr): a path in a list item or a table cell
-- stays on its line, whatever bytes the file's name holds.
function md.escape_controls(s)
  return (s:gsub("%c", function(c) return ESCAPES[c] or ("\\x%02x"):format(c:byte()) end))
end

--- `path` relative to the first of `roots` (md.roots) it lies under, or
-- as it is; control characters escaped (md.escape_controls).
function md.relative(path, roots)
  for _, r in ipairs(roots) do
    if path:sub(1, #r.path + 1) == r.path .. "/" then
      return md.escape_controls(path:sub(#r.path + 2))
    end
  end
  return md.escape_controls(path)
end

--- One line saying where the paths of a report are relative to, or "".
function md.roots_note(roots)
  if #roots == 0 then return "" end
  local parts = {}
  for i = #roots, 1, -1 do
    parts[#parts + 1] = ("`%s` (%s)"):format(md.escape_controls(roots[i].path), roots[i].what)
  end
  return ("File paths are relative to %s.\n\n"):format(table.concat(parts, ", "))
end

return md
