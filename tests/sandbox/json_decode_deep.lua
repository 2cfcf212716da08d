local cov = require "covengine"
cov.json.decode(("["):rep(1e6) .. ("]"):rep(1e6))
