package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.redis.RedisTierStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import redis.clients.jedis.RedisClient;

/**
 * HOT on Redis: a Jedis {@link RedisClient} of the store's own, on {@code
 * tiered-memory...redis.url} or Spring Boot's {@code spring.data.redis.*} settings, closed after
 * the store.
 */
final class RedisTier {
  private RedisTier() {}

  static TierStore create(
      String name, StoreProperties.Redis p, String prefix, Environment environment) {
    String url = p.getUrl() != null ? p.getUrl() : url(environment);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidTieredMemoryPropertyException(
          prefix + ".url",
          redact(url),
          new IllegalArgumentException("not a URI: " + e.getReason()));
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new InvalidTieredMemoryPropertyException(
          prefix + ".url",
          redact(url),
          new IllegalArgumentException("the scheme must be redis or rediss"));
    }
    RedisTierStore.Builder b;
    RedisClient client = RedisClient.create(uri);
    try {
      b = RedisTierStore.builder(client);
      String keyPrefix = p.getPrefix() != null ? p.getPrefix() : "tm:" + name + ":";
      TieredMemoryFactory.checked(prefix, "prefix", keyPrefix, () -> b.prefix(keyPrefix));
      if (p.getTtl() != null) {
        TieredMemoryFactory.checked(prefix, "ttl", p.getTtl(), () -> b.ttl(p.getTtl()));
      }
      return new OwningRedisStore(b.build(), client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Spring Boot's Redis settings as a URL: {@code spring.data.redis.url}, else one built from
   * {@code host}, {@code port}, {@code username}, {@code password}, {@code database} and {@code
   * ssl.enabled} (Boot's defaults: localhost, 6379, database 0).
   */
  static String url(Environment env) {
    String url = env.getProperty("spring.data.redis.url");
    if (url != null && !url.isBlank()) {
      return url;
    }
    boolean ssl = env.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
    String host = env.getProperty("spring.data.redis.host", "localhost");
    int port = env.getProperty("spring.data.redis.port", Integer.class, 6379);
    int database = env.getProperty("spring.data.redis.database", Integer.class, 0);
    String user = env.getProperty("spring.data.redis.username");
    String password = env.getProperty("spring.data.redis.password");
    StringBuilder s = new StringBuilder(ssl ? "rediss://" : "redis://");
    if (password != null && !password.isEmpty()) {
      s.append(user != null ? encode(user) : "").append(':').append(encode(password)).append('@');
    }
    return s.append(host).append(':').append(port).append('/').append(database).toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The URL without its password, for messages. */
  static String redact(@Nullable String url) {
    return url == null ? "null" : url.replaceAll("(?<=//)([^:/@]*):[^@/]*@", "$1:****@");
  }

  /** The Redis tier, closing its own client after itself. */
  private static final class OwningRedisStore extends ForwardingTierStore {
    private final RedisClient client;

    OwningRedisStore(TierStore delegate, RedisClient client) {
      super(delegate);
      this.client = client;
    }

    @Override
    public void close() {
      try {
        super.close();
      } finally {
        client.close();
      }
    }
  }
}
