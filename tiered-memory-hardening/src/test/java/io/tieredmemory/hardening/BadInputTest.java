package io.tieredmemory.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.MemoryLimits;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.metrics.MetricNames;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryEndpoint;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;
import redis.clients.jedis.RedisClient;

/**
 * Bad input without servers: every refused key, content, metadata and call of {@link BadInput}, and
 * bad configuration values of every builder, each refused with an {@link IllegalArgumentException}
 * that names the field and shows the value (abbreviated, control characters escaped, secrets left
 * out); every accepted value walked through the in-process tiers. {@link BadInputIT} walks the
 * accepted values through Redis, PostgreSQL and Chroma.
 */
class BadInputTest {
  private static final String SECRET = "s3cr3t-Pa55word-9f1c";

  /** Built but never connected: builders check their values before any call. */
  private static RedisClient jedis;

  private static final DataSource NOWHERE = new PGSimpleDataSource();
  private static final URI CHROMA = URI.create("http://127.0.0.1:9");

  @BeforeAll
  static void client() {
    jedis = RedisClient.create("redis://127.0.0.1:9");
  }

  @AfterAll
  static void closeClient() {
    jedis.close();
  }

  static Stream<BadInput.Refused> refusedInput() {
    return BadInput.refused().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedInput")
  void input_refusedNamingFieldAndValue_nothingStored(BadInput.Refused c) {
    try (TieredMemory store = TieredMemory.builder("bad").discoverObservers(false).build()) {
      Throwable thrown = catchThrowable(() -> c.call().accept(store));

      assertThat(thrown).as(c.name()).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage())
          .as(c.name())
          .contains(c.field())
          .contains(c.shown())
          .hasSizeLessThan(400);
      assertThat(store.stats().tier(Tier.WARM).items()).as("nothing stored").isZero();
      assertThat(store.stats().tier(Tier.HOT).items()).isZero();
    }
  }

