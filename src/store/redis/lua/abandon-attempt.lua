-- Forgets a write. KEYS: attempts, attempts-by-event. ARGV: id, event ids...
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 2, #ARGV do
  local list = redis.call('HGET', KEYS[2], ARGV[i])
  if list then
    local kept = {}
    for _, id in ipairs(cjson.decode(list)) do if id ~= ARGV[1] then kept[#kept + 1] = id end end
    if #kept == 0 then redis.call('HDEL', KEYS[2], ARGV[i])
    else redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(kept)) end
  end
end
return 1
