local cov = require "covengine"
cov.load_config("tests/sandbox/secret.yaml")
for t in cov.tests() do print(t.reason) end
