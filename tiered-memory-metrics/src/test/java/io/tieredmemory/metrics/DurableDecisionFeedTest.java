package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A durable decision feed on the in-process tiers: what it writes, what it shows, and what happens
 * when WARM fails. (Reconnects across instances and restarts over HTTP, on these tiers and the real
 * ones: {@code DurableFeedIT}.)
 */
class DurableDecisionFeedTest {
  private final TierStore hot = InProcessTiers.hot();
  private final TierStore warm = InProcessTiers.warm(Embedder.hashing());
  private final TierStore cold = InProcessTiers.cold(Embedder.hashing());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private TieredMemory store(String instance, TierStore warmTier, DecisionFeed feed) {
    return TieredMemory.builder("agent")
        .hot(hot)
        .warm(warmTier)
        .cold(cold)
        .discoverObservers(false)
        .disableScheduledSweeps()
        .instanceId(instance)
        .observer(feed)
        .build();
  }

  private DecisionFeed durable() {
    return DecisionFeed.builder().durable(true).includePuts(true).registry(registry).build();
  }

  @Test
  void twoInstances_eachFeedShowsBoth_numberedByTheLog_inOneOrder() throws Exception {
    DecisionFeed feedA = durable();
    DecisionFeed feedB = durable();
    try (TieredMemory a = store("a", warm, feedA);
        TieredMemory b = store("b", warm, feedB)) {
      a.put("k1", "one");
      feedA.flush();
      b.put("k2", "two");
      b.delete("k1");
      feedB.flush();
      a.put("k3", "three");
      feedA.flush();
      feedB.flush();

      List<EventLog.Entry> logged = a.eventLog().orElseThrow().readAfter(0, 100);
      assertThat(logged)
          .extracting(EventLog.Entry::instance, EventLog.Entry::kind)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("a", "put"),
              org.assertj.core.groups.Tuple.tuple("b", "put"),
              org.assertj.core.groups.Tuple.tuple("b", "deleted"),
              org.assertj.core.groups.Tuple.tuple("a", "put"));
      for (DecisionFeed feed : List.of(feedA, feedB)) {
        List<DecisionFeed.Entry> shown = feed.recent(10);
        assertThat(shown)
            .extracting(DecisionFeed.Entry::sequence)
            .containsExactlyElementsOf(logged.stream().map(EventLog.Entry::id).toList());
        assertThat(shown)
            .extracting(e -> e.fields().get("instance"))
            .containsExactly("a", "b", "b", "a");
        assertThat(shown.get(0).fields()).containsEntry("seq", logged.get(0).id());
      }
      // One salt for the log: k1's label is the same in a's put and b's delete, on both feeds.
      Map<String, ?> put = feedA.recent(10).get(0).fields();
      Map<String, ?> delete = feedB.recent(10).get(2).fields();
      assertThat(delete.get("key")).isEqualTo(put.get("key"));
      assertThat(feedA.keyLabel("k1")).isEqualTo(feedB.keyLabel("k1")).isEqualTo(put.get("key"));
    }
  }

  @Test
  void aSubscriberAfterAnId_getsEveryLaterDecisionOnce_evenBeyondWhatTheFeedRemembers()
      throws Exception {
    DecisionFeed feed =
        DecisionFeed.builder()
            .durable(true)
            .includePuts(true)
            .history(5)
            .registry(registry)
            .build();
    try (TieredMemory a = store("a", warm, feed)) {
      for (int i = 0; i < 40; i++) {
        a.put("k" + i, "v");
      }
      feed.flush();
      assertThat(feed.recent(100)).hasSize(5);
      long tenth = a.eventLog().orElseThrow().readAfter(0, 10).get(9).id();
      try (DecisionFeed.Subscription s = feed.subscribeAfter(tenth)) {
        for (int i = 0; i < 30; i++) {
          DecisionFeed.Entry e = s.poll(Duration.ofSeconds(5));
          assertThat(e).isNotNull();
          assertThat(e.sequence()).isEqualTo(tenth + 1 + i);
        }
        a.put("live", "v");
        DecisionFeed.Entry live = s.poll(Duration.ofSeconds(5));
        assertThat(live).isNotNull();
        assertThat(live.sequence()).isEqualTo(tenth + 31);
        assertThat(s.poll(Duration.ofMillis(300))).isNull();
        assertThat(s.lost()).isZero();
      }
    }
  }

  @Test
  void whileWarmFails_decisionsWait_andAreShownOnceItIsBack() throws Exception {
    AtomicBoolean failing = new AtomicBoolean();
    TierStore flaky = failingEventLog(warm, failing);
    DecisionFeed feed = durable();
    try (TieredMemory a = store("a", flaky, feed)) {
      failing.set(true);
      a.put("k1", "v");
      a.put("k2", "v");
      assertThatThrownBy(feed::flush).hasMessageContaining("event log down");
      assertThat(feed.recent(10)).isEmpty();
      failing.set(false);
      feed.flush();
      assertThat(feed.recent(10))
          .extracting(DecisionFeed.Entry::kind)
          .containsExactly("put", "put");
      assertThat(feed.dropped()).isZero();
    }
  }

  @Test
  void aFullQueue_dropsAndCounts_neverBlocksTheStore() {
    AtomicBoolean failing = new AtomicBoolean(true);
    DecisionFeed feed =
        DecisionFeed.builder().durable(true).includePuts(true).queue(3).registry(registry).build();
    try (TieredMemory a = store("a", failingEventLog(warm, failing), feed)) {
      for (int i = 0; i < 10; i++) {
        a.put("k" + i, "v");
      }
      // At most 3 queued plus 3 kept from a failed write (if the feed's thread took a batch
      // meanwhile): at least 4 of the 10 dropped, however the thread was scheduled.
      assertThat(feed.dropped()).isGreaterThanOrEqualTo(4);
      failing.set(false);
      feed.flush();
      assertThat(feed.recent(100).size() + feed.dropped()).isEqualTo(10);
      assertThat(registry.get(MetricNames.defaults().eventsDropped()).counter().count())
          .isEqualTo(feed.dropped());
    }
  }

  @Test
  void aWarmTierWithoutALog_isRefusedAtBuild_namingTheStore() {
    TierStore noLog =
        new ForwardingTierStore(warm) {
          @Override
          public Optional<EventLog> eventLog() {
            return Optional.empty();
          }
        };
    DecisionFeed feed = durable();
    assertThatThrownBy(() -> store("a", noLog, feed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store 'agent'")
        .hasMessageContaining("event log");
  }

  @Test
  void oneDurableFeed_servesOneStore() {
    DecisionFeed feed = durable();
    try (TieredMemory a = store("a", warm, feed)) {
      Supplier<TieredMemory> second =
          () ->
              TieredMemory.builder("other")
                  .hot(InProcessTiers.hot())
                  .warm(InProcessTiers.warm(Embedder.hashing()))
                  .cold(InProcessTiers.cold(Embedder.hashing()))
                  .discoverObservers(false)
                  .disableScheduledSweeps()
                  .observer(feed)
                  .build();
      assertThatThrownBy(second::get)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("serves 'agent'")
          .hasMessageContaining("'other'");
      assertThat(a.name()).isEqualTo("agent");
    }
  }

  @Test
  void aFeedThatIsNotDurable_namesTheInstance_andNumbersItself() {
    DecisionFeed feed = DecisionFeed.builder().includePuts(true).registry(registry).build();
    try (TieredMemory a = store("web-1", warm, feed)) {
      a.put("k", "v");
      assertThat(feed.durable()).isFalse();
      assertThat(feed.recent(1).get(0).fields())
          .containsEntry("seq", 1L)
          .containsEntry("instance", "web-1");
      assertThat(a.eventLog().orElseThrow().lastId()).isZero();
    }
  }

  @Test
  void badSettings_areRefused_namingThem() {
    assertThatThrownBy(() -> DecisionFeed.builder().retain(0))
        .hasMessageContaining("retain")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> DecisionFeed.builder().queue(-1))
        .hasMessageContaining("queue")
        .hasMessageContaining("-1");
  }

  /** {@code warm} whose event log's appends fail while {@code failing} is set (history is off). */
  private static TierStore failingEventLog(TierStore warm, AtomicBoolean failing) {
    return new ForwardingTierStore(warm) {
      @Override
      protected <T> T forward(String method, Supplier<T> call) {
        if (failing.get() && method.equals("append")) {
          throw new IllegalStateException("event log down");
        }
        return call.get();
      }
    };
  }
}
