package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Recalls in metrics and in the decision feed: results per recall by source (unknown sources as
 * {@code other}), recalled memories by serving tier, and {@code recalled} decisions listing exactly
 * what was returned, keys hashed unless revealed, query text only when both store and feed allow.
 */
class RecallMetricsTest {
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private TieredMemory store(DecisionFeed feed, boolean queryText) {
    TieredMemory store =
        TieredMemory.builder("recall")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .clock(clock)
            .recordQueryText(queryText)
            .traceIds(() -> "4bf92f3577b34da6a3ce929d0e0e4736")
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(2, Duration.ofMinutes(10))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofMinutes(5))
                    .build())
            .observer(TieredMemoryMetrics.of(registry))
            .observer(feed)
            .build();
    store.put("user:1:lang", "prefers answers in french");
    store.put("user:1:tz", "lives in paris, answers in the morning");
    clock.advance(Duration.ofMinutes(10));
    store.sweep(); // both archived to COLD
    store.put("user:1:name", "is called camille, prefers short answers");
    return store;
  }

  private DistributionSummary results(String source) {
    return registry
        .get(MetricNames.defaults().recallResults())
        .tags("store", "recall", "source", source)
        .summary();
  }

  private double recalled(Tier tier) {
    return registry
        .get(MetricNames.defaults().recalled())
        .tags("store", "recall", "tier", tier.label())
        .counter()
        .count();
  }

  private static long served(List<SearchHit> hits, Tier tier) {
    return hits.stream().filter(h -> h.tier() == tier).count();
  }

  @Test
  void recalls_countResultsBySource_andMemoriesByServingTier() {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemory store = store(feed, false)) {
      List<SearchHit> hits = store.search("answers", 3);
      store.search(SearchRequest.text("nothing like it", 1).withMinSimilarity(1));
      List<SearchHit> own =
          store.search(SearchRequest.text("answers", 1).withSource("my-own-agent"));
      store.get("user:1:name", "spring-ai-chat");
      store.get("user:1:name"); // a plain get recalls nothing

      assertThat(hits).hasSize(3);
      assertThat(results("api").count()).isEqualTo(2);
      assertThat(results("api").totalAmount()).isEqualTo(3);
      assertThat(results("other").count()).isEqualTo(1);
      assertThat(results("spring-ai-chat").count()).isEqualTo(1);
      assertThat(results("langchain4j").count()).isZero();
      assertThat(store.tier(Tier.HOT).count()).isEqualTo(1); // user:1:name, written through
      assertThat(recalled(Tier.HOT)).isEqualTo(1);
      assertThat(recalled(Tier.COLD)).isEqualTo(served(hits, Tier.COLD) + served(own, Tier.COLD));
      assertThat(recalled(Tier.WARM)).isEqualTo(served(hits, Tier.WARM) + served(own, Tier.WARM));
      assertThat(served(hits, Tier.COLD)).isEqualTo(2);
      // No source label beyond the capped set was registered.
      assertThat(registry.find(MetricNames.defaults().recallResults()).summaries())
          .extracting(s -> s.getId().getTag("source"))
          .containsExactlyInAnyOrder(
              "api", "langchain4j", "langchain4j-chat", "spring-ai", "spring-ai-chat", "other");
    }
  }

  @Test
  void theFeed_listsWhatWasReturned_keysHashed_noQueryText() {
    DecisionFeed feed = DecisionFeed.builder().registry(registry).build();
    try (TieredMemory store = store(feed, true)) {
      List<SearchHit> hits = store.search("answers in french", 3);

      DecisionFeed.Entry e = feed.recent(1).get(0);
      assertThat(e.kind()).isEqualTo("recalled");
      Map<String, @Nullable Object> f = e.fields();
      assertThat(f.get("source")).isEqualTo("api");
      assertThat(f.get("count")).isEqualTo(3L);
      assertThat(f).doesNotContainKey("query");
      assertThat(f.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(e.json()).doesNotContain("user:1").doesNotContain("french");
      assertThat((List<?>) f.get("results"))
          .isEqualTo(
              hits.stream()
                  .map(
                      h ->
                          Map.of(
                              "key", feed.keyLabel(h.memory().key()),
                              "version", h.memory().version(),
                              "tier", h.tier().label(),
                              "similarity", Math.round(h.similarity() * 10_000) / 10_000.0))
                  .toList());
      assertThat(f.get("cold")).isEqualTo(hits.stream().filter(h -> h.tier() == Tier.COLD).count());
    }
  }

  @Test
  void theQueryText_reachesTheFeed_onlyWhenTheStoreRecordsIt_andTheFeedShowsIt() {
    DecisionFeed shows =
        DecisionFeed.builder().registry(registry).queryText(true).revealKeys(true).build();
    try (TieredMemory store = store(shows, true)) {
      store.search("answers in french", 2);
      Map<String, @Nullable Object> f = shows.recent(1).get(0).fields();
      assertThat(f.get("query")).isEqualTo("answers in french");
      assertThat(((List<?>) f.get("results")).toString()).contains("user:1:");
    }
    DecisionFeed showsButNotRecorded =
        DecisionFeed.builder().registry(registry).queryText(true).build();
    try (TieredMemory store = store(showsButNotRecorded, false)) {
      store.search("answers in french", 2);
      Map<String, @Nullable Object> f = showsButNotRecorded.recent(1).get(0).fields();
      assertThat(f).containsEntry("query", null);
    }
    DecisionFeed noRecalls =
        DecisionFeed.builder().registry(registry).includeRecalls(false).build();
    try (TieredMemory store = store(noRecalls, false)) {
      store.search("answers in french", 2);
      assertThat(noRecalls.recent(100))
          .extracting(DecisionFeed.Entry::kind)
          .doesNotContain("recalled");
    }
  }
}
