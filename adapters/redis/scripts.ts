/**
 * Lua scripts of the Redis hot store. Each receives the keys it touches in KEYS, and all of
 * them share one hash tag, so every script runs on one slot of Redis Cluster. The `#!lua`
 * line (Redis 7.0 or later) makes Redis check for OOM and for a read-only replica before the
 * script runs, so a rejected script never leaves half of its writes behind.
 *
 * Record hash fields: `bytes` (the encoded record), `etag`, `durable` ("1" or "0") and, while
 * pending, `first` (ms of the first save not yet durable). Pending set scores are due times
 * in ms on the callers' clock.
 */

/**
 * Writes a record and its pending entry together.
 * KEYS: record hash, pending set of the record's shard.
 * ARGV: condition (absent | match | any), expected etag, bytes, new etag, durable flag,
 *       TTL ms, pending flag, now ms, debounce ms, max delay ms, shard pending limit, member.
 * Returns "written", "conflict" or "pending-full".
 */
const writeRecord = `#!lua
local record, pending = KEYS[1], KEYS[2]
local condition, expected, bytes, etag, durable = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local ttl = tonumber(ARGV[6])
local member = ARGV[12]
if not ttl or ttl < 1 or ttl % 1 ~= 0 then
  return redis.error_reply('ERR TTL must be a positive whole number of milliseconds')
end

local current = redis.call('HGET', record, 'etag')
-- A client resend of a write that already applied finds its own etag: report it as written.
if current == etag then return 'written' end
if condition == 'absent' and current then return 'conflict' end
if condition == 'match' and current ~= expected then return 'conflict' end

if ARGV[7] ~= '1' then
  redis.call('HSET', record, 'bytes', bytes, 'etag', etag, 'durable', durable)
  redis.call('HDEL', record, 'first')
  redis.call('PEXPIRE', record, ttl)
  redis.call('ZREM', pending, member)
  return 'written'
end

local now = tonumber(ARGV[8])
local queued = redis.call('ZSCORE', pending, member)
if not queued and redis.call('ZCARD', pending) >= tonumber(ARGV[11]) then return 'pending-full' end

local first = now
if queued then first = tonumber(redis.call('HGET', record, 'first')) or now end
local due = math.min(now + tonumber(ARGV[9]), first + tonumber(ARGV[10]))

redis.call('HSET', record, 'bytes', bytes, 'etag', etag, 'durable', durable, 'first', string.format('%d', first))
redis.call('PEXPIRE', record, ttl)
redis.call('ZADD', pending, string.format('%d', due), member)
return 'written'
`

/**
 * Removes a record and its pending entry if the condition holds; a missing record counts as removed.
 * KEYS: record hash, pending set. ARGV: condition, expected etag, member.
 */
const removeRecord = `#!lua
local record, pending = KEYS[1], KEYS[2]
local condition, expected, member = ARGV[1], ARGV[2], ARGV[3]

local current = redis.call('HGET', record, 'etag')
if current then
  if condition == 'absent' then return 'conflict' end
  if condition == 'match' and current ~= expected then return 'conflict' end
  redis.call('DEL', record)
end
redis.call('ZREM', pending, member)
return 'removed'
`

/**
 * Marks the version durable and drops its pending entry if the etag is still current.
 * KEYS: record hash, pending set. ARGV: etag, member. Returns 1 when settled, else 0.
 */
const settleRecord = `#!lua
local record, pending = KEYS[1], KEYS[2]
if redis.call('HGET', record, 'etag') ~= ARGV[1] then return 0 end

redis.call('HSET', record, 'durable', '1')
redis.call('HDEL', record, 'first')
redis.call('ZREM', pending, ARGV[2])
return 1
`

/**
 * Claims one due draft: moves its score to the lease end so no other caller gets it before
 * then. A member whose record has expired or was lost leaves the set instead.
 * KEYS: pending set, record hash. ARGV: member, now ms, lease end ms. Returns 1 when claimed.
 */
const claimRecord = `#!lua
local pending, record = KEYS[1], KEYS[2]
local member = ARGV[1]

local score = redis.call('ZSCORE', pending, member)
if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
if redis.call('EXISTS', record) == 0 then
  redis.call('ZREM', pending, member)
  return 0
end
redis.call('ZADD', pending, ARGV[3], member)
return 1
`

/**
 * Adds a draft to its owner's index and extends the index's TTL to cover the draft's.
 * KEYS: owner set. ARGV: draft digest, TTL ms.
 */
const indexOwner = `#!lua
local owner = KEYS[1]
local ttl = tonumber(ARGV[2])
if not ttl or ttl < 1 or ttl % 1 ~= 0 then
  return redis.error_reply('ERR TTL must be a positive whole number of milliseconds')
end

redis.call('SADD', owner, ARGV[1])
if redis.call('PTTL', owner) < ttl then redis.call('PEXPIRE', owner, ttl) end
return 1
`

/** Script definitions for ioredis `defineCommand`, which sends EVAL once per connection and EVALSHA after. */
export const scriptDefinitions = {
  hotWriteRecord: { numberOfKeys: 2, lua: writeRecord },
  hotRemoveRecord: { numberOfKeys: 2, lua: removeRecord },
  hotSettleRecord: { numberOfKeys: 2, lua: settleRecord },
  hotClaimRecord: { numberOfKeys: 2, lua: claimRecord },
  hotIndexOwner: { numberOfKeys: 1, lua: indexOwner }
} as const

type Argument = string | Buffer

/** The commands `scriptDefinitions` adds to a client, typed for the adapter. */
export interface ScriptCommands {
  hotWriteRecord(...args: [record: string, pending: string, ...argv: Array<Argument>]): Promise<string>
  hotRemoveRecord(...args: [record: string, pending: string, ...argv: Array<Argument>]): Promise<string>
  hotSettleRecord(...args: [record: string, pending: string, ...argv: Array<Argument>]): Promise<number>
  hotClaimRecord(...args: [pending: string, record: string, ...argv: Array<Argument>]): Promise<number>
  hotIndexOwner(...args: [owner: string, ...argv: Array<Argument>]): Promise<number>
}
