// The Lua scripts of the Redis store (./redis.ts): each write is one script, so it is atomic in
// Redis whatever the other replicas do at the same time. Every script takes the same first
// arguments: the key prefix, the session's hash and the session's time to live in milliseconds.
//
// Keys, under the prefix P (the served API's):
//   P version            the last version handed out: collection versions and record order
//   P epoch              when that counter began (µs), the first part of every collection version
//   P sessions           zset: session hash -> the time it expires (ms)
//   P sbytes, P srecords hashes: session hash -> its bytes, its records (the budget's count)
//   P bytes, P records   totals over the sessions
//   P s:<h>:meta         hash: "v|<collection>" -> version, "n|<collection>" -> id counter
//   P s:<h>:colls        set of the session's record hashes
//   P s:<h>:r:<c>        hash: id -> "<order>\n<record JSON>"
// A session's keys all expire together (renewed by every write, and by reads past half the TTL).

const PRELUDE = `
local P, h, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local meta, colls = P .. 's:' .. h .. ':meta', P .. 's:' .. h .. ':colls'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function forget(s)
  local b = tonumber(redis.call('HGET', P .. 'sbytes', s) or '0')
  local r = tonumber(redis.call('HGET', P .. 'srecords', s) or '0')
  redis.call('DECRBY', P .. 'bytes', b)
  redis.call('DECRBY', P .. 'records', r)
  redis.call('HDEL', P .. 'sbytes', s)
  redis.call('HDEL', P .. 'srecords', s)
  redis.call('ZREM', P .. 'sessions', s)
end
-- Sessions whose keys have expired leave the counts (this one first, then at most 100 others).
local function purge()
  local mine = redis.call('ZSCORE', P .. 'sessions', h)
  if mine and tonumber(mine) <= now then forget(h) end
  for _, s in ipairs(redis.call('ZRANGEBYSCORE', P .. 'sessions', '-inf', now, 'LIMIT', 0, 100)) do forget(s) end
end
local function renew()
  redis.call('PEXPIRE', meta, ttl)
  redis.call('PEXPIRE', colls, ttl)
  for _, k in ipairs(redis.call('SMEMBERS', colls)) do redis.call('PEXPIRE', k, ttl) end
  redis.call('ZADD', P .. 'sessions', now + ttl, h)
end
local function account(bytes, records)
  redis.call('HINCRBY', P .. 'sbytes', h, bytes)
  redis.call('HINCRBY', P .. 'srecords', h, records)
  redis.call('INCRBY', P .. 'bytes', bytes)
  redis.call('INCRBY', P .. 'records', records)
end
local function over(more, maxBytes)
  return tonumber(redis.call('GET', P .. 'bytes') or '0') + more > tonumber(maxBytes)
end
-- A collection's version is "<epoch>.<n>": n alone restarts at 1 when Redis loses its data
-- (FLUSHDB, a restart without persistence), and a replica's cached answer of an old "n" would be
-- served again. The epoch is the time the counter began, so it differs after such a loss.
local function bump(name)
  local e = redis.call('GET', P .. 'epoch')
  if not e then
    redis.call('SET', P .. 'epoch', t[1] .. string.format('%06d', tonumber(t[2])), 'NX')
    e = redis.call('GET', P .. 'epoch')
  end
  local v = redis.call('INCR', P .. 'version')
  redis.call('HSET', meta, 'v|' .. name, e .. '.' .. v)
  return v
end
`;

