-- SET NX the dedupe key and append the event only when it was set: atomic, so of concurrent
-- enqueues of one key on any replica exactly one wins. The dedupe key has no TTL while the event
-- waits; ack gives it one. The entry carries the dedupe key's name so ack can find it.
-- KEYS: dedupe key, stream. ARGV: payload, enqueued at.
if redis.call('SET', KEYS[1], '1', 'NX') then
  redis.call('XADD', KEYS[2], '*', 'payload', ARGV[1], 'enqueuedAt', ARGV[2], 'dedupeKey', KEYS[1])
  return 1
end
return 0
