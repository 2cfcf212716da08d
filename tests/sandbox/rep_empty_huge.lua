local s = (""):rep(2^62)
