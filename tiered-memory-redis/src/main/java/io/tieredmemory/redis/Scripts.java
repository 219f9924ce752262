package io.tieredmemory.redis;

/**
 * The store's Lua scripts. Each touches exactly one key (the memory's hash, {@code KEYS[1]}), so it
 * runs unchanged on Redis Cluster, where a script's keys must share a slot; the index and the byte
 * counter live in other slots and are updated by the caller right after.
 *
 * <p>Versions and times travel as decimal strings and are compared as such ({@code lt}: shorter is
 * smaller, then byte by byte), because Lua numbers are doubles and would round versions above 2^53.
 * Callers pass canonical non-negative decimals ({@code Long.toString} of values {@code >= 0}).
 */
final class Scripts {
  private Scripts() {}

  private static final String HELPERS =
      """
      local function lt(a, b)
        if #a ~= #b then return #a < #b end
        for i = 1, #a do
          local x, y = string.byte(a, i), string.byte(b, i)
          if x ~= y then return x < y end
        end
        return false
      end
      local function inc(s)
        local i = #s
        while i > 0 and string.byte(s, i) == 57 do i = i - 1 end
        if i == 0 then return '1' .. string.rep('0', #s) end
        return string.sub(s, 1, i - 1) .. string.char(string.byte(s, i) + 1)
          .. string.rep('0', #s - i)
      end
      local function embedding(e)
        if e == '' then redis.call('HDEL', KEYS[1], 'e') else redis.call('HSET', KEYS[1], 'e', e) end
      end
      local function expire(ttl)
        if ttl ~= '0' then redis.call('PEXPIRE', KEYS[1], ttl) end
      end
      """;

  /**
   * ARGV: content, metadata, createdAt, updatedAt, proposed version, now, size, ttl, embedding (''
   * for none: the field is deleted). Stores version max(proposal, old + 1), keeps the old createdAt
   * and count, last access max(now, old). Returns {version, createdAt, count, last access, old size
   * ('0' if absent)}.
   */
  static final Script UPSERT =
      new Script(
          "upsert",
          HELPERS
              + """
              local old = redis.call('HMGET', KEYS[1], 'v', 'ca', 'n', 'la', 'sz')
              local v, ca, n, la, oldsz = ARGV[5], ARGV[3], '0', ARGV[6], '0'
              if old[1] then
                local nxt = inc(old[1])
                if lt(v, nxt) then v = nxt end
                ca, n, oldsz = old[2], old[3], old[5]
                if lt(la, old[4]) then la = old[4] end
              end
              redis.call('HSET', KEYS[1], 'v', v, 'c', ARGV[1], 'm', ARGV[2], 'ca', ca,
                'ua', ARGV[4], 'n', n, 'la', la, 'sz', ARGV[7])
              embedding(ARGV[9])
              expire(ARGV[8])
              return {v, ca, n, la, oldsz}
              """);

  /**
   * ARGV: content, metadata, createdAt, updatedAt, version, count, last access, size, ttl,
   * embedding ('' for none: the field is deleted). Stores the copy iff absent or holding a version
   * {@code <=} the copy's. Returns the old size ('0' if absent) when stored, nil when refused.
   */
  static final Script COPY_IN =
      new Script(
          "copyIn",
          HELPERS
              + """
              local old = redis.call('HMGET', KEYS[1], 'v', 'sz')
              if old[1] and lt(ARGV[5], old[1]) then return false end
              redis.call('HSET', KEYS[1], 'v', ARGV[5], 'c', ARGV[1], 'm', ARGV[2], 'ca', ARGV[3],
                'ua', ARGV[4], 'n', ARGV[6], 'la', ARGV[7], 'sz', ARGV[8])
              embedding(ARGV[10])
              expire(ARGV[9])
              return old[2] or '0'
              """);

  /**
   * ARGV: mode ('any', 'eq': version equal, 'lt': stored version older), version. Returns the
   * removed size, nil when nothing was removed.
   */
  static final Script REMOVE =
      new Script(
          "remove",
          HELPERS
              + """
              local old = redis.call('HMGET', KEYS[1], 'v', 'sz')
              if not old[1] then return false end
              local mode = ARGV[1]
              if mode == 'eq' and old[1] ~= ARGV[2] then return false end
              if mode == 'lt' and not lt(old[1], ARGV[2]) then return false end
              redis.call('DEL', KEYS[1])
              return old[2]
              """);

  /**
   * ARGV: count delta, last access, ttl. For a present hash only (so a read racing a removal never
   * resurrects a partial hash): adds to the count, raises the last access. Returns 1 if present.
   * Serves both the buffered read statistics and {@code touch} (delta 0).
   */
  static final Script ACCESS =
      new Script(
          "access",
          HELPERS
              + """
              local la = redis.call('HGET', KEYS[1], 'la')
              if not la then return 0 end
              if ARGV[1] ~= '0' then redis.call('HINCRBY', KEYS[1], 'n', ARGV[1]) end
              if lt(la, ARGV[2]) then redis.call('HSET', KEYS[1], 'la', ARGV[2]) end
              expire(ARGV[3])
              return 1
              """);
}
