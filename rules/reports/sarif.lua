-- The lints and load warnings as SARIF 2.1.0, for code scanning (GitHub's
-- upload-sarif): one result per finding with its rule id, level, message and
-- physical location (file, line, column), and each rule's help text.
-- Relative paths stay relative URIs against %SRCROOT% (run covengine from
-- the checkout root, `--tt-xla .`); absolute ones become file:// URIs.
-- Under --strict the lints are errors; the log is still written, then the
-- run fails (exit 1).
local cov = require "covengine"
local findings = require "covengine.findings"

local array = cov.json.array

local function uri(path)
  path = path:gsub("^%./", "")
  local enc = path:gsub("[^%w%-%._~/]", function(c) return ("%%%02X"):format(c:byte()) end)
  if path:sub(1, 1) == "/" then return "file://" .. enc, nil end
  return enc, "%SRCROOT%"
end

local function location(f)
  if not f.file then return nil end
  local u, base = uri(f.file)
  local region
  if f.line > 0 then
    region = { startLine = f.line, startColumn = f.column > 0 and f.column or nil }
  end
  return array { { physicalLocation = { artifactLocation = { uri = u, uriBaseId = base },
    region = region } } }
end

return {
  needs_findings = true,
  render = function(_, ctx)
    local rules, index, results = array {}, {}, array {}
    for _, f in ipairs(ctx.findings) do
      if not index[f.rule] then
        local help = findings.help(f.rule)
        rules[#rules + 1] = { id = f.rule, name = f.rule,
          shortDescription = { text = help }, help = { text = help },
          defaultConfiguration = { level = "warning" },
          properties = { tags = array { f.source == "lint" and "lint" or "load" } } }
        index[f.rule] = #rules - 1
      end
      results[#results + 1] = { ruleId = f.rule, ruleIndex = index[f.rule], level = f.level,
        message = { text = f.message }, locations = location(f) }
    end
    local invocation = { executionSuccessful = true }
    local kept = 0
    for _, f in ipairs(ctx.findings) do
      if f.source == "load" then kept = kept + 1 end
    end
    if ctx.load_warnings > kept then
      invocation.toolExecutionNotifications = array { { level = "warning", message = {
        text = ("%d more load warnings are not listed"):format(ctx.load_warnings - kept) } } }
    end
    local log = {
      ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
      version = "2.1.0",
      runs = array { {
        tool = { driver = { name = "covengine", version = cov.version, rules = rules } },
        columnKind = "unicodeCodePoints",
        invocations = array { invocation },
        results = results,
      } },
    }
    return cov.json.encode(log, { indent = true }) .. "\n"
  end,
}
