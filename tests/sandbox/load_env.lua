local f = load("return io", "x", "t", {})
local io = f() or _ENV.io
io.open("tests/sandbox/secret.yaml"):read("a")
