-- Sets the idle time of the entries this consumer still owns (0: a heartbeat; huge: a release)
-- and returns their IDs. Ownership is checked first because XCLAIM would otherwise take back an
-- entry another replica has rightly taken over, and two replicas would then both post it.
-- KEYS: stream. ARGV: group, consumer, idle ms, ids...
local stream, group, consumer, idle = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local owned = {}
for i = 4, #ARGV do
  local pending = redis.call('XPENDING', stream, group, ARGV[i], ARGV[i], 1)[1]
  if pending and pending[2] == consumer then owned[#owned + 1] = ARGV[i] end
end
if #owned > 0 then
  local args = {'XCLAIM', stream, group, consumer, '0'}
  for _, id in ipairs(owned) do args[#args + 1] = id end
  args[#args + 1] = 'IDLE'
  args[#args + 1] = idle
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
return owned
