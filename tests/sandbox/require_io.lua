local io = require "io"
print(io.open("tests/sandbox/secret.yaml"):read("a"))
