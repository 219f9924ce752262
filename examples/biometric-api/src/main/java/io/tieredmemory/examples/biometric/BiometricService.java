package io.tieredmemory.examples.biometric;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.Kinds;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.embeddings.MiniLmEmbedder;
import io.tieredmemory.metrics.DecisionFeed;
import io.tieredmemory.metrics.MetricsOptions;
import io.tieredmemory.metrics.TieredMemoryEndpoint;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The biometric API: a JDK {@link HttpServer} around one {@link TieredMemory}, with the library's
 * metrics, decision feed and live view mounted on the same port.
 *
 * <pre>{@code
 * try (BiometricService service = BiometricService.start(Settings.demo(ServiceConfig.defaults()))) {
 *   System.out.println("live view: " + service.liveView());
 * }
 * }</pre>
 *
 * <table>
 *   <caption>paths</caption>
 *   <tr><td>{@code POST /webhooks/{source}}</td><td>store one reading ({@link WebhookHandler})</td>
 *   <tr><td>{@code GET /memories/{key}}, {@code GET /memories?query=&k=}</td>
 *       <td>read and search ({@link MemoriesHandler})</td>
 *   <tr><td>{@code /metrics}, {@code /memory/stats}, {@code /memory/events}, {@code /memory/},
 *       {@code /health}</td><td>the library's {@link TieredMemoryEndpoint} handlers</td>
 * </table>
 */
final class BiometricService implements AutoCloseable {
  /** The store's name: the {@code store} tag of every {@code tiered_memory_*} series. */
  static final String STORE_NAME = "biometric-api";

