-- Deletes consumers of earlier runs that hold nothing and have been quiet long enough. Only an
-- empty consumer is deleted (DELCONSUMER drops a consumer's pending entries); a live one that is
-- deleted by mistake is simply re-created by its next read. KEYS: stream. ARGV: group, min idle.
local stream, group, minIdle = KEYS[1], ARGV[1], tonumber(ARGV[2])
local forgotten = 0
for _, info in ipairs(redis.call('XINFO', 'CONSUMERS', stream, group)) do
  local consumer = {}
  for j = 1, #info, 2 do consumer[info[j]] = info[j + 1] end
  if consumer.pending == 0 and consumer.idle >= minIdle then
    redis.call('XGROUP', 'DELCONSUMER', stream, group, consumer.name)
    forgotten = forgotten + 1
  end
end
return forgotten
