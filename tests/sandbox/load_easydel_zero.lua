local cov = require "covengine"
cov.dataset("base"):load_easydel("/dev/zero")
