-- A rule script that does nothing: bench/run.py times covengine with it to
-- split a whole run into start-up + load (this) and rules + report (the rest).
return ""
