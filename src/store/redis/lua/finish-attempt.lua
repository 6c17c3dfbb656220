-- Records a write as done, saves links and acks events (see ack-entries.lua), in one step.
-- KEYS: stream, attempts, attempts-by-event, link keys...
-- ARGV: group, retention, link retention, attempt id, record, link values... (one per link key),
-- ids to ack...
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
local links = #KEYS - 3
for i = 1, links do
  redis.call('SET', KEYS[3 + i], ARGV[5 + i], 'PX', ARGV[3])
end
ackEntries(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], 6 + links)
return 1
