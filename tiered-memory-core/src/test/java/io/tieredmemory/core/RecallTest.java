package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Recall: every search, and every get that names its source, tells observers what it returned (the
 * {@code recalled} hook's counts per tier, a {@code Recalled} event with keys, versions, serving
 * tiers and similarities exactly as returned), with the query text only when opted in and the trace
 * id from the store's supplier.
 */
class RecallTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final List<TierEvent.Recalled> events = new CopyOnWriteArrayList<>();
  private final List<String> hooks = new CopyOnWriteArrayList<>();
  private final AtomicReference<@Nullable String> trace = new AtomicReference<>("trace-1");
  private final List<TieredMemory> stores = new ArrayList<>();

  private TieredMemory store(boolean queryText) {
    TieredMemory.Builder b =
        TieredMemory.builder("recall-test")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .embedder(Embedder.hashing(64))
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(2, Duration.ofMinutes(10))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofMinutes(5))
                    .rehydrate(true, false)
                    .build())
            .recordQueryText(queryText)
            .traceIds(trace::get)
            .observer(
                TierObserver.events(
                    e -> {
                      if (e instanceof TierEvent.Recalled r) {
                        events.add(r);
                      }
                    }))
            .observer(
                new TierObserver() {
                  @Override
                  public void recalled(String source, int hot, int warm, int cold) {
                    hooks.add(source + " " + hot + "/" + warm + "/" + cold);
                  }
                });
    TieredMemory s = b.build();
    stores.add(s);
    return s;
  }

  @AfterEach
  void close() {
    stores.forEach(TieredMemory::close);
  }

  /** Puts three memories and archives the first two to COLD; the third stays in WARM. */
  private static void fill(TieredMemory store, MutableClock clock) {
    store.put("fact:refunds", "refunds take five business days");
    store.put("fact:refund-policy", "refund policy allows returns within thirty days");
    clock.advance(Duration.ofMinutes(10));
    store.sweep();
    store.put("fact:shipping", "shipping is free above fifty euros and refunds are quick");
  }

  private static List<TierEvent.Recalled.Result> asResults(List<SearchHit> hits) {
    return hits.stream()
        .map(
            h ->
                new TierEvent.Recalled.Result(
                    h.memory().key(), h.memory().version(), h.tier(), h.similarity()))
        .toList();
  }

  @Test
  void aSearch_isRecalledExactlyAsReturned_withTiersAndTraceId_butNoQueryText() {
    TieredMemory store = store(false);
    fill(store, clock);
    assertThat(store.tier(Tier.COLD).count()).isEqualTo(2);

    List<SearchHit> hits = store.search("refunds", 3);

    assertThat(hits).extracting(SearchHit::tier).contains(Tier.WARM, Tier.COLD);
    assertThat(events).hasSize(1);
    TierEvent.Recalled r = events.get(0);
    assertThat(r.kind()).isEqualTo("recalled");
    assertThat(r.store()).isEqualTo("recall-test");
    assertThat(r.source()).isEqualTo(RecallSource.API);
    assertThat(r.results()).isEqualTo(asResults(hits));
    assertThat(r.query()).isNull();
    assertThat(r.traceId()).isEqualTo("trace-1");
    assertThat(r.at()).isEqualTo(clock.instant());
    assertThat(r.servedBy(Tier.COLD)).isEqualTo(2);
    assertThat(r.servedBy(Tier.WARM)).isEqualTo(1);
    assertThat(hooks).containsExactly("api 0/1/2");
  }

  @Test
  void theQueryText_isRecorded_onlyWhenOptedIn_andTheSource_isTheRequests() {
    TieredMemory store = store(true);
    fill(store, clock);
    trace.set(null);

    List<SearchHit> hits =
        store.search(
            SearchRequest.text("refund policy", 2).withSource("langchain4j").withMinSimilarity(-1));

    TierEvent.Recalled r = events.get(0);
    assertThat(r.query()).isEqualTo("refund policy");
    assertThat(r.source()).isEqualTo("langchain4j");
    assertThat(r.traceId()).isNull();
    assertThat(r.results()).isEqualTo(asResults(hits)).hasSize(2);
    assertThat(hooks).hasSize(1).allMatch(h -> h.startsWith("langchain4j "));
  }

  @Test
  void aSearchThatFindsNothing_isRecalledWithNoResults() {
    TieredMemory store = store(false);
    List<SearchHit> hits = store.search("anything", 5);
    assertThat(hits).isEmpty();
    assertThat(events).singleElement().satisfies(r -> assertThat(r.results()).isEmpty());
    assertThat(hooks).containsExactly("api 0/0/0");
  }

  @Test
  void aGetNamingItsSource_isRecalledWithTheServingTier_aPlainGetIsNot() {
    TieredMemory store = store(false);
    fill(store, clock);
    events.clear();
    hooks.clear();

    // Plain gets: no recall (they promote fact:shipping to HOT).
    store.get("fact:shipping");
    store.get("fact:shipping");
    assertThat(events).isEmpty();
    assertThat(hooks).isEmpty();
    assertThat(store.tier(Tier.HOT).count()).isEqualTo(1);

    Memory hot = store.get("fact:shipping", "langchain4j-chat").orElseThrow();
    Memory cold = store.get("fact:refunds", "spring-ai-chat").orElseThrow();
    assertThat(store.get("fact:nothing", "spring-ai-chat")).isEmpty();

    assertThat(events).hasSize(3);
    assertThat(events.get(0).source()).isEqualTo("langchain4j-chat");
    assertThat(events.get(0).results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("fact:shipping");
              assertThat(r.version()).isEqualTo(hot.version());
              assertThat(r.tier()).isEqualTo(Tier.HOT);
              assertThat(r.similarity()).isNaN();
            });
    assertThat(events.get(1).results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("fact:refunds");
              assertThat(r.version()).isEqualTo(cold.version());
              assertThat(r.tier()).isEqualTo(Tier.COLD);
            });
    assertThat(events.get(2).results()).isEmpty();
    assertThat(events).allSatisfy(e -> assertThat(e.query()).isNull());
    assertThat(hooks)
        .containsExactly("langchain4j-chat 1/0/0", "spring-ai-chat 0/0/1", "spring-ai-chat 0/0/0");
  }

  @Test
  void aBadSource_isRefused_namingTheValue() {
    TieredMemory store = store(false);
    assertThatThrownBy(() -> SearchRequest.text("x", 1).withSource("Bad Source"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source must be")
        .hasMessageContaining("'Bad Source'");
    assertThatThrownBy(() -> store.get("k", "x".repeat(33)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source must be");
    assertThat(SearchRequest.text("x", 1).source()).isEqualTo(RecallSource.API);
    assertThat(RecallSource.metricLabel("my-agent")).isEqualTo(RecallSource.OTHER);
    assertThat(RecallSource.metricLabel("spring-ai")).isEqualTo("spring-ai");
  }

  @Test
  void aTraceIdSupplierThatThrows_leavesTheEventWithoutATraceId() {
    TieredMemory store =
        TieredMemory.builder("recall-throwing")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .traceIds(
                () -> {
                  throw new IllegalStateException("no tracer");
                })
            .observer(
                TierObserver.events(
                    e -> {
                      if (e instanceof TierEvent.Recalled r) {
                        events.add(r);
                      }
                    }))
            .build();
    stores.add(store);
    store.put("a", "alpha");
    assertThat(store.search("alpha", 1)).hasSize(1);
    assertThat(events).singleElement().satisfies(r -> assertThat(r.traceId()).isNull());
  }
}
