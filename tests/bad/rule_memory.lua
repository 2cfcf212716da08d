local s = ("x"):rep(2^30)
return s
