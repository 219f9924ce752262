package io.tieredmemory.examples.biometric;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * An AI agent and a handful of wearable platforms around the service, over HTTP, like real clients.
 *
 * <p>Ten times a second: one platform delivers a reading for one of {@value #USERS} users (each
 * user wears one device); the agent reads the latest reading of {@value #READS_PER_TICK} series
 * (user × metric) picked with Zipf-like popularity, so a few series are read all the time and stay
 * HOT while most readings are never read again and end up archived; now and then it recalls an old
 * reading (likely archived: the read brings it back), and once a second it searches. Platforms
 * misbehave a little, on a fixed schedule so that every kind shows up within seconds: an invalid
 * reading every 2.5 s (400), an unknown source every 5 s (404), a key that never existed every 2 s
 * (a miss); and at random they redeliver an old reading (an update, which leaves a stale archived
 * copy for a sweep to evict).
 *
 * <pre>{@code
 * SimulatedAgent agent = new SimulatedAgent(service.uri(), 42, Duration.ofSeconds(17));
 * agent.start();
 * ...
 * agent.close();
 * }</pre>
 */
final class SimulatedAgent implements AutoCloseable {
  static final int TICKS_PER_SECOND = 10;
  static final int USERS = 12;
  static final int READS_PER_TICK = 3;

  private static final double RECALL_CHANCE = 0.1;
  private static final double REDELIVERY_CHANCE = 0.05;
  // Mistakes come on a fixed schedule, so every kind shows up within seconds: an unknown key
  // every 2 s, an invalid reading every 2.5 s, an unknown source every 5 s.
  private static final int UNKNOWN_KEY_EVERY = 20;
  private static final int INVALID_EVERY = 25;
  private static final int UNKNOWN_SOURCE_EVERY = 50;
  private static final MetricKind[] METRICS = MetricKind.values();
  private static final String[] QUERIES = {
    "how fast was the pulse of %s", "how well did %s sleep last night", "how far did %s walk",
    "how many heartbeats a minute for %s", "was %s dreaming", "how active was %s today"
  };

  /** One reading the agent knows was stored. */
  private record Sent(Source source, String user, MetricKind metric, String value, Instant at) {
    String key() {
      return Reading.key(user, metric, at);
    }
  }

  private final URI base;
  private final Random random;
  private final Duration recallAge;
  private final HttpClient http;
  private final List<Sent> sent = new ArrayList<>();
  private final Map<String, Sent> latest = new HashMap<>();
  private final String[] users = new String[USERS];
  private final Source[] devices = new Source[USERS];
  private final Map<String, LongAdder> statuses = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder failures = new LongAdder();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private Thread thread;
  private long searches;

  /**
   * @param base the service, e.g. {@code http://127.0.0.1:8080/}
   * @param seed the seed of every random choice
   * @param recallAge how old a reading must be to be recalled or redelivered: a little over the
   *     policy's archive idle time, so that most recalls hit COLD
   */
  SimulatedAgent(URI base, long seed, Duration recallAge) {
    this.base = base;
    this.random = new Random(seed);
    this.recallAge = recallAge;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    for (int i = 0; i < USERS; i++) {
      users[i] = String.format(Locale.ROOT, "u-%02d", i + 1);
      devices[i] = Source.values()[i % Source.values().length];
    }
  }

  /** Starts the agent on a daemon thread of its own. */
  synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "biometric-api-simulator");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the agent and waits up to 5 s for its current request to end. */
  @Override
  public void close() {
    stopRequested = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        stopped.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Responses by status so far, e.g. {@code "webhook 201" -> 120}, {@code "get 404" -> 3}. */
  Map<String, Long> statuses() {
    Map<String, Long> out = new java.util.TreeMap<>();
    statuses.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Requests that got no HTTP answer at all (connection refused, timeout). */
  long failures() {
    return failures.sum();
  }

  /** The latest request that got no answer, if any. */
  String lastFailure() {
    return lastFailure.get();
  }

  private void run() {
    long tickNanos = TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
    long start = System.nanoTime();
    try {
      for (long tick = 0; !stopRequested; tick++) {
        tick(tick);
        long wait = start + (tick + 1) * tickNanos - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  private void tick(long tick) throws InterruptedException {
    deliver();
    for (int i = 0; i < READS_PER_TICK && !latest.isEmpty(); i++) {
      readPopular();
    }
    if (random.nextDouble() < RECALL_CHANCE) {
      recall();
    }
    if (tick % UNKNOWN_KEY_EVERY == 7) {
      get("get", "bio:u-99:heart_rate:" + random.nextInt(1_000_000));
    }
    if (tick % INVALID_EVERY == 12) {
      deliverInvalid();
    }
    if (tick % UNKNOWN_SOURCE_EVERY == 23) {
      post("webhook", "polar", body(users[0], "heart_rate", "64", Instant.now()));
    }
    if (random.nextDouble() < REDELIVERY_CHANCE) {
      redeliver();
    }
    if (tick % TICKS_PER_SECOND == TICKS_PER_SECOND / 2) {
      search();
    }
  }

  private void deliver() throws InterruptedException {
    int u = random.nextInt(USERS);
    MetricKind metric = METRICS[random.nextInt(METRICS.length)];
    // Readings arrive a little after they were taken; keys are per millisecond, so a series
    // never reuses one.
    Instant at = Instant.now().minusMillis(random.nextInt(2000)).truncatedTo(ChronoUnit.MILLIS);
    Sent previous = latest.get(users[u] + metric);
    if (previous != null && !at.isAfter(previous.at())) {
      at = previous.at().plusMillis(1);
    }
    Sent s = new Sent(devices[u], users[u], metric, value(metric), at);
    if (post("webhook", s.source().label(), body(s)) == 201) {
      sent.add(s);
      latest.put(s.user() + s.metric(), s);
    }
  }

  private void readPopular() throws InterruptedException {
    // Series ranked by user, then metric: u-01's heart rate is the agent's favourite.
    int series = USERS * METRICS.length;
    int rank = zipf(series);
    Sent s = latest.get(users[rank / METRICS.length] + METRICS[rank % METRICS.length]);
    if (s != null) {
      get("get", s.key());
    }
  }

  private void recall() throws InterruptedException {
    int old = countOlderThan(Instant.now().minus(recallAge));
    if (old > 0) {
      get("get", sent.get(random.nextInt(old)).key());
    }
  }

  private void redeliver() throws InterruptedException {
    int old = countOlderThan(Instant.now().minus(recallAge));
    if (old > 0) {
      Sent s = sent.get(random.nextInt(old));
      post("webhook", s.source().label(), body(s));
    }
  }

  private void deliverInvalid() throws InterruptedException {
    String user = users[random.nextInt(USERS)];
    Instant now = Instant.now();
    String body;
    switch (random.nextInt(8)) {
      case 0:
        body = body(user, "heart_rate", "300", now); // out of range
        break;
      case 1:
        body = body(user, "blood_pressure", "120", now); // unknown metric
        break;
      case 2:
        body = body(user + " (old app)", "steps", "1200", now); // bad userId
        break;
      case 3:
        body = body(user, "steps", "\"1200\"", now); // a string, not a number
        break;
      case 4:
        body = "{\"userId\":\"" + user + "\",\"metric\":\"hrv\",\"value\":45}"; // no timestamp
        break;
      case 5:
        body = body(user, "hrv", "45", now.plus(Duration.ofHours(1))); // device clock ahead
        break;
      case 6:
        body = "{\"userId\":\"" + user + "\",\"metric\":\"heart_rate\",\"value\":72,"; // cut off
        break;
      default:
        body =
            "{\"userId\":\""
                + user
                + "\",\"metric\":\"steps\",\"value\":10,\"timestamp\":\""
                + now
                + "\",\"deviceId\":\"ring-7\"}"; // unknown field
        break;
    }
    post("webhook", devices[random.nextInt(USERS)].label(), body);
  }

  private void search() throws InterruptedException {
    String user = users[zipf(USERS)];
    String query = String.format(Locale.ROOT, QUERIES[(int) (searches++ % QUERIES.length)], user);
    get("search", null, "?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&k=5");
  }

  /** A Zipf-like rank in {@code [0, n)}: P(r) is about proportional to 1/(r+1). */
  private int zipf(int n) {
    int rank = (int) Math.floor(Math.exp(random.nextDouble() * Math.log(n + 1.0))) - 1;
    return Math.min(Math.max(rank, 0), n - 1);
  }

  private int countOlderThan(Instant cutoff) {
    // sent is in delivery order, roughly timestamp order: a binary search on delivery is enough.
    int lo = 0;
    int hi = sent.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sent.get(mid).at().isBefore(cutoff)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private String value(MetricKind metric) {
    switch (metric) {
      case HEART_RATE:
        return Integer.toString(55 + random.nextInt(60));
      case HRV:
        return Integer.toString(20 + random.nextInt(80));
      case STEPS:
        return Integer.toString(random.nextInt(2500));
      default:
        return MetricKind.SLEEP_STAGES.get(random.nextInt(MetricKind.SLEEP_STAGES.size()));
    }
  }

  private static String body(Sent s) {
    String value = s.metric().categorical() ? "\"" + s.value() + "\"" : s.value();
    return body(s.user(), s.metric().label(), value, s.at());
  }

  private static String body(String user, String metric, String jsonValue, Instant at) {
    return "{\"userId\":\""
        + user
        + "\",\"metric\":\""
        + metric
        + "\",\"value\":"
        + jsonValue
        + ",\"timestamp\":\""
        + at
        + "\"}";
  }

  private int post(String what, String source, String body) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/webhooks/" + source))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return send(what, request);
  }

  private int get(String what, String key) throws InterruptedException {
    return get(what, key, "");
  }

  private int get(String what, String key, String query) throws InterruptedException {
    String path =
        key == null
            ? "/memories" + query
            : "/memories/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    return send(what, request);
  }

  private int send(String what, HttpRequest request) throws InterruptedException {
    try {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      statuses.computeIfAbsent(what + " " + status, k -> new LongAdder()).increment();
      return status;
    } catch (IOException e) {
      failures.increment();
      lastFailure.set(request.method() + " " + request.uri().getPath() + ": " + e);
      return -1;
    }
  }
}
