-- Replays pre-signed inbound SMS webhooks (tests/bench/setup.py), each once: every thread takes its own stride.
local lines = {}
for line in io.lines(os.getenv("BENCH_WEBHOOKS")) do
  local sig, body = line:match("^([^\t]+)\t(.*)$")
  lines[#lines + 1] = { sig, body }
end
local threads, counter = 0, 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  counter = id
  step = tonumber(os.getenv("BENCH_THREADS") or "2")
end
function request()
  local item = lines[(counter % #lines) + 1]
  counter = counter + step
  return wrk.format("POST", "/carrier/twilio/sms",
    { ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = item[1] }, item[2])
end
