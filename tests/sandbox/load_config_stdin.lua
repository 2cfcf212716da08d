local cov = require "covengine"
cov.load_config("/dev/stdin")