/** The scripts, by name: [Lua, what it answers]. ARGV[4] on is each script's own. */
export const SCRIPTS = {
  /** ARGV: name. The collection's version (renewing the session past half its TTL), or nil. */
  version: `
local v = redis.call('HGET', meta, 'v|' .. ARGV[4])
if v then
  local left = redis.call('PTTL', meta)
  if left >= 0 and left < ttl / 2 then renew() end
end
return v`,

  /** ARGV: name, record hash, maxSessions, maxBytes, counter, then id, value, bytes per seeded record. Keeps the seed unless kept already. */
  seed: `
purge()
local name, rkey = ARGV[4], ARGV[5]
if redis.call('HEXISTS', meta, 'v|' .. name) == 1 then return 'ok' end
if not redis.call('ZSCORE', P .. 'sessions', h) and redis.call('ZCARD', P .. 'sessions') >= tonumber(ARGV[6]) then
  return 'sessions'
end
if over(0, ARGV[7]) then return 'bytes' end
redis.call('DEL', rkey)
local bytes, count = 0, 0
for i = 9, #ARGV, 3 do
  redis.call('HSET', rkey, ARGV[i], ARGV[i + 1])
  bytes = bytes + tonumber(ARGV[i + 2])
  count = count + 1
end
redis.call('HSET', meta, 'n|' .. ARGV[4], ARGV[8])
bump(name)
redis.call('SADD', colls, rkey)
account(bytes, count)
renew()
return 'ok'`,

  /** ARGV: name, record hash, maxRecords. The next number of the collection's id counter; -1: not kept; -2: full. */
  nextId: `
purge()
if redis.call('HEXISTS', meta, 'v|' .. ARGV[4]) == 0 then return -1 end
if redis.call('HLEN', ARGV[5]) >= tonumber(ARGV[6]) then return -2 end
return redis.call('HINCRBY', meta, 'n|' .. ARGV[4], 1)`,

  /** ARGV: name, record hash, maxRecords, maxBytes, id, JSON, bytes. Keeps a new record. */
  create: `
purge()
local name, rkey = ARGV[4], ARGV[5]
if redis.call('HEXISTS', meta, 'v|' .. name) == 0 then return 'seed' end
if redis.call('HLEN', rkey) >= tonumber(ARGV[6]) then return 'records' end
if over(tonumber(ARGV[10]), ARGV[7]) then return 'bytes' end
if redis.call('HEXISTS', rkey, ARGV[8]) == 1 then return 'taken' end
local v = bump(name)
redis.call('HSET', rkey, ARGV[8], v .. '\\n' .. ARGV[9])
account(tonumber(ARGV[10]), 1)
renew()
return 'ok'`,

  /**
   * ARGV: name, record hash, maxRecords, maxBytes, the id's placeholder (quoted, as it is in the
   * JSON), the JSON, then the seeded ids. Numeric ids in one call: the next number of the counter
   * that no seeded record had, put where the placeholder is. Answers the id, or why not.
   */
  createNumbered: `
purge()
local name, rkey = ARGV[4], ARGV[5]
if redis.call('HEXISTS', meta, 'v|' .. name) == 0 then return 'seed' end
if redis.call('HLEN', rkey) >= tonumber(ARGV[6]) then return 'records' end
local seeded = {}
for i = 10, #ARGV do seeded[ARGV[i]] = true end
local n
repeat n = redis.call('HINCRBY', meta, 'n|' .. name, 1) until not seeded[tostring(n)]
local at = string.find(ARGV[9], ARGV[8], 1, true)
local json = string.sub(ARGV[9], 1, at - 1) .. n .. string.sub(ARGV[9], at + #ARGV[8])
if over(#json, ARGV[7]) then return 'bytes' end
local v = bump(name)
redis.call('HSET', rkey, tostring(n), v .. '\\n' .. json)
account(#json, 1)
renew()
return n`,

  /** ARGV: name, record hash, id. {kept, value or false}. */
  peek: `
if redis.call('HEXISTS', meta, 'v|' .. ARGV[4]) == 0 then return {0, false} end
return {1, redis.call('HGET', ARGV[5], ARGV[6])}`,

  /** ARGV: name, record hash, maxBytes, id, the value read, new JSON. Replaces the record if it is still the value read. */
  update: `
purge()
local name, rkey = ARGV[4], ARGV[5]
if redis.call('HEXISTS', meta, 'v|' .. name) == 0 then return 'seed' end
local current = redis.call('HGET', rkey, ARGV[7])
if not current then return 'missing' end
if current ~= ARGV[8] then return 'conflict' end
local cut = string.find(current, '\\n', 1, true)
local delta = #ARGV[9] - (#current - cut)
if delta > 0 and over(delta, ARGV[6]) then return 'bytes' end
redis.call('HSET', rkey, ARGV[7], string.sub(current, 1, cut) .. ARGV[9])
bump(name)
account(delta, 0)
renew()
return 'ok'`,

  /** ARGV: name, record hash, id. Forgets a record. */
  remove: `
purge()
local name, rkey = ARGV[4], ARGV[5]
if redis.call('HEXISTS', meta, 'v|' .. name) == 0 then return 'seed' end
local current = redis.call('HGET', rkey, ARGV[6])
if not current then return 'missing' end
redis.call('HDEL', rkey, ARGV[6])
bump(name)
account(-(#current - string.find(current, '\\n', 1, true)), -1)
renew()
return 'ok'`,

  /** Forgets the session. */
  reset: `
for _, k in ipairs(redis.call('SMEMBERS', colls)) do redis.call('DEL', k) end
redis.call('DEL', meta, colls)
forget(h)
return 'ok'`,

  /** {sessions, records, bytes}, expired sessions left out. */
  stats: `
purge()
return {redis.call('ZCARD', P .. 'sessions'), tonumber(redis.call('GET', P .. 'records') or '0'), tonumber(redis.call('GET', P .. 'bytes') or '0')}`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** A script's whole Lua text. */
export const luaOf = (name: ScriptName): string => PRELUDE + SCRIPTS[name];
