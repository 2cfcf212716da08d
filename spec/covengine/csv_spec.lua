-- CSV reports are spreadsheet-safe (issue 12, item 13; OWASP's CSV
-- injection guidance): a text cell starting with = + - @, a tab or a
-- carriage return is quoted with a leading ', so a spreadsheet shows it as
-- text instead of evaluating it; numbers stay numbers.
local h = require "helpers"
local cov = require "covengine"
local csv = require "covengine.csv"

describe("spreadsheet-safe CSV", function()
  it("quotes formula-looking text cells with a leading '", function()
    assert.are.equal([["'=1+2"]], csv.field("=1+2"))
    assert.are.equal([["'+x"]], csv.field("+x"))
    assert.are.equal([["'-x"]], csv.field("-x"))
    assert.are.equal([["'@SUM(A1)"]], csv.field("@SUM(A1)"))
    assert.are.equal('"\'\tx"', csv.field("\tx"))
    assert.are.equal('"\'\rx"', csv.field("\rx"))
    assert.are.equal([["'=HYPERLINK(""a"",""b"")"]], csv.field('=HYPERLINK("a","b")'))
    assert.are.equal([["a,b"]], csv.field("a,b"))
    assert.are.equal("x=1", csv.field("x=1"))
  end)

  it("leaves numbers and plain decimal text alone", function()
    assert.are.equal("-3", csv.field(-3))
    assert.are.equal("-3", csv.field("-3"))
    assert.are.equal("60.27", csv.field("60.27"))
    assert.are.equal("+4", csv.field("+4"))
    assert.are.equal("", csv.field(nil))
    assert.are.equal("", csv.field(cov.json.null, cov.json.null))
  end)

  it("writes families named like formulas as text in --format csv", function()
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write('test_config:\n  "=1+2/jax-single_device-inference":\n'
      .. '    status: EXPECTED_PASSING\n  "@sum/jax-single_device-inference":\n'
      .. '    status: EXPECTED_PASSING\n  "-x/jax-single_device-inference":\n'
      .. '    status: EXPECTED_PASSING\n')
    f:close()
    local code, out, err = h.run { "-q", "--config", path, "--format", "csv" }
    os.remove(path)
    assert.are.equal(0, code, err)
    local firsts = {}
    for line in out:gmatch("[^\r\n]+") do firsts[#firsts + 1] = line:match('^("?[^,]*)') end
    assert.are.same({ "family", [["'-x"]], [["'=1+2"]], [["'@sum"]], "TOTAL" }, firsts)
    for line in out:gmatch("[^\r\n]+") do
      assert.is_nil(line:find(",[=+@-]"), line)
    end
  end)
end)
