--- Findings for tools that read them (--format sarif, --format github): the
-- warnings loading the head gave and the config hygiene lints, each with a
-- rule id, a level, a message, a place and the rule's help text.
local lint = require "covengine.lint"

local findings = {}

--- The loaders' warnings by message: {Lua pattern, rule id, help}. A
-- warning no pattern knows is rule "load_warning"; a new loader warning
-- gets its own id by adding a line here.
findings.LOAD_RULES = {
  { "^test id '.-' is also in ", "duplicate_id",
    "The same test id is in two files of one framework; the later entry is kept." },
  { "^test id '.-' does not fit the grammar", "unparsed_id",
    "A test id that is not PATH/FW-[VARIANT-]SUFFIX (docs/design.md 3.2); it is kept but belongs "
      .. "to no family." },
  { "^unknown field ", "unknown_field",
    "A field of a test entry that covengine does not know; it is ignored (a typo?)." },
  { "^duplicate field ", "duplicate_field",
    "A field given twice in one entry; the last one wins." },
  { "^duplicate key ", "duplicate_key", "A YAML key given twice in one mapping; the last one wins." },
  { "^unknown top%-level key ", "unknown_top_level_key",
    "A top-level key other than test_config and PLACEHOLDER_MODELS; it is ignored." },
  { "^@register_module", "easydel_registration",
    "An EasyDeL @register_module decorator covengine could not read completely." },
  { "^test id '.-' names no tt%-forge%-models loader variant", "unknown_loader",
    "A test id names no loader variant of the tt-forge-models tree (no such loader.py, no such "
      .. "variant, or an LLM phase the loader does not serve): tt-xla cannot run it." },
  { "the loader cannot be read$", "unreadable_loader",
    "A tt-forge-models loader.py covengine's lexer cannot follow (an unterminated string, an "
      .. "unbalanced bracket); its variants are not known." },
  { "^ModelVariant member ", "computed_variant",
    "A ModelVariant member whose value is not a string literal: no test id can name it." },
  { "^_VARIANTS ", "unread_variant",
    "A _VARIANTS key covengine cannot read or that names no ModelVariant member." },
  { "^adapter loader: ", "adapter_without_base",
    "A LoRA/DoRA adapter loader whose base loader is missing or unreadable." },
}

local LOAD_HELP = { load_warning = "A warning from loading the inputs." }
for _, r in ipairs(findings.LOAD_RULES) do LOAD_HELP[r[2]] = r[3] end

--- The help text of a rule id: a lint's (covengine.lint.HELP) or a load
-- warning's.
function findings.help(rule)
  return lint.HELP[rule] or LOAD_HELP[rule] or LOAD_HELP.load_warning
end

local function load_rule(message)
  for _, r in ipairs(findings.LOAD_RULES) do
    if message:find(r[1]) then return r[2] end
  end
  return "load_warning"
end

local function place(where)
  if not where then return nil, 0 end
  local file, line = where:match("^(.*):(%d+)$")
  if file then return file, tonumber(line) end
  return where, 0
end

--- The findings of a run: ds's load warnings (in load order), then the
-- lint findings (covengine.lint.run, in lint order), one each. A lint
-- finding the loader already warned about (a duplicate id) is not repeated:
-- the load warning stands for it (an error under strict).
-- opts.strict makes the lints errors. Returns a list of {rule, level
-- ("warning"|"error"), message, file (or nil), line, column (0: none),
-- source ("load"|"lint")} and the number of load warnings there were in
-- all (ds:warnings keeps the first 10000).
function findings.collect(ds, lint_findings, opts)
  opts = opts or {}
  local out = {}
  local warnings, total = ds:warnings()
  for _, w in ipairs(warnings) do
    out[#out + 1] = { rule = load_rule(w.message), level = "warning", message = w.message,
      file = w.file, line = w.line, column = w.column, source = "load" }
  end
  local by_place = {}
  for _, f in ipairs(out) do
    if f.file then by_place[f.rule .. "\0" .. f.file .. ":" .. f.line] = f end
  end
  for _, f in ipairs(lint_findings or {}) do
    local already = f.loader_warned and by_place[f.lint .. "\0" .. (f.where or "")]
    if already then
      already.level = opts.strict and "error" or "warning"
    else
      local file, line = place(f.where)
      out[#out + 1] = { rule = f.lint, level = opts.strict and "error" or "warning",
        message = f.message, file = file, line = line, column = 0, source = "lint" }
    end
  end
  return out, total
end

return findings
