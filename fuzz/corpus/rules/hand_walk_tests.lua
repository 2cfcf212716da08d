local ds = cov.dataset("head")
local out = {}
for _, t in ipairs(ds:tests()) do out[#out + 1] = t.id .. " " .. tostring(t.status) end
cov.write(table.concat(out, "\n"))
