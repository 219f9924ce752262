package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.TierObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class KindsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void refusesBadConfigurationNamingTheValue() {
    assertThatThrownBy(() -> Kinds.byMetadata(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field");
    assertThatThrownBy(() -> Kinds.byKeyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delimiter")
        .hasMessageContaining("''");
    assertThatThrownBy(() -> Kinds.byMetadata("kind").max(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max must be between 1 and 100 kinds, was 0");
    assertThatThrownBy(() -> Kinds.byMetadata("kind").max(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 101");
    assertThatThrownBy(() -> Kinds.byMetadata("kind").only(Set.of("doc", "other")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'other'");
    assertThatThrownBy(() -> Kinds.byMetadata("kind").only(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("had 0");
    assertThatThrownBy(() -> Kinds.byMetadata("kind").only(Set.of("x".repeat(65))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 64 characters");
    assertThatThrownBy(() -> TieredMemory.builder("k").kinds(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kinds");
  }

  @Test
  void aFixedListIsTheCap_whateverMaxSays() {
    Kinds fixed = Kinds.byMetadata("kind").only(Set.of("b", "a", "c")).max(1);
    assertThat(fixed.maxKinds()).isEqualTo(3);
    assertThat(fixed.fixed()).containsExactly("a", "b", "c");
    assertThat(Kinds.byMetadata("kind").maxKinds()).isEqualTo(Kinds.DEFAULT_MAX);
    assertThat(Kinds.byMetadata("kind").max(7).maxKinds()).isEqualTo(7);
  }

  @Test
  void rawKindOfReadsTheFieldOrThePrefix() {
    Kinds meta = Kinds.byMetadata("kind");
    assertThat(meta.rawKindOf("k1", Map.of("kind", "doc"))).isEqualTo("doc");
    assertThat(meta.rawKindOf("k1", Map.of())).isEmpty();
    Kinds prefix = Kinds.byKeyPrefix("::");
    assertThat(prefix.rawKindOf("user::42::lang", Map.of())).isEqualTo("user");
    assertThat(prefix.rawKindOf("plain", Map.of("kind", "doc"))).isEmpty();
  }

  @Test
  void aStoreWithoutKindsHasNoKindStats() {
    try (TieredMemory store = store("nokinds", new MutableClock(T0), null, TierObserver.NOOP)) {
      assertThat(store.kinds()).isEmpty();
      assertThatThrownBy(store::kindStats)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no kinds configured");
    }
  }

  /**
   * A scripted workload on a manual clock, counted exactly per tier and kind: the cap puts the
   * smallest kinds in {@code other}, memories without the field are {@code none}, and the movement
   * hook names each moved memory's kind.
   */
  @Test
  void countsEachTierByKindExactlyWithTheCap() {
    MutableClock clock = new MutableClock(T0);
    Map<String, AtomicInteger> moves = new ConcurrentHashMap<>();
    AtomicInteger legacyMoves = new AtomicInteger();
    TierObserver kindsObserver =
        new TierObserver() {
          @Override
          public void movementCompleted(
              Tier from, Tier to, MoveReason reason, @Nullable String kind, long nanos) {
            moves
                .computeIfAbsent(from + ">" + to + ":" + kind, x -> new AtomicInteger())
                .incrementAndGet();
          }
        };
    TierObserver legacy =
        new TierObserver() {
          @Override
          public void movementCompleted(Tier from, Tier to, MoveReason reason, long nanos) {
            legacyMoves.incrementAndGet();
          }
        };
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("alpha", 5);
    sizes.put("beta", 4);
    sizes.put("gamma", 3);
    sizes.put("delta", 2);
    sizes.put("eps", 1);
    try (TieredMemory store =
        TieredMemory.builder("kinds")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .policy(policy())
            .kinds(Kinds.byMetadata("kind").max(3))
            .observer(kindsObserver)
            .observer(legacy)
            .build()) {
      Map<String, Long> bytesByKind = new HashMap<>();
      List<String> alphaKeys = new ArrayList<>();
      sizes.forEach(
          (kind, n) -> {
            for (int i = 0; i < n; i++) {
              Memory m =
                  store.put(kind + "-" + i, "content of " + kind + " " + i, Map.of("kind", kind));
              bytesByKind.merge(kind, m.sizeInBytes(), Long::sum);
              if (kind.equals("alpha")) {
                alphaKeys.add(m.key());
              }
            }
          });
      for (int i = 0; i < 2; i++) {
        Memory m = store.put("plain-" + i, "no kind here " + i, Map.of("source", "chat"));
        bytesByKind.merge("", m.sizeInBytes(), Long::sum);
      }

      // Right after the puts: write-through, HOT and WARM hold all 17; the three largest kinds are
      // admitted (by items), the rest are other.
      KindStats first = store.kindStats();
      assertThat(first.kinds()).containsExactly("alpha", "beta", "gamma", "none", "other");
      for (Tier t : List.of(Tier.HOT, Tier.WARM)) {
        assertThat(first.count(t, "alpha")).isEqualTo(new KindCount(5, bytesByKind.get("alpha")));
        assertThat(first.count(t, "gamma")).isEqualTo(new KindCount(3, bytesByKind.get("gamma")));
        assertThat(first.count(t, "other"))
            .isEqualTo(new KindCount(3, bytesByKind.get("delta") + bytesByKind.get("eps")));
        assertThat(first.count(t, "none")).isEqualTo(new KindCount(2, bytesByKind.get("")));
      }
      assertThat(first.tiers().get(Tier.COLD).values()).allMatch(c -> c.equals(KindCount.ZERO));

      // Idle HOT copies demoted; then everything idle past the archive threshold except alpha,
      // read (and promoted) just before the sweep.
      clock.advance(Duration.ofMinutes(6));
      store.sweep();
      clock.advance(Duration.ofMinutes(31));
      for (String k : alphaKeys) {
        store.get(k);
        store.get(k);
      }
      store.sweep();

      KindStats after = store.kindStats();
      assertThat(after.kinds()).containsExactly("alpha", "beta", "gamma", "none", "other");
      assertThat(after.count(Tier.HOT, "alpha"))
          .isEqualTo(new KindCount(5, bytesByKind.get("alpha")));
      assertThat(after.count(Tier.WARM, "alpha"))
          .isEqualTo(new KindCount(5, bytesByKind.get("alpha")));
      for (Tier t : List.of(Tier.HOT, Tier.WARM)) {
        for (String k : List.of("beta", "gamma", "none", "other")) {
          assertThat(after.count(t, k)).as(t + " " + k).isEqualTo(KindCount.ZERO);
        }
      }
      assertThat(after.count(Tier.COLD, "alpha")).isEqualTo(KindCount.ZERO);
      assertThat(after.count(Tier.COLD, "beta"))
          .isEqualTo(new KindCount(4, bytesByKind.get("beta")));
      assertThat(after.count(Tier.COLD, "other").items()).isEqualTo(3);
      assertThat(after.count(Tier.COLD, "none").items()).isEqualTo(2);
      // The kinds add up to the tier's own count.
      StoreStats stats = store.stats();
      for (Tier t : Tier.values()) {
        long items = after.tiers().get(t).values().stream().mapToLong(KindCount::items).sum();
        long bytes = after.tiers().get(t).values().stream().mapToLong(KindCount::bytes).sum();
        assertThat(items).as(t + " items").isEqualTo(stats.tier(t).items());
        assertThat(bytes).as(t + " bytes").isEqualTo(stats.tier(t).bytes());
      }

      assertThat(snapshot(moves))
          .containsOnly(
              Map.entry("HOT>WARM:alpha", 5),
              Map.entry("HOT>WARM:beta", 4),
              Map.entry("HOT>WARM:gamma", 3),
              Map.entry("HOT>WARM:other", 3),
              Map.entry("HOT>WARM:none", 2),
              Map.entry("WARM>HOT:alpha", 5),
              Map.entry("WARM>COLD:beta", 4),
              Map.entry("WARM>COLD:gamma", 3),
              Map.entry("WARM>COLD:other", 3),
              Map.entry("WARM>COLD:none", 2));
      // An observer that overrides only the hook without a kind still hears of every move.
      assertThat(legacyMoves.get()).isEqualTo(17 + 5 + 12);
    }
  }

  @Test
  void aFixedListLabelsOnlyItsKinds() {
    try (TieredMemory store =
        store(
            "fixed",
            new MutableClock(T0),
            Kinds.byKeyPrefix(":").only(Set.of("user", "doc")),
            TierObserver.NOOP)) {
      store.put("user:1", "a");
      store.put("user:2", "b");
      store.put("chat:1", "c");
      store.put("nokey", "d");
      store.put(":empty", "e");
      KindStats s = store.kindStats();
      assertThat(s.kinds()).containsExactly("doc", "user", "none", "other");
      assertThat(s.count(Tier.WARM, "user").items()).isEqualTo(2);
      assertThat(s.count(Tier.WARM, "doc").items()).isZero();
      assertThat(s.count(Tier.WARM, "other").items()).isEqualTo(1);
      assertThat(s.count(Tier.WARM, "none").items()).isEqualTo(2);
    }
  }

  /**
   * Kinds met in moves are admitted first and stay (sticky): a later count of larger kinds does not
   * take their labels; the labels never exceed the cap.
   */
  @Test
  void kindsSeenFirstKeepTheirLabelsAndTheCapHolds() {
    MutableClock clock = new MutableClock(T0);
    Map<String, AtomicInteger> moves = new ConcurrentHashMap<>();
    TierObserver o =
        new TierObserver() {
          @Override
          public void movementCompleted(
              Tier from, Tier to, MoveReason reason, @Nullable String kind, long nanos) {
            moves.computeIfAbsent(String.valueOf(kind), x -> new AtomicInteger()).incrementAndGet();
          }
        };
    try (TieredMemory store = store("sticky", clock, Kinds.byKeyPrefix(":").max(2), o)) {
      store.put("small:1", "x");
      clock.advance(Duration.ofMinutes(6));
      store.sweep(); // demotes small:1, admitting "small"
      for (int k = 0; k < 1000; k++) {
        store.put("k" + k + ":" + 0, "x");
        store.put("k" + k + ":" + 1, "y");
      }
      KindStats s = store.kindStats();
      assertThat(s.kinds()).hasSize(4).startsWith("small").endsWith("none", "other");
      // The second label went to the largest kind of the first count (all have 2: by name).
      assertThat(s.kinds().get(1)).isEqualTo("k0");
      assertThat(s.count(Tier.WARM, "small").items()).isEqualTo(1);
      assertThat(s.count(Tier.WARM, "k0").items()).isEqualTo(2);
      assertThat(s.count(Tier.WARM, "other").items()).isEqualTo(1998);
      clock.advance(Duration.ofMinutes(6));
      store.sweep();
      assertThat(moves.keySet()).containsExactlyInAnyOrder("small", "k0", "other");
      assertThat(store.kindStats().kinds()).hasSize(4);
    }
  }

  private static Map<String, Integer> snapshot(Map<String, AtomicInteger> m) {
    Map<String, Integer> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static TieringPolicy policy() {
    return TieringPolicy.custom()
        .promoteAfter(2, Duration.ofMinutes(10))
        .demoteWhenIdle(Duration.ofMinutes(5))
        .hotCapacity(1000)
        .archiveWhenIdle(Duration.ofMinutes(30))
        .build();
  }

  private static TieredMemory store(
      String name, MutableClock clock, @Nullable Kinds kinds, TierObserver observer) {
    TieredMemory.Builder b =
        TieredMemory.builder(name)
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .policy(policy())
            .observer(observer);
    if (kinds != null) {
      b.kinds(kinds);
    }
    return b.build();
  }
}