  static {
    // The JDK server sends response headers and body in separate writes; with Nagle's algorithm
    // on, the body waits for the client's delayed ACK of the headers: 40 ms per request with
    // clients such as java.net.http. Read once, when the first HttpServer is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final PrometheusMeterRegistry registry;
  private final TieredMemory store;
  private final Tiers tiers;
  private final TieredMemoryEndpoint endpoint;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final String displayHost;

  /**
   * How the service runs.
   *
   * @param config where it listens and which tiers it uses
   * @param policy the tiering policy
   * @param sweepEvery how often the store sweeps in the background
   * @param statsRefresh how often the per-tier item gauges (and the live view's counts) refresh
   * @param faultRate the fraction of single-key WARM reads that fail on purpose (0: none)
   * @param clock the clock of the store and of webhook validation
   */
  record Settings(
      ServiceConfig config,
      TieringPolicy policy,
      Duration sweepEvery,
      Duration statsRefresh,
      double faultRate,
      Clock clock) {

    /** The demo's settings: {@link #demoPolicy(double) demoPolicy(1)}, sweeps every second. */
    static Settings demo(ServiceConfig config) {
      return scaled(config, 1.0);
    }

    /** The demo's settings with every duration multiplied by {@code scale} (tests run faster). */
    static Settings scaled(ServiceConfig config, double scale) {
      return new Settings(
          config,
          demoPolicy(scale),
          scale(Duration.ofSeconds(1), scale),
          Duration.ofSeconds(1),
          0,
          Clock.systemUTC());
    }

    /** A copy failing {@code rate} of WARM reads. */
    Settings withFaultRate(double rate) {
      return new Settings(config, policy, sweepEvery, statsRefresh, rate, clock);
    }
  }

  /**
   * The demo's policy, tuned so that every kind of movement happens within a minute of agent
   * traffic: promote after 2 reads in 10 s, demote after 5 s idle in HOT (or above 75 memories
   * there), archive after 15 s idle in WARM, rehydrate on read; durations multiplied by {@code
   * scale}.
   */
  static TieringPolicy demoPolicy(double scale) {
    return TieringPolicy.custom()
        .promoteAfter(2, scale(Duration.ofSeconds(10), scale))
        .demoteWhenIdle(scale(Duration.ofSeconds(5), scale))
        .hotCapacity(75)
        .archiveWhenIdle(scale(Duration.ofSeconds(15), scale))
        .rehydrate(true, false)
        .build();
  }

  private static Duration scale(Duration d, double scale) {
    return Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * scale)));
  }

  private BiometricService(Settings s) throws IOException {
    ServiceConfig config = s.config();
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DecisionFeed feed =
        DecisionFeed.builder()
            .registry(registry)
            .revealKeys(config.revealKeys())
            // Durable: decisions go to the event log in WARM, so a reconnecting live view misses
            // none, and instances sharing the tiers show one story.
            .durable(true)
            .build();
    // A sentence model run in process: the agent's questions paraphrase the readings ("how fast
    // was the pulse" finds "heart rate 72 bpm"), which word matching (Embedder.hashing()) misses.
    Embedder embedder = MiniLmEmbedder.shared();
    // Bound explicitly to this service's registry and feed, so /metrics shows exactly this
    // service, whatever else shares the JVM (tests start several).
    TieredMemory.Builder builder =
        TieredMemory.builder(STORE_NAME)
            .policy(s.policy())
            .sweepEvery(s.sweepEvery())
            .clock(s.clock())
            .embedder(embedder)
            // Kinds of knowledge: each reading's metric (heart rate, sleep stage...), a fixed
            // list, so the live view and the dashboard show which kinds are hot, warm and cold.
            .kinds(Kinds.byMetadata("metric").only(MetricKind.labelSet()))
            // Each memory's history (GET /memory/history, the live view's search box), kept in
            // WARM beside the memories.
            .history(true)
            .discoverObservers(false)
            .observer(
                TieredMemoryMetrics.of(
                    registry,
                    Tags.empty(),
                    MetricsOptions.defaults().withStatsRefresh(s.statsRefresh())))
            .observer(feed);
    this.tiers =
        Tiers.configure(
            config,
            STORE_NAME,
            embedder,
            builder,
            warm -> FaultInjectingTierStore.wrap(warm, s.faultRate()));
    TieredMemory built;
    try {
      built = builder.build();
    } catch (RuntimeException e) {
      tiers.close();
      throw e;
    }
    this.store = built;
    this.executor =
        new ThreadPoolExecutor(
            48,
            48,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1000),
            r -> {
              Thread t = new Thread(r, "biometric-api-http");
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    try {
      this.server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 128);
    } catch (IOException e) {
      closeQuietly();
      throw new IOException(
          "could not listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    server.setExecutor(executor);
    WebhookMetrics metrics = new WebhookMetrics(registry);
    server.createContext(
        WebhookHandler.PATH, new WebhookHandler(store, new ReadingParser(s.clock()), metrics));
    server.createContext(MemoriesHandler.PATH, new MemoriesHandler(store));
    // The library's /metrics, /memory/... and /health, mounted on the service's own server.
    this.endpoint =
        TieredMemoryEndpoint.builder()
            .registry(registry)
            .feed(feed)
            .stores(List.of(store))
            .httpServer(server)
            .start();
    server.createContext("/", new RootHandler());
    server.start();
    this.displayHost =
        config.bind().equals("0.0.0.0") || config.bind().equals("::") ? "127.0.0.1" : config.bind();
  }

  /**
   * Builds the store on the configured tiers and starts serving.
   *
   * @throws IOException if the port cannot be bound
   * @throws RuntimeException if a configured server cannot be reached
   */
  static BiometricService start(Settings settings) throws IOException {
    return new BiometricService(settings);
  }

  /** The port actually bound. */
  int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/}. */
  URI uri() {
    String host = displayHost.contains(":") ? "[" + displayHost + "]" : displayHost;
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The live view, {@code http://host:port/memory/}. */
  URI liveView() {
    return uri().resolve("/memory/");
  }

  /** The store behind the API. */
  TieredMemory store() {
    return store;
  }

  /** The registry {@code /metrics} renders. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops serving (event streams are cut), then closes the store and the tier clients. */
  @Override
  public void close() {
    endpoint.close();
    server.stop(0);
    closeQuietly();
  }

  private void closeQuietly() {
    executor.shutdownNow();
    store.close();
    tiers.close();
    registry.close();
  }
}
