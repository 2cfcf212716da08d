return ("x"):rep(2^31)
