-- Acks entries (see ack-entries.lua). KEYS: stream, attempts, attempts-by-event.
-- ARGV: group, retention, ids...
ackEntries(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], 3)
return #ARGV - 2
