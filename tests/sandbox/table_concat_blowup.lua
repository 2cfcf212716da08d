local t = {}
local s = ("x"):rep(2^20)
for i = 1, 2^12 do t[i] = s end
local big = table.concat(t)
print(#big)
