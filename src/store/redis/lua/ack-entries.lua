-- Acks and deletes entries, starts the retention clock of their dedupe keys, and forgets the
-- writes recorded for them: the IDs are ARGV[first..]. Shared by ack.lua and finish-attempt.lua,
-- which are loaded after it.
local function ackEntries(stream, attempts, byEvent, group, retention, first)
  for i = first, #ARGV do
    local id = ARGV[i]
    local entry = redis.call('XRANGE', stream, id, id)[1]
    if entry then
      local fields = entry[2]
      for j = 1, #fields, 2 do
        if fields[j] == 'dedupeKey' then redis.call('PEXPIRE', fields[j + 1], retention) end
      end
    end
    redis.call('XACK', stream, group, id)
    redis.call('XDEL', stream, id)
    local list = redis.call('HGET', byEvent, id)
    if list then
      for _, attempt in ipairs(cjson.decode(list)) do redis.call('HDEL', attempts, attempt) end
      redis.call('HDEL', byEvent, id)
    end
  end
end
