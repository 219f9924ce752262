package io.tieredmemory.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.internal.Validation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The stores over HTTP, for a service without a framework, on the JDK's {@link HttpServer}:
 *
 * <ul>
 *   <li>{@code /metrics}: Prometheus text format, or OpenMetrics when the {@code Accept} header
 *       asks for {@code application/openmetrics-text};
 *   <li>{@code /memory/stats}: what each tier of the given stores holds, requests and movements, as
 *       JSON;
 *   <li>{@code /memory/events}: the latest decisions of the given feed as Server-Sent Events;
 *   <li>{@code /memory/plan?limit=N}: what each store's next sweep would move now, and why ({@link
 *       TieredMemory#plan(int)}), as JSON, keys hashed as the feed hashes them;
 *   <li>{@code /memory/history?key=K}: where one memory lives now and how it got there ({@link
 *       TieredMemory#history(String)}: puts, moves with their reasons and the policy's inputs,
 *       evictions, delete; 404 for an unknown key), as JSON, its key labelled as the feed labels
 *       it;
 *   <li>{@code /memory/}: the live view (a static page reading the two above);
 *   <li>{@code /health}: {@code UP}, {@code DEGRADED} (a HOT or COLD tier failing) or {@code DOWN}
 *       (503: WARM failing), per store and tier; never asks for credentials.
 * </ul>
 *
 * <pre>{@code
 * DecisionFeed feed = DecisionFeed.builder().build();
 * TieredMemory store = TieredMemory.builder("agent").observer(feed).build();
 * try (TieredMemoryEndpoint endpoint = TieredMemoryEndpoint.builder()
 *     .port(9464).stores(List.of(store)).feed(feed).basicAuth("ops", secret).start()) {
 *   System.out.println("live view at " + endpoint.uri().resolve("/memory/"));
 * }
 * }</pre>
 *
 * <p>It binds to 127.0.0.1 unless told otherwise, or mounts its paths on a server of yours ({@link
 * Builder#httpServer}). Access control is a JDK {@link Authenticator} on every path but {@code
 * /health} ({@link Builder#authenticator}, or {@link Builder#basicAuth} for the common case);
 * credentials never appear in logs or {@code toString()}. Requests run on an executor of yours
 * ({@link Builder#executor}) or on a small pool the endpoint owns. Starting it sets {@code
 * sun.net.httpserver.nodelay=true} unless the property is set (see the comment in the code).
 */
public final class TieredMemoryEndpoint implements AutoCloseable {
  /** The paths served, in order. */
  static final List<String> PATHS =
      List.of(
          "/metrics",
          "/memory/stats",
          "/memory/events",
          "/memory/plan",
          "/memory/history",
          "/memory",
          "/health");

  private final HttpServer server;
  private final boolean ownsServer;
  private final @Nullable ExecutorService ownedExecutor;
  private final List<HttpContext> contexts = new ArrayList<>();
  private final @Nullable PrometheusMeterRegistry addedToGlobal;
  private final boolean authenticated;
  private volatile boolean closing;

  private TieredMemoryEndpoint(Builder b) throws IOException {
    PrometheusMeterRegistry registry = b.registry;
    PrometheusMeterRegistry added = null;
    if (registry == null) {
      registry = globalPrometheus();
      if (registry == null) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        added = registry;
      }
    }
    this.addedToGlobal = added;
    this.authenticated = b.authenticator != null;
    if (b.httpServer != null) {
      this.server = b.httpServer;
      this.ownsServer = false;
      this.ownedExecutor = null;
    } else {
      // The JDK server writes headers and body separately; with Nagle's algorithm on, clients that
      // wait for the delayed ACK see ~40 ms per request. Read once, when its first server starts.
      if (System.getProperty("sun.net.httpserver.nodelay") == null) {
        System.setProperty("sun.net.httpserver.nodelay", "true");
      }
      this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 64);
      this.ownsServer = true;
      this.ownedExecutor = b.executor == null ? defaultExecutor(b.maxEventClients) : null;
      server.setExecutor(b.executor != null ? b.executor : ownedExecutor);
    }
    Map<String, HttpHandler> handlers = new LinkedHashMap<>();
    handlers.put("/metrics", new MetricsHandler(registry));
    handlers.put("/memory/stats", new StatsHandler(registry, b.names, b.stores, b.feed));
    handlers.put("/memory/events", new EventsHandler(b.feed, b.maxEventClients, () -> closing));
    handlers.put("/memory/plan", new PlanHandler(b.stores, b.feed));
    handlers.put("/memory/history", new HistoryHandler(b.stores, b.feed));
    handlers.put("/memory", new LiveViewHandler());
    handlers.put("/health", new HealthHandler(b.stores));
    for (Map.Entry<String, HttpHandler> e : handlers.entrySet()) {
      HttpContext c = server.createContext(e.getKey(), Http.getOnly(e.getValue()));
      if (b.authenticator != null && !e.getKey().equals("/health")) {
        c.setAuthenticator(b.authenticator);
      }
      contexts.add(c);
    }
    if (ownsServer) {
      server.start();
    }
  }

  private static ExecutorService defaultExecutor(int maxEventClients) {
    // Event streams hold a thread each: room for all of them plus a few short requests.
    return new ThreadPoolExecutor(
        2,
        maxEventClients + 8,
        30,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(64),
        r -> {
          Thread t = new Thread(r, "tiered-memory-endpoint");
          t.setDaemon(true);
          return t;
        });
  }

  private static @Nullable PrometheusMeterRegistry globalPrometheus() {
    for (MeterRegistry r : Metrics.globalRegistry.getRegistries()) {
      if (r instanceof PrometheusMeterRegistry p) {
        return p;
      }
    }
    return null;
  }

  /** A builder: 127.0.0.1:9464, the global Prometheus registry, no stores, no feed. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/}. */
  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + port() + "/");
  }

  /**
   * Stops serving: event clients are disconnected; a server the endpoint started is stopped, and
   * its paths are removed from a server of yours; the executor it created is shut down; a registry
   * it added to Micrometer's global registry is removed from it.
   */
  @Override
  public void close() {
    closing = true;
    if (ownsServer) {
      server.stop(0);
    } else {
      for (HttpContext c : contexts) {
        server.removeContext(c);
      }
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (addedToGlobal != null) {
      Metrics.removeRegistry(addedToGlobal);
      addedToGlobal.close();
    }
  }

  @Override
  public String toString() {
    return "TieredMemoryEndpoint[" + uri() + (authenticated ? ", authenticated" : "") + "]";
  }

  /** Builds and starts a {@link TieredMemoryEndpoint}. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port = 9464;
    private @Nullable HttpServer httpServer;
    private @Nullable Executor executor;
    private @Nullable PrometheusMeterRegistry registry;
    private MetricNames names = MetricNames.defaults();
    private @Nullable DecisionFeed feed;
    private List<TieredMemory> stores = List.of();
    private @Nullable Authenticator authenticator;
    private int maxEventClients = 16;

    private Builder() {}

    /** The address to bind (default 127.0.0.1: only this machine can connect). */
    public Builder bindAddress(String value) {
      this.bindAddress = Validation.requireNonBlank("bindAddress", value);
      return this;
    }

    /** The port (default 9464; 0 picks a free one). */
    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + value);
      }
      this.port = value;
      return this;
    }

    /**
     * Mounts the paths on this server instead of starting one ({@link #bindAddress}, {@link #port}
     * and {@link #executor} then do not apply). The server stays yours: {@code close()} removes the
     * paths and leaves it running.
     */
    public Builder httpServer(HttpServer value) {
      this.httpServer = Validation.requireNonNull("httpServer", value);
      return this;
    }

    /**
     * Runs requests on this executor (default: a pool of daemon threads the endpoint owns, sized
     * for {@link #maxEventClients} streams). The executor stays yours: {@code close()} does not
     * shut it down. Each {@code /memory/events} client holds a thread while connected.
     */
    public Builder executor(Executor value) {
      this.executor = Validation.requireNonNull("executor", value);
      return this;
    }

    /**
     * The registry {@code /metrics} renders and {@code /memory/stats} reads (default: the
     * Prometheus registry in Micrometer's global registry, or a new one added to it until {@code
     * close()}).
     */
    public Builder registry(PrometheusMeterRegistry value) {
      this.registry = Validation.requireNonNull("registry", value);
      return this;
    }

    /** The meter names the stores were bound with (default {@link MetricNames#defaults()}). */
    public Builder names(MetricNames value) {
      this.names = Validation.requireNonNull("names", value);
      return this;
    }

    /** The feed {@code /memory/events} serves (default: none, and that path answers 404). */
    public Builder feed(DecisionFeed value) {
      this.feed = Validation.requireNonNull("feed", value);
      return this;
    }

    /** The stores {@code /memory/stats} and {@code /health} describe (default: none). */
    public Builder stores(List<TieredMemory> value) {
      this.stores = List.copyOf(Validation.requireNonNull("stores", value));
      return this;
    }

    /** Checks every request but {@code /health} with this authenticator (default: none). */
    public Builder authenticator(Authenticator value) {
      this.authenticator = Validation.requireNonNull("authenticator", value);
      return this;
    }

    /**
     * Requires these HTTP basic credentials on every path but {@code /health}: a JDK {@link
     * BasicAuthenticator} comparing in constant time. Use TLS in front of it; basic credentials
     * travel in clear otherwise.
     */
    public Builder basicAuth(String user, String secret) {
      Validation.requireNonBlank("username", user);
      if (user.contains(":")) {
        throw new IllegalArgumentException("username must not contain ':'");
      }
      Validation.requireNonBlank("password", secret);
      byte[] expectedUser = user.getBytes(StandardCharsets.UTF_8);
      byte[] expectedSecret = secret.getBytes(StandardCharsets.UTF_8);
      this.authenticator =
          new BasicAuthenticator("tiered-memory", StandardCharsets.UTF_8) {
            @Override
            public Result authenticate(HttpExchange ex) {
              Result r;
              try {
                r = super.authenticate(ex);
              } catch (IllegalArgumentException notBase64) {
                // The JDK's parser throws on credentials that are not Base64, and the server would
                // drop the connection without an answer: a 401 like any wrong credentials.
                r = new Failure(401);
              }
              // The JDK omits the challenge for another scheme; a 401 must always carry one.
              if (r instanceof Failure
                  && !ex.getResponseHeaders().containsKey("WWW-Authenticate")) {
                ex.getResponseHeaders()
                    .set("WWW-Authenticate", "Basic realm=\"tiered-memory\", charset=\"UTF-8\"");
              }
              return r;
            }

            @Override
            public boolean checkCredentials(String u, String p) {
              // Both compared, always: the time taken does not tell which one was wrong.
              boolean userOk =
                  MessageDigest.isEqual(u.getBytes(StandardCharsets.UTF_8), expectedUser);
              boolean secretOk =
                  MessageDigest.isEqual(p.getBytes(StandardCharsets.UTF_8), expectedSecret);
              return userOk & secretOk;
            }

            @Override
            public String toString() {
              return "BasicAuthenticator[realm=tiered-memory]";
            }
          };
      return this;
    }

    /** How many {@code /memory/events} clients may be connected at once (default 16). */
    public Builder maxEventClients(int value) {
      this.maxEventClients = Validation.requireAtLeast("maxEventClients", value, 1);
      return this;
    }

    /**
     * Starts serving (or mounts the paths on {@link #httpServer}).
     *
     * @throws IllegalStateException if the address cannot be bound, naming it
     */
    public TieredMemoryEndpoint start() {
      try {
        return new TieredMemoryEndpoint(this);
      } catch (IOException e) {
        throw new IllegalStateException(
            "could not bind " + bindAddress + ":" + port + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "TieredMemoryEndpoint.Builder["
          + (httpServer != null ? "mounted" : bindAddress + ":" + port)
          + (authenticator != null ? ", authenticated" : "")
          + "]";
    }
  }
}
