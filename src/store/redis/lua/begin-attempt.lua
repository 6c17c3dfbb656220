-- Records a write before it is made. KEYS: attempts, attempts-by-event. ARGV: id, record,
-- event ids...
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 3, #ARGV do
  local list = redis.call('HGET', KEYS[2], ARGV[i])
  local ids = list and cjson.decode(list) or {}
  local known = false
  for _, id in ipairs(ids) do if id == ARGV[1] then known = true end end
  if not known then
    ids[#ids + 1] = ARGV[1]
    redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(ids))
  end
end
return 1
