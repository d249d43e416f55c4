-- wrk script for API create: a new caller and a new device on every request, as bench/peer_compare.py and
-- bench/profile_hot.py send (the desk's real traffic is many callers). One body over and over would make every
-- create wait on the same customer row and read one IMEI's ever longer history: a bench artefact, not a desk.
--
--   WRK_AUTH="Bearer <key>" wrk -t2 -c16 -d15s -s bench/wrk-create.lua http://127.0.0.1:PORT/api/v1/tickets/
local threads = {}
local counter, base = 0, 0

function setup(thread)  -- runs in wrk's main state: number the threads (a global of each thread's state)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  base = os.time() % 100  -- another run, other callers
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  local auth = os.getenv("WRK_AUTH")
  if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
end

-- Luhn check digit of a digit string (an IMEI's 15th digit).
local function luhn(digits)
  local sum, double = 0, true
  for i = #digits, 1, -1 do
    local d = tonumber(digits:sub(i, i))
    if double then d = d * 2; if d > 9 then d = d - 9 end end
    sum = sum + d
    double = not double
  end
  return tostring((10 - sum % 10) % 10)
end

function request()
  counter = counter + 1
  -- Unique within a run: the run's base, the thread, the request.
  local no = (thread_no or 0) % 10
  local phone = string.format("+86159%02d%d%05d", base, no, counter % 100000)
  local imei = string.format("86%02d%d%09d", base, no, counter)
  imei = imei .. luhn(imei)
  local body = string.format('{"customer": {"name": "基准客户", "phone": "%s"}, "device": {"category": "phone", ' ..
    '"brand": "华为", "model": "Mate 60", "imei": "%s", "purchase_date": "2026-01-05", ' ..
    '"invoice_date": "2026-01-05"}, "kind": "repair", "fault_description": "基准测试：屏幕闪烁"}', phone, imei)
  return wrk.format(nil, nil, nil, body)
end
