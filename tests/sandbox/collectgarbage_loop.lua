local keep = {}
for i = 1, 2e5 do keep[i] = {i} end
while true do collectgarbage() end
