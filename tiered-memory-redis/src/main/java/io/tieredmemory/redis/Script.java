package io.tieredmemory.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A single-key Lua script, called with EVALSHA. A server that does not know it yet (first use,
 * restart, failover, SCRIPT FLUSH) answers NOSCRIPT; the call is then repeated once with EVAL,
 * which also caches the script on that node for the next EVALSHA. No SCRIPT LOAD is needed, which
 * in a cluster would have to reach every node.
 */
final class Script {
  private final String name;
  private final String source;
  private final String sha;

  Script(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /** Runs the script on {@code key}: one round trip, two the first time a node sees it. */
  Object eval(UnifiedJedis jedis, String key, List<String> args) {
    List<String> keys = List.of(key);
    try {
      return jedis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return jedis.eval(source, keys, args);
    }
  }

  /** Queues the script on {@code key} in a pipeline; read the answer with {@link #result}. */
  Response<Object> queue(AbstractPipeline pipeline, String key, List<String> args) {
    return pipeline.evalsha(sha, List.of(key), args);
  }

  /** The answer of a queued call, repeated with EVAL on its own if the node answered NOSCRIPT. */
  Object result(UnifiedJedis jedis, Response<Object> response, String key, List<String> args) {
    try {
      return response.get();
    } catch (JedisNoScriptException e) {
      return jedis.eval(source, List.of(key), args);
    }
  }

  @Override
  public String toString() {
    return name + "(" + sha + ")";
  }

  private static String sha1(String source) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }
}
