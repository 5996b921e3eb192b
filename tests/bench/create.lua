-- Session create with two participants, automatic number selection, identifiers never used before.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  local a = string.format("%%2B1415%d%06d", id + 2, n * 2)
  local b = string.format("%%2B1415%d%06d", id + 2, n * 2 + 1)
  local body = "Mode=message-only&Participants=%7B%22Identifier%22%3A%22" .. a ..
    "%22%7D&Participants=%7B%22Identifier%22%3A%22" .. b .. "%22%7D"
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = os.getenv("BENCH_AUTH") }, body)
end
