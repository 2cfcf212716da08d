local alias = require "covengine.alias"
local rules = alias.set {
  alias.rule { famly = "qwen_2_5", module = "qwen2", reason = "r" },
}
return ""
