package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.TierObserver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The latest decisions of one or more stores (movements, evictions, deletes, backend failures,
 * sweeps, and recalls: what each search or adapter read returned to the agent), as JSON, for {@code
 * /memory/events} and the live view. Each decision gets a sequence number and reaches every
 * subscriber once, in order. A subscriber that does not keep up loses the oldest undelivered
 * decisions beyond its buffer (counted, never blocking the store).
 *
 * <p>Keys are hashed (SHA-256 of a per-feed salt and the key, 12 hex digits) unless {@code
 * revealKeys} is set; content is never included; backend error messages are left out unless {@code
 * errorMessages} is set, because a driver's message may quote a key or a stored value (content); a
 * recall's query text is left out unless {@code queryText} is set (and the store records it).
 *
 * <p>A feed is an observer: attach it to each store whose decisions it should carry (one feed can
 * serve several stores), and give it to {@link TieredMemoryEndpoint.Builder#feed} to serve it.
 *
 * <pre>{@code
 * DecisionFeed feed = DecisionFeed.builder().history(500).build();
 * TieredMemory store = TieredMemory.builder("agent").observer(feed).build();
 * try (DecisionFeed.Subscription s = feed.subscribe()) {
 *   DecisionFeed.Entry e = s.poll(Duration.ofSeconds(1));   // {"seq":1,"kind":"promoted",...}
 * }
 * }</pre>
 */
public final class DecisionFeed implements TierObserver {

  private final int history;
  private final int subscriberBuffer;
  private final boolean revealKeys;
  private final boolean includePuts;
  private final boolean errorMessages;
  private final boolean queryText;
  private final boolean includeRecalls;
  private final byte[] salt;
  private final ArrayDeque<Entry> recent;
  private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Counter droppedCounter;
  private long sequence; // guarded by this

  private DecisionFeed(Builder b) {
    this.history = b.history;
    this.subscriberBuffer = b.subscriberBuffer;
    this.revealKeys = b.revealKeys;
    this.includePuts = b.includePuts;
    this.errorMessages = b.errorMessages;
    this.queryText = b.queryText;
    this.includeRecalls = b.includeRecalls;
    this.salt = b.salt;
    this.recent = new ArrayDeque<>(history);
    MeterRegistry registry = b.registry;
    this.droppedCounter =
        Counter.builder(b.names.eventsDropped())
            .description("Decisions the event feed dropped because a subscriber was too slow")
            .register(registry);
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * One decision as delivered: its sequence number, kind and JSON.
   *
   * @param sequence 1, 2, 3... in the order decisions were made
   * @param kind the event kind, e.g. {@code promoted}
   * @param json one JSON object, no newline
   */
  public record Entry(long sequence, String kind, String json) {
    /**
     * The decision's fields as an ordered map (the keys of {@link #json()}, values {@code String},
     * {@code Long}, {@code Double}, {@code Boolean} or null; a {@code recalled} decision's {@code
     * results} a {@code List} of such maps), for frameworks that render maps, e.g. as part of a
     * bigger JSON document.
     *
     * @throws IllegalArgumentException if {@code json} is not a flat JSON object of such values
     */
    public Map<String, @Nullable Object> fields() {
      return Json.parseFlatObject(json);
    }
  }

  /** Yes: a feed is made of events. */
  @Override
  public boolean wantsEvents() {
    return true;
  }

  /** Records one event (the store calls it; a test or a bridge may too). */
  @Override
  public void onEvent(TierEvent event) {
    if (event instanceof TierEvent.Put && !includePuts
        || event instanceof TierEvent.Recalled && !includeRecalls) {
      return;
    }
    StringBuilder json = new StringBuilder(200);
    synchronized (this) {
      long seq = ++sequence;
      EventJson.write(json, seq, event, this::keyLabel, errorMessages, queryText);
      Entry entry = new Entry(seq, event.kind(), json.toString());
      if (recent.size() == history) {
        recent.removeFirst();
      }
      recent.addLast(entry);
      for (Subscription s : subscribers) {
        s.offer(entry);
      }
    }
  }

  /** The most recent decisions, oldest first, at most {@code max}. */
  public synchronized List<Entry> recent(int max) {
    List<Entry> all = new ArrayList<>(recent);
    return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
  }

  /** Subscribes to decisions made from now on. Close the subscription when done. */
  public Subscription subscribe() {
    Subscription s = new Subscription(subscriberBuffer);
    subscribers.add(s);
    return s;
  }

  /** Subscribes, first replaying the remembered decisions after {@code afterSequence}. */
  public synchronized Subscription subscribeAfter(long afterSequence) {
    Subscription s = new Subscription(subscriberBuffer);
    for (Entry e : recent) {
      if (e.sequence() > afterSequence) {
        s.offer(e);
      }
    }
    subscribers.add(s);
    return s;
  }

  /** Decisions dropped across all subscribers because they were too slow. */
  public long dropped() {
    return dropped.get();
  }

  /** How many subscribers are connected. */
  public int subscribers() {
    return subscribers.size();
  }

  /**
   * The label this feed gives {@code key} in its decisions: {@code k:} and 12 hex digits of SHA-256
   * of the feed's salt and the key, or the key itself when the feed reveals keys. Other documents
   * that name keys (the plan) use it, so a key has the same label everywhere.
   */
  public String keyLabel(String key) {
    if (revealKeys) {
      return key;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      byte[] digest = sha.digest(key.getBytes(StandardCharsets.UTF_8));
      return "k:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** One subscriber's queue of undelivered decisions. */
  public final class Subscription implements AutoCloseable {
    private final BlockingQueue<Entry> queue;
    private final AtomicLong lost = new AtomicLong();

    private Subscription(int capacity) {
      this.queue = new ArrayBlockingQueue<>(capacity);
    }

    private void offer(Entry e) {
      while (!queue.offer(e)) {
        // Full: drop the oldest undelivered decision, never block the store's thread.
        if (queue.poll() != null) {
          lost.incrementAndGet();
          dropped.incrementAndGet();
          droppedCounter.increment();
        }
      }
    }

    /** The next decision, waiting up to {@code timeout}; null if none came. */
    public Entry poll(Duration timeout) throws InterruptedException {
      return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Decisions this subscriber lost because it fell behind. */
    public long lost() {
      return lost.get();
    }

    @Override
    public void close() {
      subscribers.remove(this);
    }
  }

  /** Builds a {@link DecisionFeed}. */
  public static final class Builder {
    private int history = 500;
    private int subscriberBuffer = 1000;
    private boolean revealKeys;
    private boolean includePuts;
    private boolean errorMessages;
    private boolean queryText;
    private boolean includeRecalls = true;
    private byte[] salt = randomSalt();
    private MeterRegistry registry = Metrics.globalRegistry;
    private MetricNames names = MetricNames.defaults();

    private Builder() {}

    private static byte[] randomSalt() {
      byte[] s = new byte[16];
      new SecureRandom().nextBytes(s);
      return s;
    }

    /** How many recent decisions to remember for new subscribers (default 500, at least 1). */
    public Builder history(int value) {
      this.history = Validation.requireAtLeast("history", value, 1);
      return this;
    }

    /** Undelivered decisions kept per subscriber before the oldest are dropped (default 1000). */
    public Builder subscriberBuffer(int value) {
      this.subscriberBuffer = Validation.requireAtLeast("subscriberBuffer", value, 1);
      return this;
    }

    /** Show keys as they are instead of hashed (default false). */
    public Builder revealKeys(boolean value) {
      this.revealKeys = value;
      return this;
    }

    /**
     * Include the backend's error message in {@code backend_failed} decisions (default false: a
     * driver's message may quote a key or a stored value, and content must never reach the feed).
     * Independent of {@link #revealKeys}.
     */
    public Builder errorMessages(boolean value) {
      this.errorMessages = value;
      return this;
    }

    /**
     * Include the query text of {@code recalled} decisions, when the store records it ({@code
     * TieredMemory.Builder.recordQueryText}; default false: what a user asked is content, and
     * content must never reach the feed unless you decide it may). Independent of {@link
     * #revealKeys}.
     */
    public Builder queryText(boolean value) {
      this.queryText = value;
      return this;
    }

    /**
     * Include {@code recalled} decisions, what every search and adapter read returned (default
     * true). A store searched far more often than it moves memories may want them off, or a bigger
     * {@link #history}, so that recalls do not push its moves out of the history.
     */
    public Builder includeRecalls(boolean value) {
      this.includeRecalls = value;
      return this;
    }

    /** Include every put (default false: the feed is about decisions). */
    public Builder includePuts(boolean value) {
      this.includePuts = value;
      return this;
    }

    /**
     * The salt of key hashes (default random per feed). Give instances of one service the same salt
     * to correlate a key's decisions across them.
     */
    public Builder keySalt(String value) {
      this.salt = Validation.requireNonBlank("keySalt", value).getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** Where the dropped-decisions counter goes (default: Micrometer's global registry). */
    public Builder registry(MeterRegistry value) {
      this.registry = Validation.requireNonNull("registry", value);
      return this;
    }

    /** Meter names (default {@link MetricNames#defaults()}). */
    public Builder names(MetricNames value) {
      this.names = Validation.requireNonNull("names", value);
      return this;
    }

    /** Builds the feed. */
    public DecisionFeed build() {
      return new DecisionFeed(this);
    }
  }
}
