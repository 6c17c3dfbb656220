-- Puts dead letters back at the end of the stream; their recorded writes move with them, and
-- name their new IDs. KEYS: stream, dead, attempts-by-event, attempts. ARGV: ids...
local replayed = 0
for _, id in ipairs(ARGV) do
  local stored = redis.call('HGET', KEYS[2], id)
  if stored then
    local record = cjson.decode(stored)
    local newId = redis.call('XADD', KEYS[1], '*', 'payload', record.payload,
      'enqueuedAt', tostring(record.enqueuedAt), 'dedupeKey', record.dedupeKey)
    local list = redis.call('HGET', KEYS[3], id)
    if list then
      redis.call('HSET', KEYS[3], newId, list)
      redis.call('HDEL', KEYS[3], id)
      for _, attemptId in ipairs(cjson.decode(list)) do
        local recorded = redis.call('HGET', KEYS[4], attemptId)
        if recorded then
          local attempt = cjson.decode(recorded)
          for i, eventId in ipairs(attempt.eventIds) do
            if eventId == id then attempt.eventIds[i] = newId end
          end
          redis.call('HSET', KEYS[4], attemptId, cjson.encode(attempt))
        end
      end
    end
    redis.call('HDEL', KEYS[2], id)
    replayed = replayed + 1
  end
end
return replayed
