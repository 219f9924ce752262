package io.tieredmemory.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Builder validation and failure propagation, without a server. */
class RedisTierStoreBuilderTest {
  private static RedisClient nowhere;

  @BeforeAll
  static void clientToAClosedPort() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // The pool connects lazily, so nothing is contacted until a store calls it.
    nowhere = RedisClient.create("127.0.0.1", port);
  }

  @AfterAll
  static void closeClient() {
    nowhere.close();
  }

  private static RedisTierStore.Builder builder() {
    return RedisTierStore.builder(nowhere);
  }

  @Test
  void builder_nullJedis_isRejected() {
    assertThatThrownBy(() -> RedisTierStore.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jedis must not be null");
  }

  @Test
  void build_defaults_usesDefaultPrefix() {
    try (RedisTierStore store = builder().build()) {
      assertThat(store.prefix()).isEqualTo("tm:default:").isEqualTo(RedisTierStore.DEFAULT_PREFIX);
      assertThat(store.kind()).isEqualTo("redis");
      assertThat(store.isRemote()).isTrue();
      assertThat(store.toString())
          .isEqualTo("RedisTierStore[prefix=tm:default:, accessFlushInterval=PT1S, ttl=none]");
    }
  }

  @Test
  void build_allOptions_areKept() {
    try (RedisTierStore store =
        builder()
            .prefix("tm:agent:")
            .accessFlushInterval(Duration.ofMillis(250))
            .ttl(Duration.ofHours(2))
            .build()) {
      assertThat(store.prefix()).isEqualTo("tm:agent:");
      assertThat(store.toString())
          .isEqualTo("RedisTierStore[prefix=tm:agent:, accessFlushInterval=PT0.25S, ttl=PT2H]");
    }
  }

  @Test
  void prefix_null_isRejected() {
    assertThatThrownBy(() -> builder().prefix(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix must not be null");
  }

  @Test
  void prefix_blank_isRejected() {
    assertThatThrownBy(() -> builder().prefix("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix must not be blank, was '   '");
    assertThatThrownBy(() -> builder().prefix(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix must not be blank, was ''");
  }

  @Test
  void prefix_whitespace_isRejectedNamingTheCharacter() {
    assertThatThrownBy(() -> builder().prefix("tm: agent:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefix must not contain whitespace or control characters, was 'tm: agent:'"
                + " (U+0020 at index 3)");
    assertThatThrownBy(() -> builder().prefix("tm:\u00a0x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+00A0 at index 3");
  }

  @Test
  void prefix_controlCharacter_isRejectedWithoutEchoingIt() {
    assertThatThrownBy(() -> builder().prefix("tm:\u0001x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefix must not contain whitespace or control characters, was 'tm:?x'"
                + " (U+0001 at index 3)");
    assertThatThrownBy(() -> builder().prefix("tm:\nx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+000A at index 3");
  }

  @Test
  void prefix_tooLong_isRejected() {
    String ok = "p".repeat(128);
    assertThat(builder().prefix(ok)).isNotNull();
    assertThatThrownBy(() -> builder().prefix("p".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("prefix must be at most 128 chars, was 129 chars: 'ppp");
  }

  @Test
  void accessFlushInterval_nonPositive_isRejected() {
    assertThatThrownBy(() -> builder().accessFlushInterval(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessFlushInterval must not be null");
    assertThatThrownBy(() -> builder().accessFlushInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessFlushInterval must be positive, was PT0S");
    assertThatThrownBy(() -> builder().accessFlushInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessFlushInterval must be positive, was PT-1S");
    assertThatThrownBy(() -> builder().accessFlushInterval(Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessFlushInterval must be >= 1ms, was PT0.00000001S");
  }

  @Test
  void ttl_nonPositive_isRejected() {
    assertThatThrownBy(() -> builder().ttl(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must not be null");
    assertThatThrownBy(() -> builder().ttl(Duration.ofMinutes(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive, was PT-5M");
    assertThatThrownBy(() -> builder().ttl(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be >= 1ms, was PT0.000999999S");
  }

  @Test
  void read_serverUnreachable_throwsTheJedisException() {
    try (RedisTierStore store = builder().build()) {
      assertThatThrownBy(() -> store.read("k", 0)).isInstanceOf(JedisConnectionException.class);
      assertThatThrownBy(store::count).isInstanceOf(JedisConnectionException.class);
    }
  }

  @Test
  void touch_negativeTime_isRejected() {
    try (RedisTierStore store = builder().build()) {
      assertThatThrownBy(() -> store.touch("k", -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("lastAccessMillis must be >= 0, was -1");
    }
  }
}
