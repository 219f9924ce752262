package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.metrics.TieredMemoryEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A durable decision feed ({@code DecisionFeed.Builder.durable}) served by two instances that share
 * the tiers: a client that reads some decisions, drops, and reconnects with {@code Last-Event-ID}
 * to the other instance, and later to a restarted one, gets every decision of both instances once,
 * in the log's order, with one key label for a key whichever instance decided. On the in-process
 * tiers and on real Redis + PostgreSQL + Chroma.
 */
class DurableFeedIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Where the shared tiers come from: each call makes one instance's view of them. */
  private record Tiers(
      Supplier<TierStore> hot, Supplier<TierStore> warm, Supplier<TierStore> cold) {}

  @Test
  void inProcessTiers_reconnectAcrossInstancesAndARestart_eachDecisionOnceInOrder()
      throws Exception {
    TierStore hot = InProcessTiers.hot();
    TierStore warm = InProcessTiers.warm(Embedder.hashing());
    TierStore cold = InProcessTiers.cold(Embedder.hashing());
    scenario(new Tiers(() -> hot, () -> warm, () -> cold));
  }

  @Test
  void realTiers_reconnectAcrossInstancesAndARestart_eachDecisionOnceInOrder() throws Exception {
    try (RealTiers real = new RealTiers("feed")) {
      scenario(new Tiers(real::hot, real::warm, real::cold));
    }
  }

  private static TieredMemory instance(Tiers tiers, String id, DecisionFeed feed) {
    return TieredMemory.builder("agent")
        .hot(tiers.hot().get())
        .warm(tiers.warm().get())
        .cold(tiers.cold().get())
        .discoverObservers(false)
        .disableScheduledSweeps()
        .instanceId(id)
        .observer(feed)
        .build();
  }

  private static DecisionFeed feed(PrometheusMeterRegistry registry) {
    return DecisionFeed.builder().durable(true).includePuts(true).registry(registry).build();
  }

  private static TieredMemoryEndpoint endpoint(
      PrometheusMeterRegistry registry, DecisionFeed feed, TieredMemory store) {
    return TieredMemoryEndpoint.builder()
        .port(0)
        .registry(registry)
        .feed(feed)
        .stores(List.of(store))
        .start();
  }

  private void scenario(Tiers tiers) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feedA = feed(registry);
    DecisionFeed feedB = feed(registry);
    TieredMemory a = instance(tiers, "instance-a", feedA);
    TieredMemory b = instance(tiers, "instance-b", feedB);
    EventLog log = a.eventLog().orElseThrow();
    long before = log.lastId();
    List<Frame> seen = new ArrayList<>();
    boolean aClosed = false;
    try (TieredMemoryEndpoint atA = endpoint(registry, feedA, a);
        TieredMemoryEndpoint atB = endpoint(registry, feedB, b)) {
      // First connection, to A: both instances' decisions, A's feed shows B's too.
      long resumeAt;
      try (Sse sse = Sse.open(atA, Long.toString(before))) {
        for (int i = 0; i < 10; i++) {
          a.put("a-" + i, "from a " + i);
          b.put("b-" + i, "from b " + i);
        }
        b.delete("a-0"); // a key A wrote, deleted by B: one label for it on both
        seen.addAll(sse.take(21));
        resumeAt = seen.get(11).id(); // the client drops after 12 of them
      }
      List<Frame> firstVisit = new ArrayList<>(seen.subList(0, 12));
      assertThat(firstVisit).extracting(Frame::id).isSorted().doesNotHaveDuplicates();

      // Decisions while the client is away, by both instances.
      for (int i = 0; i < 5; i++) {
        a.put("a-late-" + i, "late");
        b.put("b-late-" + i, "late");
      }
      // Reconnect to the other instance with the last id it saw.
      List<Frame> secondVisit;
      try (Sse sse = Sse.open(atB, Long.toString(resumeAt))) {
        secondVisit = sse.take(9 + 10);
        sse.expectNothingMore(Duration.ofMillis(500));
      }
      // A restart of A while the client is away: A's queued decisions are written on close.
      a.put("a-before-restart", "x");
      a.close();
      aClosed = true;
      b.put("b-during-restart", "x");
      DecisionFeed feedA2 = feed(registry);
      TieredMemory a2 = instance(tiers, "instance-a", feedA2);
      try (TieredMemoryEndpoint atA2 = endpoint(registry, feedA2, a2)) {
        a2.put("a-after-restart", "x");
        List<Frame> thirdVisit;
        try (Sse sse =
            Sse.open(atA2, Long.toString(secondVisit.get(secondVisit.size() - 1).id()))) {
          thirdVisit = sse.take(3);
          sse.expectNothingMore(Duration.ofMillis(500));
        }
        // Together: exactly what the log holds after `before`, each once, in order.
        feedB.flush();
        feedA2.flush();
        List<EventLog.Entry> logged = log.readAfter(before, 1_000);
        List<Frame> all = new ArrayList<>(firstVisit);
        all.addAll(secondVisit);
        all.addAll(thirdVisit);
        assertThat(all)
            .extracting(Frame::id)
            .isEqualTo(logged.stream().map(EventLog.Entry::id).toList());
        assertThat(all).extracting(Frame::event).containsOnly("put", "deleted");
        assertThat(all).filteredOn(f -> f.event().equals("put")).hasSize(10 + 10 + 10 + 3);
        Set<String> instances = new LinkedHashSet<>();
        all.forEach(f -> instances.add(f.field("instance")));
        assertThat(instances).containsExactlyInAnyOrder("instance-a", "instance-b");
        // Every instance hashes a key with the log's salt: a-0's put by A, its delete by B.
        String putLabel =
            all.stream()
                .filter(f -> f.event().equals("put") && f.field("instance").equals("instance-a"))
                .findFirst()
                .orElseThrow()
                .field("key");
        String deleteLabel =
            all.stream()
                .filter(f -> f.event().equals("deleted"))
                .findFirst()
                .orElseThrow()
                .field("key");
        assertThat(deleteLabel).isEqualTo(putLabel).startsWith("k:").doesNotContain("a-0");
        assertThat(all).allSatisfy(f -> assertThat(f.data()).doesNotContain("from a", "from b"));
        // The frames say what the log says.
        for (int i = 0; i < all.size(); i++) {
          assertThat(all.get(i).field("instance")).isEqualTo(logged.get(i).instance());
          assertThat(all.get(i).event()).isEqualTo(logged.get(i).kind());
        }
        // Each connection saw its decisions in the log's order, with nothing dropped.
        assertThat(feedA.dropped() + feedB.dropped() + feedA2.dropped()).isZero();
      } finally {
        a2.close();
      }
    } finally {
      b.close();
      if (!aClosed) {
        a.close();
      }
    }
  }

  /** One Server-Sent Event: its id, event name and data line. */
  record Frame(long id, String event, String data) {
    String field(String name) {
      Object v = fields().get(name);
      return v == null ? "" : v.toString();
    }

    Map<String, @Nullable Object> fields() {
      return new DecisionFeed.Entry(id, event, data).fields();
    }
  }

  /** A client of {@code /memory/events}, reading frames on a thread of its own. */
  static final class Sse implements AutoCloseable {
    private final InputStream body;
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Thread reader;

    private Sse(InputStream body) {
      this.body = body;
      this.reader = new Thread(this::read, "sse-client");
      reader.setDaemon(true);
      reader.start();
    }

    static Sse open(TieredMemoryEndpoint endpoint, @Nullable String lastEventId)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(endpoint.uri().resolve("/memory/events"));
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<InputStream> r =
          HttpClient.newHttpClient()
              .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      return new Sse(r.body());
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        long id = -1;
        String event = "";
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("id: ")) {
            id = Long.parseLong(line.substring(4));
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            frames.add(new Frame(id, event, line.substring(6)));
          }
        }
      } catch (IOException e) {
        // closed by the test
      }
    }

    /** The next {@code n} frames, failing if they do not come within the wait. */
    List<Frame> take(int n) throws InterruptedException {
      List<Frame> out = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (out.size() < n) {
        Frame f = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(f).as("frame %d of %d (got %s)", out.size() + 1, n, out).isNotNull();
        out.add(f);
      }
      return out;
    }

    void expectNothingMore(Duration wait) throws InterruptedException {
      assertThat(frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS)).isNull();
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }
}
