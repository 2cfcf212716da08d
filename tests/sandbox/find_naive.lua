local s = ("a"):rep(2e7)
s:find(("a"):rep(2e5) .. "b")
