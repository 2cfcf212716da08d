local s = ("a"):rep(5e4)
s:match(".-.-.-b")
