return { report = "not a string" }
