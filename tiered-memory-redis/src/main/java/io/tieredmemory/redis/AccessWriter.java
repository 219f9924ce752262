package io.tieredmemory.redis;

import io.tieredmemory.core.spi.AccessBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZAddParams;

/**
 * Writes one batch of buffered read statistics: one pipeline holding an ACCESS script per key
 * (count and last access, on present hashes only) and one {@code ZADD XX GT} raising their index
 * scores.
 */
final class AccessWriter implements AccessBuffer.Writer {
  static final ZAddParams RAISE_EXISTING = ZAddParams.zAddParams().xx().gt();

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final String ttlArg;

  AccessWriter(UnifiedJedis jedis, Keys keys, String ttlArg) {
    this.jedis = jedis;
    this.keys = keys;
    this.ttlArg = ttlArg;
  }

  @Override
  public void write(List<AccessBuffer.Pending> batch) {
    List<Response<Object>> answers = new ArrayList<>(batch.size());
    List<List<String>> args = new ArrayList<>(batch.size());
    List<String> hashes = new ArrayList<>(batch.size());
    Map<String, Double> scores = new HashMap<>();
    Response<Long> scored;
    try (AbstractPipeline p = jedis.pipelined()) {
      for (AccessBuffer.Pending a : batch) {
        List<String> arg =
            List.of(Long.toString(a.reads()), Long.toString(a.lastAccessMillis()), ttlArg);
        String hash = keys.memory(a.key());
        args.add(arg);
        hashes.add(hash);
        answers.add(Scripts.ACCESS.queue(p, hash, arg));
        scores.put(a.key(), (double) a.lastAccessMillis());
      }
      // XX: a key removed meanwhile is not re-added; GT: scores only rise, and stay at most the
      // hash's last access, which the script raised to at least this value.
      scored = p.zadd(keys.index(), scores, RAISE_EXISTING);
      p.sync();
    }
    for (int i = 0; i < batch.size(); i++) {
      Scripts.ACCESS.result(jedis, answers.get(i), hashes.get(i), args.get(i));
    }
    scored.get();
  }
}
