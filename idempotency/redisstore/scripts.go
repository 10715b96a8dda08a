package redisstore

import "github.com/redis/go-redis/v9"

// The value stored at a key is one of
//
//	h<end>:<token>   held by token until end
//	d<end>           done until end
//
// with end in Unix milliseconds by the store's clock (negative before 1970, for a fake clock). Every script reads and writes only
// KEYS[1], so it runs on the node that owns the key, in Redis Cluster too. ARGV[1] is the
// caller's clock in Unix milliseconds, or "" for the server's clock (TIME).
const prelude = `
local function now()
  if ARGV[1] ~= '' then return tonumber(ARGV[1]) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- entry returns the state ('h' or 'd'), end and token at KEYS[1]; nil for no entry, and
-- 'x' for a value this store did not write.
local function entry()
  local v = redis.call('GET', KEYS[1])
  if not v then return nil end
  local st, e, tok = string.match(v, '^([hd])(%-?%d+):?(.*)$')
  if not st then return 'x' end
  return st, tonumber(e), tok
end

local foreign = 'redisstore: the key holds a value this store did not write'
`

// claimScript takes KEYS[1] if it is free. ARGV: now, lease in ms, Redis expiry in ms, new
// token. It returns {1, token, lease end} for Claimed, {2, "", lease end} for InFlight and
// {3, "", 0} for Done.
var claimScript = redis.NewScript(prelude + `
local t = now()
local st, e = entry()
if st == 'x' then return redis.error_reply(foreign) end
if st and t < e then
  if st == 'd' then return {3, '', 0} end
  return {2, '', e}
end
local ends = t + tonumber(ARGV[2])
redis.call('SET', KEYS[1], 'h' .. string.format('%d', ends) .. ':' .. ARGV[4], 'PX', ARGV[3])
return {1, ARGV[4], ends}
`)

// holds is the shared check of the scripts below: it returns the time, or returns from the
// script with 0 when ARGV[2] does not hold KEYS[1].
const holds = `
local t = now()
local st, e, tok = entry()
if st == 'x' then return redis.error_reply(foreign) end
if st ~= 'h' or tok ~= ARGV[2] or t >= e then return 0 end
`

// renewScript renews the lease of ARGV[2]. ARGV: now, token, lease in ms, Redis expiry in ms.
// It returns 1, or 0 when the token does not hold the key.
var renewScript = redis.NewScript(prelude + holds + `
redis.call('SET', KEYS[1], 'h' .. string.format('%d', t + tonumber(ARGV[3])) .. ':' .. tok, 'PX', ARGV[4])
return 1
`)

// completeScript marks the key done. ARGV: now, token, retention in ms, Redis expiry in ms. It
// returns 1, or 0 when the token does not hold the key.
var completeScript = redis.NewScript(prelude + holds + `
redis.call('SET', KEYS[1], 'd' .. string.format('%d', t + tonumber(ARGV[3])), 'PX', ARGV[4])
return 1
`)

// releaseScript frees the key. ARGV: now, token. It returns 1, or 0 when the token does not
// hold the key.
var releaseScript = redis.NewScript(prelude + holds + `
redis.call('DEL', KEYS[1])
return 1
`)
