package io.tieredmemory.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.Validation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One call gives a service without a framework everything over HTTP:
 *
 * <ul>
 *   <li>{@code /metrics}: Prometheus text format, or OpenMetrics when the {@code Accept} header
 *       asks for {@code application/openmetrics-text};
 *   <li>{@code /memory/stats}: what each tier holds, requests and movements, as JSON;
 *   <li>{@code /memory/events}: the latest decisions as Server-Sent Events;
 *   <li>{@code /memory/}: the live view (a static page reading the two above);
 *   <li>{@code /health}: {@code UP}, {@code DEGRADED} (a HOT or COLD tier failing) or {@code DOWN}
 *       (503: WARM failing), per store and tier (never asks for credentials).
 * </ul>
 *
 * <pre>{@code
 * try (TieredMemoryEndpoint endpoint = TieredMemoryEndpoint.builder().port(9464).start()) {
 *   System.out.println("live view at " + endpoint.uri().resolve("/memory/"));
 * }
 * }</pre>
 *
 * <p>It binds to 127.0.0.1 unless told otherwise. With {@link Builder#basicAuth}, every path but
 * {@code /health} requires the credentials; they never appear in logs or {@code toString()}. The
 * same handlers can be mounted into an existing JDK {@link HttpServer} with {@link
 * Builder#handlers()}, without starting this one. Starting it sets {@code
 * sun.net.httpserver.nodelay=true} unless the property is set (see the comment in the code).
 */
public final class TieredMemoryEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final Handlers handlers;
  private final PrometheusMeterRegistry addedToGlobal;

  private TieredMemoryEndpoint(Builder b) throws IOException {
    PrometheusMeterRegistry registry = b.registry;
    PrometheusMeterRegistry added = null;
    if (registry == null) {
      registry = findGlobalPrometheus();
      if (registry == null) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        added = registry;
      }
    }
    this.addedToGlobal = added;
    this.handlers =
        new Handlers(registry, b.feed, b.stores, b.username, b.password, b.maxEventClients);
    this.executor =
        new ThreadPoolExecutor(
            2,
            b.maxEventClients + 8,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(64),
            r -> {
              Thread t = new Thread(r, "tiered-memory-endpoint");
              t.setDaemon(true);
              return t;
            });
    // The JDK server writes headers and body separately; with Nagle's algorithm on, clients that
    // wait for the delayed ACK see ~40 ms per request. Read once, when its first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 64);
    server.setExecutor(executor);
    handlers.all().forEach(server::createContext);
    server.start();
  }

  private static PrometheusMeterRegistry findGlobalPrometheus() {
    for (MeterRegistry r : Metrics.globalRegistry.getRegistries()) {
      if (r instanceof PrometheusMeterRegistry p) {
        return p;
      }
    }
    return null;
  }

  /** A builder: 127.0.0.1:9464, global Prometheus registry and feed, all bound stores. */
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

  /** The handlers by path, to mount into another JDK {@link HttpServer}. */
  public Map<String, HttpHandler> handlers() {
    return handlers.all();
  }

  /** Stops serving; connected event clients are disconnected. */
  @Override
  public void close() {
    handlers.closing = true;
    server.stop(0);
    executor.shutdownNow();
    if (addedToGlobal != null) {
      Metrics.removeRegistry(addedToGlobal);
    }
  }

  @Override
  public String toString() {
    return "TieredMemoryEndpoint["
        + uri()
        + (handlers.username != null ? ", basic auth" : "")
        + "]";
  }

  /** Builds and starts a {@link TieredMemoryEndpoint}. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port = 9464;
    private PrometheusMeterRegistry registry;
    private DecisionFeed feed = DecisionFeed.global();
    private List<TieredMemory> stores;
    private String username;
    private String password;
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
     * The registry {@code /metrics} renders (default: the Prometheus registry in Micrometer's
     * global registry, added there if there is none).
     */
    public Builder registry(PrometheusMeterRegistry value) {
      this.registry = Validation.requireNonNull("registry", value);
      return this;
    }

    /** The feed {@code /memory/events} serves (default {@link DecisionFeed#global()}). */
    public Builder feed(DecisionFeed value) {
      this.feed = Validation.requireNonNull("feed", value);
      return this;
    }

    /**
     * The stores {@code /memory/stats} describes (default: every store bound to metrics, as they
     * come and go).
     */
    public Builder stores(List<TieredMemory> value) {
      this.stores = List.copyOf(Validation.requireNonNull("stores", value));
      return this;
    }

    /** Requires HTTP basic credentials on every path but {@code /health}. */
    public Builder basicAuth(String user, String secret) {
      this.username = Validation.requireNonBlank("username", user);
      if (user.contains(":")) {
        throw new IllegalArgumentException("username must not contain ':'");
      }
      this.password = Validation.requireNonBlank("password", secret);
      return this;
    }

    /** How many {@code /memory/events} clients may be connected at once (default 16). */
    public Builder maxEventClients(int value) {
      this.maxEventClients = Validation.requireAtLeast("maxEventClients", value, 1);
      return this;
    }

    /**
     * The handlers by path, without starting a server of this class: mount them into your own JDK
     * {@link HttpServer} ({@code handlers.forEach(server::createContext)}). When no registry was
     * given and Micrometer's global registry has no Prometheus registry, one is added to it for
     * good.
     */
    public Map<String, HttpHandler> handlers() {
      PrometheusMeterRegistry r = registry;
      if (r == null) {
        r = findGlobalPrometheus();
        if (r == null) {
          r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
          Metrics.addRegistry(r);
        }
      }
      return new Handlers(r, feed, stores, username, password, maxEventClients).all();
    }

    /** Binds and starts serving. */
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
      return "TieredMemoryEndpoint.Builder[" + bindAddress + ":" + port + "]";
    }
  }

  /** The handlers, shared by the server and by {@link #handlers()}. */
  static final class Handlers {
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private final PrometheusMeterRegistry registry;
    private final DecisionFeed feed;
    private final List<TieredMemory> stores;
    private final String username;
    private final byte[] expectedAuth;
    private final Semaphore eventClients;
    volatile boolean closing;

    Handlers(
        PrometheusMeterRegistry registry,
        DecisionFeed feed,
        List<TieredMemory> stores,
        String username,
        String password,
        int maxEventClients) {
      this.registry = registry;
      this.feed = feed;
      this.stores = stores;
      this.username = username;
      this.expectedAuth =
          username == null
              ? null
              : ("Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (username + ":" + password).getBytes(StandardCharsets.UTF_8)))
                  .getBytes(StandardCharsets.UTF_8);
      this.eventClients = new Semaphore(maxEventClients);
    }

    Map<String, HttpHandler> all() {
      Map<String, HttpHandler> m = new LinkedHashMap<>();
      m.put("/metrics", guarded(this::metrics));
      m.put("/memory/stats", guarded(this::stats));
      m.put("/memory/events", guarded(this::events));
      m.put("/memory", guarded(this::page));
      m.put("/health", this::health);
      return m;
    }

    private HttpHandler guarded(HttpHandler h) {
      return ex -> {
        try (ex) {
          if (!authorized(ex)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"tiered-memory\"");
            send(ex, 401, "text/plain; charset=utf-8", "credentials required\n");
            return;
          }
          if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            send(ex, 405, "text/plain; charset=utf-8", "only GET is supported\n");
            return;
          }
          h.handle(ex);
        }
      };
    }

    private boolean authorized(HttpExchange ex) {
      if (expectedAuth == null) {
        return true;
      }
      String given = ex.getRequestHeaders().getFirst("Authorization");
      return given != null
          && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuth);
    }

    private List<TieredMemory> stores() {
      return stores != null ? stores : TieredMemoryMetrics.boundStores();
    }

    private void metrics(HttpExchange ex) throws IOException {
      String accept = ex.getRequestHeaders().getFirst("Accept");
      String type =
          accept != null && accept.contains("application/openmetrics-text")
              ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
              : "text/plain; version=0.0.4; charset=utf-8";
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(16 * 1024);
      registry.scrape(body, type);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(200, body.size());
      try (OutputStream out = ex.getResponseBody()) {
        body.writeTo(out);
      }
    }

    private void stats(HttpExchange ex) throws IOException {
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      send(ex, 200, "application/json; charset=utf-8", StatsJson.write(stores(), feed));
    }

    /**
     * {@code UP} when every tier of every store answers; {@code DEGRADED} (still 200: reads and
     * writes work) when a HOT or COLD tier does not; {@code DOWN} (503) when a WARM tier, the
     * system of record, does not. From what the store saw recently, never a call to a tier.
     */
    private void health(HttpExchange ex) throws IOException {
      try (ex) {
        StringBuilder stores = new StringBuilder();
        boolean degraded = false;
        boolean down = false;
        for (TieredMemory s : stores()) {
          MicrometerTierObserver o = TieredMemoryMetrics.observerOf(s).orElse(null);
          if (stores.length() > 0) {
            stores.append(',');
          }
          stores.append('{');
          Json.field(stores, "name", s.name());
          String storeStatus = "UP";
          StringBuilder tiers = new StringBuilder();
          for (io.tieredmemory.core.Tier t : io.tieredmemory.core.Tier.values()) {
            boolean up = o == null || o.up(t);
            if (!up) {
              if (t == io.tieredmemory.core.Tier.WARM) {
                down = true;
                storeStatus = "DOWN";
              } else {
                degraded = true;
                if (!storeStatus.equals("DOWN")) {
                  storeStatus = "DEGRADED";
                }
              }
            }
            if (tiers.length() > 0) {
              tiers.append(',');
            }
            Json.field(tiers, t.label(), up ? "UP" : "DOWN");
          }
          stores.append(',');
          Json.field(stores, "status", storeStatus);
          stores.append(",\"tiers\":{").append(tiers).append("}}");
        }
        String status = down ? "DOWN" : degraded ? "DEGRADED" : "UP";
        StringBuilder b = new StringBuilder("{");
        Json.field(b, "status", status);
        b.append(",\"stores\":[").append(stores).append("]}");
        send(ex, down ? 503 : 200, "application/json; charset=utf-8", b.toString());
      }
    }

    private void page(HttpExchange ex) throws IOException {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/memory")) {
        ex.getResponseHeaders().set("Location", "/memory/");
        send(ex, 308, "text/plain; charset=utf-8", "see /memory/\n");
        return;
      }
      if (!path.equals("/memory/") && !path.equals("/memory/index.html")) {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n");
        return;
      }
      try (InputStream in = TieredMemoryEndpoint.class.getResourceAsStream("live/index.html")) {
        if (in == null) {
          send(ex, 500, "text/plain; charset=utf-8", "live view missing from the jar\n");
          return;
        }
        send(
            ex,
            200,
            "text/html; charset=utf-8",
            new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }

    private void events(HttpExchange ex) throws IOException {
      if (!eventClients.tryAcquire()) {
        send(ex, 503, "text/plain; charset=utf-8", "too many event clients\n");
        return;
      }
      long after = lastEventId(ex);
      try (DecisionFeed.Subscription sub = feed.subscribeAfter(after)) {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (!closing) {
          DecisionFeed.Entry e = sub.poll(KEEPALIVE);
          String frame =
              e == null
                  ? ": keepalive\n\n"
                  : "id: " + e.sequence() + "\nevent: " + e.kind() + "\ndata: " + e.json() + "\n\n";
          out.write(frame.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client went away
      } finally {
        eventClients.release();
      }
    }

    /** {@code Last-Event-ID} (reconnects) or {@code ?after=N}; by default replay the history. */
    private static long lastEventId(HttpExchange ex) {
      String id = ex.getRequestHeaders().getFirst("Last-Event-ID");
      String query = ex.getRequestURI().getQuery();
      if (id == null && query != null) {
        for (String part : query.split("&")) {
          if (part.startsWith("after=")) {
            id = part.substring("after=".length());
          }
        }
      }
      if (id == null) {
        return 0;
      }
      try {
        return Long.parseLong(id.trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private static void send(HttpExchange ex, int status, String type, String body)
        throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equals(ex.getRequestMethod());
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
