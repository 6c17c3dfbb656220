-- Moves entries out of the stream into the dead-letter hash, with the reason. Their dedupe keys
-- stay (a copy sent again is still a duplicate). KEYS: stream, dead. ARGV: group, reason, at,
-- ids...
local moved = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
  if entry then
    local record = { reason = ARGV[2], at = tonumber(ARGV[3]) }
    local fields = entry[2]
    for j = 1, #fields, 2 do record[fields[j]] = fields[j + 1] end
    redis.call('HSET', KEYS[2], id, cjson.encode(record))
    moved = moved + 1
  end
  redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
end
return moved
