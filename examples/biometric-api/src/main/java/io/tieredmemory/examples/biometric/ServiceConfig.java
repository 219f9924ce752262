package io.tieredmemory.examples.biometric;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the service listens and which tiers it uses, from environment variables (and optionally a
 * properties file with the same names; the environment wins).
 *
 * <table>
 *   <caption>variables</caption>
 *   <tr><td>{@code DEMO_PORT}</td><td>port, default 8080 (0 picks a free one)</td></tr>
 *   <tr><td>{@code DEMO_BIND}</td><td>address to bind, default 127.0.0.1</td></tr>
 *   <tr><td>{@code DEMO_REVEAL_KEYS}</td><td>show keys in /memory/events, default false</td></tr>
 *   <tr><td>{@code TM_REDIS_URL}</td><td>HOT on Redis, e.g. redis://127.0.0.1:6379</td></tr>
 *   <tr><td>{@code TM_PG_JDBC_URL}, {@code TM_PG_USER}, {@code TM_PG_PASSWORD}</td>
 *       <td>WARM on PostgreSQL</td></tr>
 *   <tr><td>{@code TM_CHROMA_URL}</td><td>COLD on Chroma, e.g. http://127.0.0.1:8000</td></tr>
 * </table>
 *
 * <p>A tier whose variable is not set is in process. {@link #toString()} and {@link
 * #describeTiers()} never show the PostgreSQL password or credentials embedded in URLs.
 *
 * @param bind the address to bind
 * @param port the port
 * @param revealKeys whether the decision feed shows keys (they hold user ids) instead of hashes
 * @param redisUrl the Redis URL, if HOT is on Redis
 * @param pgJdbcUrl the JDBC URL, if WARM is on PostgreSQL
 * @param pgUser the PostgreSQL user, if given
 * @param pgPassword the PostgreSQL password, if given
 * @param chromaUrl the Chroma base URL, if COLD is on Chroma
 * @param redisPrefix the prefix of the Redis keys
 * @param pgTable the PostgreSQL table
 * @param chromaCollection the Chroma collection
 */
record ServiceConfig(
    String bind,
    int port,
    boolean revealKeys,
    Optional<String> redisUrl,
    Optional<String> pgJdbcUrl,
    Optional<String> pgUser,
    Optional<String> pgPassword,
    Optional<String> chromaUrl,
    String redisPrefix,
    String pgTable,
    String chromaCollection) {

  static final String PORT = "DEMO_PORT";
  static final String BIND = "DEMO_BIND";
  static final String REVEAL_KEYS = "DEMO_REVEAL_KEYS";
  static final String REDIS_URL = "TM_REDIS_URL";
  static final String PG_JDBC_URL = "TM_PG_JDBC_URL";
  static final String PG_USER = "TM_PG_USER";
  static final String PG_PASSWORD = "TM_PG_PASSWORD";
  static final String CHROMA_URL = "TM_CHROMA_URL";
  static final String REDIS_PREFIX = "TM_REDIS_PREFIX";
  static final String PG_TABLE = "TM_PG_TABLE";
  static final String CHROMA_COLLECTION = "TM_CHROMA_COLLECTION";

  /** The variables {@code --real} needs. */
  static final List<String> REAL_VARIABLES =
      List.of(REDIS_URL, PG_JDBC_URL, PG_USER, PG_PASSWORD, CHROMA_URL);

  /** Thrown for a missing or invalid setting; the message names the variable and the value. */
  static final class ConfigException extends Exception {
    ConfigException(String message) {
      super(message);
    }
  }

  /** Nothing configured: 127.0.0.1:8080, every tier in process. */
  static ServiceConfig defaults() {
    try {
      return load(Map.of(), new Properties());
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the settings from {@code env}, falling back to {@code file} (a properties file with the
   * same names), then to the defaults. Blank values count as unset.
   *
   * @throws ConfigException naming the variable whose value is invalid
   */
  static ServiceConfig load(Map<String, String> env, Properties file) throws ConfigException {
    Lookup in = new Lookup(env, file);
    String bind = in.get(BIND).orElse("127.0.0.1");
    int port = port(in.get(PORT).orElse("8080"));
    boolean reveal = bool(REVEAL_KEYS, in.get(REVEAL_KEYS).orElse("false"));
    Optional<String> redis = in.get(REDIS_URL);
    if (redis.isPresent()) {
      checkUrl(REDIS_URL, redis.get(), "redis", "rediss");
    }
    Optional<String> jdbc = in.get(PG_JDBC_URL);
    if (jdbc.isPresent() && !jdbc.get().startsWith("jdbc:postgresql:")) {
      throw new ConfigException(
          PG_JDBC_URL + " must start with jdbc:postgresql:, was '" + redactUrl(jdbc.get()) + "'");
    }
    Optional<String> chroma = in.get(CHROMA_URL);
    if (chroma.isPresent()) {
      checkUrl(CHROMA_URL, chroma.get(), "http", "https");
    }
    return new ServiceConfig(
        bind,
        port,
        reveal,
        redis,
        jdbc,
        in.get(PG_USER),
        in.get(PG_PASSWORD),
        chroma,
        in.get(REDIS_PREFIX).orElse("tm:biometric-api:"),
        in.get(PG_TABLE).orElse("biometric_memory"),
        in.get(CHROMA_COLLECTION).orElse("biometric_memory"));
  }

  /** A copy listening on another port. */
  ServiceConfig withPort(int newPort) {
    return new ServiceConfig(
        bind,
        newPort,
        revealKeys,
        redisUrl,
        pgJdbcUrl,
        pgUser,
        pgPassword,
        chromaUrl,
        redisPrefix,
        pgTable,
        chromaCollection);
  }

  /**
   * Checks that every tier is configured, as {@code --real} asks.
   *
   * @throws ConfigException naming each variable that is not set
   */
  void requireReal() throws ConfigException {
    List<String> missing = new ArrayList<>();
    Map<String, Optional<String>> given =
        Map.of(
            REDIS_URL, redisUrl,
            PG_JDBC_URL, pgJdbcUrl,
            PG_USER, pgUser,
            PG_PASSWORD, pgPassword,
            CHROMA_URL, chromaUrl);
    for (String name : REAL_VARIABLES) {
      if (given.get(name).isEmpty()) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(
          "--real needs "
              + String.join(", ", missing)
              + (missing.size() == 1 ? " to be set" : " to be set (all of them)")
              + "; start the servers with scripts/demo.sh --real, or export "
              + String.join(", ", REAL_VARIABLES));
    }
  }

  /** One line naming each tier's backend and where it is, without credentials. */
  String describeTiers() {
    return "hot="
        + redisUrl.map(u -> "redis " + redactUrl(u)).orElse("in-process")
        + ", warm="
        + pgJdbcUrl.map(u -> "postgres " + redactUrl(u)).orElse("in-process")
        + ", cold="
        + chromaUrl.map(u -> "chroma " + redactUrl(u)).orElse("in-process");
  }

  /** Never shows the password or URL credentials. */
  @Override
  public String toString() {
    return "ServiceConfig["
        + bind
        + ":"
        + port
        + ", "
        + describeTiers()
        + pgUser.map(u -> ", pgUser=" + u).orElse("")
        + pgPassword.map(p -> ", pgPassword=***").orElse("")
        + ", revealKeys="
        + revealKeys
        + "]";
  }

  /**
   * A URL without user info, query or fragment (where credentials and tokens go), e.g. {@code
   * redis://***@127.0.0.1:6379}.
   */
  static String redactUrl(String url) {
    String s = url;
    int scheme = s.indexOf("://");
    int hostStart = scheme < 0 ? 0 : scheme + 3;
    int at = s.lastIndexOf('@');
    int slash = s.indexOf('/', hostStart);
    if (at >= hostStart && (slash < 0 || at < slash)) {
      s = s.substring(0, hostStart) + "***@" + s.substring(at + 1);
    }
    int cut = s.length();
    for (char c : new char[] {'?', '#', ';'}) {
      int i = s.indexOf(c, hostStart);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return cut < s.length() ? s.substring(0, cut) + "?***" : s;
  }

  private static int port(String value) throws ConfigException {
    try {
      int p = Integer.parseInt(value.trim());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(PORT + " must be a port number 0-65535, was '" + value + "'");
  }

  private static boolean bool(String name, String value) throws ConfigException {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new ConfigException(name + " must be true or false, was '" + value + "'");
    }
  }

  private static void checkUrl(String name, String value, String... schemes)
      throws ConfigException {
    URI uri;
    try {
      uri = URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name + " is not a URL: '" + redactUrl(value) + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!List.of(schemes).contains(scheme) || uri.getHost() == null) {
      throw new ConfigException(
          name
              + " must be a "
              + String.join(" or ", schemes)
              + " URL with a host, was '"
              + redactUrl(value)
              + "'");
    }
  }

  /** Environment first, then the file; blank is unset. */
  private record Lookup(Map<String, String> env, Properties file) {
    Optional<String> get(String name) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        v = file.getProperty(name);
      }
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }
  }
}
