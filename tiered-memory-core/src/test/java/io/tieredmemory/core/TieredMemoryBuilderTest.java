package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierObserver;
import io.tieredmemory.core.spi.TierStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TieredMemoryBuilderTest {

  private static TieredMemory.Builder builder() {
    return TieredMemory.builder("test").discoverObservers(false);
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        arguments(null, "was null"),
        arguments("", "was ''"),
        arguments("   ", "was '   '"),
        arguments("my store", "was 'my store'"),
        arguments("a".repeat(65), "was '" + "a".repeat(65) + "'"),
        arguments("tenant/agent", "was 'tenant/agent'"),
        arguments("caf\u00e9", "was 'caf\u00e9'"),
        arguments("name\n", "was 'name"));
  }

  @ParameterizedTest
  @MethodSource("badNames")
  void builder_invalidName(String name, String shown) {
    assertThatThrownBy(() -> TieredMemory.builder(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("name must be 1-64 letters, digits")
        .hasMessageContaining(shown);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "agent", "agent-1.prod_EU", "0"})
  void builder_validName(String name) {
    try (TieredMemory store = TieredMemory.builder(name).discoverObservers(false).build()) {
      assertThat(store.name()).isEqualTo(name);
    }
  }

  @Test
  void builder_nameOf64Chars() {
    String name = "n".repeat(64);

    try (TieredMemory store = TieredMemory.builder(name).discoverObservers(false).build()) {
      assertThat(store.name()).isEqualTo(name);
    }
  }

  static Stream<Arguments> nullSetters() {
    return Stream.of(
        arguments("hot", setter(b -> b.hot(null))),
        arguments("warm", setter(b -> b.warm(null))),
        arguments("cold", setter(b -> b.cold(null))),
        arguments("policy", setter(b -> b.policy(null))),
        arguments("clock", setter(b -> b.clock(null))),
        arguments("embedder", setter(b -> b.embedder(null))),
        arguments("limits", setter(b -> b.limits(null))),
        arguments("observer", setter(b -> b.observer(null))),
        arguments("consumer", setter(b -> b.observer(TierObserver.events(null)))),
        arguments("coordinator", setter(b -> b.coordinator(null))),
        arguments("sweepEvery", setter(b -> b.sweepEvery(null))));
  }

  private static Consumer<TieredMemory.Builder> setter(Consumer<TieredMemory.Builder> c) {
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullSetters")
  void setter_null(String field, Consumer<TieredMemory.Builder> call) {
    TieredMemory.Builder b = builder();

    assertThatThrownBy(() -> call.accept(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(field + " must not be null");
  }

  @ParameterizedTest
  @MethodSource
  void sweepEvery_notPositive(Duration interval) {
    TieredMemory.Builder b = builder();

    assertThatThrownBy(() -> b.sweepEvery(interval))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sweep")
        .hasMessageContaining("must be positive")
        .hasMessageContaining(interval.toString());
  }

  static Stream<Duration> sweepEvery_notPositive() {
    return Stream.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(-1));
  }

  @Test
  void sweepEvery_positive_buildsAndCloses() {
    TieredMemory store = builder().sweepEvery(Duration.ofHours(1)).build();

    store.close();

    assertThatThrownBy(store::sweep).isInstanceOf(IllegalStateException.class);
  }

  static Stream<Arguments> sharedStores() {
    return Stream.of(
        arguments(
            named(
                "hot == warm",
                wiring(
                    (b, s) -> {
                      b.hot(s);
                      b.warm(s);
                    }))),
        arguments(
            named(
                "warm == cold",
                wiring(
                    (b, s) -> {
                      b.warm(s);
                      b.cold(s);
                    }))),
        arguments(
            named(
                "hot == cold",
                wiring(
                    (b, s) -> {
                      b.hot(s);
                      b.cold(s);
                    }))),
        arguments(
            named(
                "all three",
                wiring(
                    (b, s) -> {
                      b.hot(s);
                      b.warm(s);
                      b.cold(s);
                    }))));
  }

  private static BiConsumer<TieredMemory.Builder, TierStore> wiring(
      BiConsumer<TieredMemory.Builder, TierStore> w) {
    return w;
  }

  @ParameterizedTest
  @MethodSource("sharedStores")
  void build_sameTierStoreTwice(BiConsumer<TieredMemory.Builder, TierStore> w) {
    TierStore shared = InProcessTiers.warm(Embedder.hashing());
    TieredMemory.Builder b = builder();
    w.accept(b, shared);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hot, warm and cold")
        .hasMessageContaining("distinct");
  }

  @Test
  void build_usesGivenTiersPolicyAndClock() {
    TierStore hot = InProcessTiers.plain();
    TierStore warm = InProcessTiers.warm(Embedder.hashing());
    TierStore cold = InProcessTiers.cold(Embedder.hashing());
    TieringPolicy policy = TieringPolicy.custom().hotCapacity(5).build();
    Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    try (TieredMemory store =
        builder().hot(hot).warm(warm).cold(cold).policy(policy).clock(clock).build()) {
      store.put("k", "v");
      assertThat(hot.peek("k")).as("the given HOT tier holds the write").isNotNull();
      assertThat(warm.peek("k")).as("the given WARM tier holds the write").isNotNull();
      assertThat(store.tier(Tier.HOT).searchable()).isFalse();
      assertThat(store.tier(Tier.COLD).searchable()).isTrue();
      assertThat(store.tier(Tier.WARM).count()).isEqualTo(1);
      assertThat(store.policy()).isSameAs(policy);
      assertThat(store.clock()).isSameAs(clock);
    }
  }

  @Test
  void build_warmWithoutADirectory_isRefusedNamingIt() {
    assertThatThrownBy(() -> builder().warm(InProcessTiers.plain()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warm must keep an archive directory and a reconcile journal");
  }

  @Test
  void build_observers_areAttachedOnceAndDetachedOnClose() {
    java.util.List<String> calls = new java.util.ArrayList<>();
    io.tieredmemory.core.spi.TierObserver o =
        new io.tieredmemory.core.spi.TierObserver() {
          @Override
          public void attached(TieredMemory store) {
            calls.add("attached " + store.name());
          }

          @Override
          public void detached(TieredMemory store) {
            calls.add("detached " + store.name());
          }
        };
    TieredMemory store = TieredMemory.builder("obs").observer(o).disableScheduledSweeps().build();
    assertThat(calls).containsExactly("attached obs");
    store.close();
    store.close();
    assertThat(calls).containsExactly("attached obs", "detached obs");
  }

  @Test
  void build_anObserverThatRefusesToAttach_failsTheBuildAndDetachesTheOthers() {
    java.util.List<String> calls = new java.util.ArrayList<>();
    io.tieredmemory.core.spi.TierObserver first =
        new io.tieredmemory.core.spi.TierObserver() {
          @Override
          public void detached(TieredMemory store) {
            calls.add("first detached");
          }
        };
    io.tieredmemory.core.spi.TierObserver refusing =
        new io.tieredmemory.core.spi.TierObserver() {
          @Override
          public void attached(TieredMemory store) {
            throw new IllegalStateException("bound to another store already");
          }
        };
    assertThatThrownBy(() -> builder().observer(first).observer(refusing).build())
        .hasMessage("bound to another store already");
    assertThat(calls).containsExactly("first detached");
  }

  @Test
  void build_defaults() {
    try (TieredMemory store = builder().build()) {
      assertThat(store.policy()).isEqualTo(TieringPolicy.defaults());
      for (Tier t : Tier.values()) {
        assertThat(store.tier(t).tier()).isEqualTo(t);
        assertThat(store.tier(t).kind()).isEqualTo("in-process");
        assertThat(store.tier(t).remote()).isFalse();
      }
      assertThat(store.tier(Tier.WARM).searchable()).isTrue();
    }
  }

  @Test
  void build_limitsAreEnforced() {
    try (TieredMemory store =
        builder().limits(MemoryLimits.defaults().withMaxKeyLength(3)).build()) {
      assertThat(store.put("abc", "ok").key()).isEqualTo("abc");
      assertThatThrownBy(() -> store.put("abcd", "too long key"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("key must be at most 3 chars");
    }
  }
}
