local t = {}
for i = 1, 10 do rawset(t, i, i) end
for k in next, t do rawset(t, k + 100, k) end
while next(t) do rawset(t, next(t), nil) t[#t + 1] = 1 end
