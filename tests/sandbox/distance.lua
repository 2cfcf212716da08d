local cov = require "covengine"
cov.distance(("a"):rep(1e5), ("b"):rep(1e5))