  /** A bad configuration value: what is called, the field named, a part of the value shown. */
  record Config(String name, ThrowingCallable call, String field, String shown) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Config> badConfig() {
    Duration zero = Duration.ZERO;
    Duration negative = Duration.ofSeconds(-5);
    return Stream.of(
        // the store
        new Config("store name null", () -> TieredMemory.builder(null), "name", "null"),
        new Config("store name blank", () -> TieredMemory.builder(" "), "name", "' '"),
        new Config(
            "store name with space", () -> TieredMemory.builder("my store"), "name", "'my store'"),
        new Config(
            "store name SQL", () -> TieredMemory.builder(BadInput.SQL), "name", "DROP TABLE"),
        new Config(
            "store name 65 chars", () -> TieredMemory.builder("n".repeat(65)), "name", "nnnn"),
        new Config(
            "sweepEvery zero",
            () -> TieredMemory.builder("s").sweepEvery(zero),
            "sweepEvery",
            "PT0S"),
        new Config(
            "sweepEvery negative",
            () -> TieredMemory.builder("s").sweepEvery(negative),
            "sweepEvery",
            "PT-5S"),
        new Config(
            "sweepEvery null",
            () -> TieredMemory.builder("s").sweepEvery(null),
            "sweepEvery",
            "null"),
        new Config(
            "sweepEvery 1000 days",
            () -> TieredMemory.builder("s").sweepEvery(Duration.ofDays(1000)),
            "sweepEvery",
            "PT24000H"),
        new Config("hot null", () -> TieredMemory.builder("s").hot(null), "hot", "null"),
        new Config(
            "coordinator null",
            () -> TieredMemory.builder("s").coordinator(null),
            "coordinator",
            "null"),
        // the policy
        new Config(
            "promote 0 reads",
            () -> TieringPolicy.custom().promoteAfter(0, Duration.ofMinutes(1)),
            "promotion.reads",
            "was 0"),
        new Config(
            "promote window zero",
            () -> TieringPolicy.custom().promoteAfter(3, zero),
            "promotion.window",
            "PT0S"),
        new Config(
            "promote window negative",
            () -> TieringPolicy.custom().promoteAfter(3, negative),
            "promotion.window",
            "PT-5S"),
        new Config(
            "demote idle zero",
            () -> TieringPolicy.custom().demoteWhenIdle(zero),
            "demotion.idle",
            "PT0S"),
        new Config(
            "demote idle null",
            () -> TieringPolicy.custom().demoteWhenIdle(null),
            "demotion.idle",
            "null"),
        new Config(
            "hot capacity 0",
            () -> TieringPolicy.custom().hotCapacity(0),
            "demotion.capacity",
            "was 0"),
        new Config(
            "hot capacity negative",
            () -> TieringPolicy.custom().hotCapacity(-10),
            "demotion.capacity",
            "was -10"),
        new Config(
            "archive idle negative",
            () -> TieringPolicy.custom().archiveWhenIdle(negative),
            "archive.idle",
            "PT-5S"),
        new Config(
            "archive sooner than demotion",
            () ->
                TieringPolicy.custom()
                    .demoteWhenIdle(Duration.ofHours(2))
                    .archiveWhenIdle(Duration.ofHours(1))
                    .build(),
            "archive.idle",
            "PT1H"),
        new Config(
            "sweep batch 0",
            () -> TieringPolicy.custom().sweepBatchSize(0),
            "sweepBatchSize",
            "was 0"),
        new Config(
            "max moves negative",
            () -> TieringPolicy.custom().maxMovesPerSweep(-1),
            "maxMovesPerSweep",
            "was -1"),
        new Config(
            "promote to hot without rehydration",
            () -> TieringPolicy.custom().rehydrate(false, true),
            "rehydration.promoteToHot",
            "false"),
        // limits
        new Config(
            "limit key length 0",
            () -> MemoryLimits.defaults().withMaxKeyLength(0),
            "maxKeyLength",
            "was 0"),
        new Config(
            "limit content length negative",
            () -> MemoryLimits.defaults().withMaxContentLength(-1),
            "maxContentLength",
            "was -1"),
        new Config(
            "limit metadata entries negative",
            () -> new MemoryLimits(10, 10, -1, 10, 10),
            "maxMetadataEntries",
            "was -1"),
        // Redis
        new Config("redis client null", () -> RedisTierStore.builder(null), "jedis", "null"),
        new Config(
            "redis prefix blank",
            () -> RedisTierStore.builder(jedis).prefix("  "),
            "prefix",
            "'  '"),
        new Config(
            "redis prefix with space",
            () -> RedisTierStore.builder(jedis).prefix("tm agent:"),
            "prefix",
            "'tm agent:'"),
        new Config(
            "redis prefix with NUL",
            () -> RedisTierStore.builder(jedis).prefix("tm\u0000:"),
            "prefix",
            "U+0000"),
        new Config(
            "redis prefix 129 chars",
            () -> RedisTierStore.builder(jedis).prefix("p".repeat(129)),
            "prefix",
            "was 129 chars"),
        new Config(
            "redis flush interval zero",
            () -> RedisTierStore.builder(jedis).accessFlushInterval(zero),
            "accessFlushInterval",
            "PT0S"),
        new Config(
            "redis flush interval 1ns",
            () -> RedisTierStore.builder(jedis).accessFlushInterval(Duration.ofNanos(1)),
            "accessFlushInterval",
            "PT0.000000001S"),
        new Config(
            "redis ttl negative",
            () -> RedisTierStore.builder(jedis).ttl(negative),
            "ttl",
            "PT-5S"),
        // PostgreSQL
        new Config(
            "postgres data source null",
            () -> PostgresTierStore.builder(null),
            "dataSource",
            "null"),
        new Config(
            "postgres table SQL",
            () -> PostgresTierStore.builder(NOWHERE).table(BadInput.SQL),
            "table",
            "'; DROP TABLE"),
        new Config(
            "postgres table upper case",
            () -> PostgresTierStore.builder(NOWHERE).table("Memory"),
            "table",
            "'Memory'"),
        new Config(
            "postgres table starts with digit",
            () -> PostgresTierStore.builder(NOWHERE).table("1memory"),
            "table",
            "'1memory'"),
        new Config(
            "postgres table 64 chars",
            () -> PostgresTierStore.builder(NOWHERE).table("t".repeat(64)),
            "table",
            "tttt"),
        new Config(
            "postgres table empty",
            () -> PostgresTierStore.builder(NOWHERE).table(""),
            "table",
            "''"),
        new Config(
            "postgres table null",
            () -> PostgresTierStore.builder(NOWHERE).table(null),
            "table",
            "null"),
        new Config(
            "postgres table with NUL",
            () -> PostgresTierStore.builder(NOWHERE).table("t\u0000"),
            "table",
            "t\\u0000"),
        new Config(
            "postgres table reserved",
            () -> PostgresTierStore.builder(NOWHERE).table("tiered_memory_schema"),
            "table",
            "'tiered_memory_schema'"),
        new Config(
            "postgres flush interval negative",
            () -> PostgresTierStore.builder(NOWHERE).accessFlushInterval(negative),
            "accessFlushInterval",
            "PT-5S"),
        new Config(
            "coordinator namespace blank",
            () -> PostgresKeyCoordinator.builder(NOWHERE).namespace(" "),
            "namespace",
            "' '"),
        new Config(
            "coordinator lock timeout zero",
            () -> PostgresKeyCoordinator.builder(NOWHERE).lockTimeout(zero),
            "lockTimeout",
            "PT0S"),
        new Config(
            "coordinator lock timeout 100 days",
            () -> PostgresKeyCoordinator.builder(NOWHERE).lockTimeout(Duration.ofDays(100)),
            "lockTimeout",
            "PT2400H"),
        // Chroma
        new Config(
            "chroma url null",
            () -> ChromaTierStore.builder(null, Embedder.hashing()),
            "baseUrl",
            "null"),
        new Config(
            "chroma embedder null",
            () -> ChromaTierStore.builder(CHROMA, null),
            "embedder",
            "null"),
        new Config(
            "chroma url ftp",
            () -> ChromaTierStore.builder(URI.create("ftp://127.0.0.1/"), Embedder.hashing()),
            "baseUrl",
            "ftp://127.0.0.1/"),
        new Config(
            "chroma collection 2 chars",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).collection("ab"),
            "collection",
            "'ab'"),
        new Config(
            "chroma collection leading dash",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).collection("-abc"),
            "collection",
            "'-abc'"),
        new Config(
            "chroma collection SQL",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).collection(BadInput.SQL),
            "collection",
            "DROP TABLE"),
        new Config(
            "chroma collection 513 chars",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).collection("c".repeat(513)),
            "collection",
            "cccc..."),
        new Config(
            "chroma collection null",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).collection(null),
            "collection",
            "null"),
        new Config(
            "chroma tenant blank",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).tenant(""),
            "tenant",
            "''"),
        new Config(
            "chroma timeout zero",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).timeout(zero),
            "timeout",
            "PT0S"),
        new Config(
            "chroma batch size 0",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).maxBatchSize(0),
            "maxBatchSize",
            "was 0"),
        new Config(
            "chroma bytes cache ttl negative",
            () -> ChromaTierStore.builder(CHROMA, Embedder.hashing()).bytesCacheTtl(negative),
            "bytesCacheTtl",
            "PT-5S"),
        new Config(
            "chroma header value null",
            () ->
                ChromaTierStore.builder(CHROMA, Embedder.hashing()).header("x-chroma-token", null),
            "header value",
            "null"),
        // metrics
        new Config(
            "metrics refresh zero",
            () -> MetricsOptions.defaults().withStatsRefresh(zero),
            "statsRefresh",
            "PT0S"),
        new Config(
            "metrics buckets empty",
            () -> MetricsOptions.defaults().withRequestBuckets(List.of()),
            "requestBuckets",
            "empty"),
        new Config(
            "metric prefix upper case",
            () -> MetricNames.withPrefix("Tiered Memory"),
            "prefix",
            "'Tiered Memory'"),
        new Config("feed history 0", () -> DecisionFeed.builder().history(0), "history", "was 0"),
        new Config("feed salt blank", () -> DecisionFeed.builder().keySalt(" "), "keySalt", "' '"),
        new Config(
            "endpoint port -1", () -> TieredMemoryEndpoint.builder().port(-1), "port", "was -1"),
        new Config(
            "endpoint port 65536",
            () -> TieredMemoryEndpoint.builder().port(65536),
            "port",
            "was 65536"),
        new Config(
            "endpoint bind address blank",
            () -> TieredMemoryEndpoint.builder().bindAddress(""),
            "bindAddress",
            "''"),
        new Config(
            "endpoint user with colon",
            () -> TieredMemoryEndpoint.builder().basicAuth("a:b", SECRET),
            "username",
            "':'"),
        new Config(
            "endpoint password blank",
            () -> TieredMemoryEndpoint.builder().basicAuth("admin", " "),
            "password",
            "blank"),
        new Config(
            "endpoint event clients 0",
            () -> TieredMemoryEndpoint.builder().maxEventClients(0),
            "maxEventClients",
            "was 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfig")
  void config_refusedNamingFieldAndValue(Config c) {
    Throwable thrown = catchThrowable(c.call());

    assertThat(thrown).as(c.name()).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage())
        .as(c.name())
        .contains(c.field())
        .contains(c.shown())
        .hasSizeLessThan(400)
        .doesNotContain(SECRET);
  }

  static Stream<Arguments> secretsInConfig() {
    return Stream.of(
        Arguments.of(
            "chroma url with user info",
            (ThrowingCallable)
                () ->
                    ChromaTierStore.builder(
                        URI.create("http://admin:" + SECRET + "@127.0.0.1:8000"),
                        Embedder.hashing())),
        Arguments.of(
            "chroma url with a token in the query",
            (ThrowingCallable)
                () ->
                    ChromaTierStore.builder(
                        URI.create("http://127.0.0.1:8000/?token=" + SECRET), Embedder.hashing())),
        Arguments.of(
            "chroma ftp url with a token in the query",
            (ThrowingCallable)
                () ->
                    ChromaTierStore.builder(
                        URI.create("ftp://127.0.0.1/?token=" + SECRET), Embedder.hashing())),
        Arguments.of(
            "endpoint user blank, password given",
            (ThrowingCallable) () -> TieredMemoryEndpoint.builder().basicAuth(" ", SECRET)));
  }

  /** A value that carries a credential is refused without quoting it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("secretsInConfig")
  void config_withSecret_refusedWithoutShowingIt(String name, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);

    assertThat(thrown).as(name).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage()).as(name).doesNotContain(SECRET);
  }

  /** Every accepted value goes HOT, WARM, COLD and back to WARM, unchanged, in process. */
  @Test
  void acceptedInput_roundTripsThroughEveryInProcessTier() {
    ManualClock clock = new ManualClock();
    Map<Tier, TierStore> tiers =
        Map.of(
            Tier.HOT,
            InProcessTiers.hot(),
            Tier.WARM,
            InProcessTiers.warm(Embedder.hashing()),
            Tier.COLD,
            InProcessTiers.cold(Embedder.hashing()));
    try (TieredMemory store =
        TieredMemory.builder("bad")
            .hot(tiers.get(Tier.HOT))
            .warm(tiers.get(Tier.WARM))
            .cold(tiers.get(Tier.COLD))
            .clock(clock)
            .policy(TierJourney.POLICY)
            // The journey checks every tier after each step, rehydrations by reads included.
            .readMoves(ReadMoves.CALLER)
            .discoverObservers(false)
            .build()) {
      SoftAssertions softly = new SoftAssertions();
      TierJourney.run(store, tiers, clock, BadInput.accepted(), softly);
      softly.assertAll();
    }
  }
}
