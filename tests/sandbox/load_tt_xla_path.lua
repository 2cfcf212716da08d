local cov = require "covengine"
cov.load_tt_xla("tests/sandbox")
