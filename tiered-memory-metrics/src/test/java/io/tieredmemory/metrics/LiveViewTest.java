package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public parts of the live view, for web frameworks: page, stats document, entry fields. */
class LiveViewTest {

  @Test
  void page_readsItsDataFromRelativeUrls() {
    String page = new String(LiveView.page(), StandardCharsets.UTF_8);
    assertThat(page).contains("fetch(\"stats\"").contains("new EventSource(\"events\")");
    LiveView.page()[0] = 'x';
    assertThat(LiveView.page()[0]).isEqualTo((byte) '<');
  }

  @Test
  void statsJson_describesTheStoresBoundToTheRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (TieredMemory store =
        TieredMemory.builder("lv")
            .discoverObservers(false)
            .observer(TieredMemoryMetrics.of(registry))
            .build()) {
      store.put("a", "b");
      String json = LiveView.statsJson(registry, MetricNames.defaults(), List.of(store), 7);
      assertThat(json)
          .startsWith("{\"at\":")
          .contains("\"eventsDropped\":7")
          .contains("\"name\":\"lv\"")
          .contains("\"put.warm.success\":1")
          .contains("\"policy\":{");
    }
  }

  @Test
  void entryFields_readBackTheJson_keysHashed() {
    DecisionFeed feed = DecisionFeed.builder().registry(new SimpleMeterRegistry()).build();
    feed.onEvent(new TierEvent.Deleted("s", Instant.parse("2026-01-02T03:04:05Z"), "user:1", true));
    feed.onEvent(
        new TierEvent.BackendFailed(
            "s",
            Instant.parse("2026-01-02T03:04:06Z"),
            Tier.COLD,
            BackendOperation.values()[0],
            "java.io.IOException",
            "quote \" back\\slash \n ünï"));
    List<DecisionFeed.Entry> recent = feed.recent(10);
    Map<String, Object> deleted = recent.get(0).fields();
    assertThat(deleted)
        .containsEntry("seq", 1L)
        .containsEntry("kind", "deleted")
        .containsEntry("store", "s")
        .containsEntry("at", "2026-01-02T03:04:05Z")
        .containsEntry("existed", true);
    assertThat((String) deleted.get("key")).matches("k:[0-9a-f]{12}");
    assertThat(List.copyOf(deleted.keySet()))
        .containsExactly("seq", "kind", "store", "at", "key", "existed");
    assertThat(recent.get(1).fields())
        .containsEntry("tier", "cold")
        .containsEntry("errorType", "java.io.IOException")
        .doesNotContainKey("message");

    assertThat(new DecisionFeed.Entry(1, "x", "{}").fields()).isEmpty();
    assertThat(new DecisionFeed.Entry(1, "x", "{\"m\":\"a\\\"b\\\\c\\u00e9\",\"n\":null}").fields())
        .containsEntry("m", "a\"b\\cé")
        .containsEntry("n", null);
    assertThatThrownBy(() -> new DecisionFeed.Entry(1, "x", "[1]").fields())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
