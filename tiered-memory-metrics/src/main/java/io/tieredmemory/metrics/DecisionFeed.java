package io.tieredmemory.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.internal.BatchWriter;
import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.EventLog;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * serve several stores), and give it to {@link TieredMemoryEndpoint.Builder#feed} to serve it. Each
 * decision names the {@code instance} that made it ({@code TieredMemory.instanceId()}).
 *
 * <p><b>Durable</b> ({@link Builder#durable}): the feed writes its decisions to the store's event
 * log in WARM ({@code TieredMemory.eventLog()}: a table in PostgreSQL) from a thread of its own, in
 * batches, and delivers what it reads back from the log, so every instance sharing the tiers shows
 * every instance's decisions, in the log's one order, numbered by the log. A client that reconnects
 * with {@code Last-Event-ID} gets each decision it missed once, in order, from whichever instance
 * it reaches, also after a restart, as long as the log still holds them (it keeps the newest {@link
 * Builder#retain} decisions). The price: a decision shows up after its batch is written and read
 * back (about a tenth of a second), and while WARM is down the feed shows nothing new (decisions
 * are queued, up to a bound, and shown once WARM is back). Keys are hashed with a salt the log
 * keeps, the same on every instance, unless {@link Builder#keySalt} is set.
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
  private static final System.Logger LOG = System.getLogger(DecisionFeed.class.getName());

  /** The most decisions one append writes, or one read of the log returns. */
  static final int BATCH = 500;

  /** How often a durable feed reads the log while a client is connected. */
  static final long POLL_MILLIS = 100;

  /** A durable feed trims the log to {@link Builder#retain} every this many appends. */
  static final int RETAIN_EVERY = 50;

  private final int history;
  private final int subscriberBuffer;
  private final boolean revealKeys;
  private final boolean includePuts;
  private final boolean errorMessages;
  private final boolean queryText;
  private final boolean includeRecalls;
  private final boolean saltGiven;
  private volatile byte[] salt;
  private final boolean durable;
  private final int retain;
  private final int queueCapacity;
  private final Map<String, String> instances = new ConcurrentHashMap<>();
  private final ArrayDeque<Entry> recent;
  private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Counter droppedCounter;
  private long sequence; // guarded by this
  private volatile @Nullable Durable log;

  private DecisionFeed(Builder b) {
    this.history = b.history;
    this.subscriberBuffer = b.subscriberBuffer;
    this.revealKeys = b.revealKeys;
    this.includePuts = b.includePuts;
    this.errorMessages = b.errorMessages;
    this.queryText = b.queryText;
    this.includeRecalls = b.includeRecalls;
    this.salt = b.salt;
    this.saltGiven = b.saltGiven;
    this.durable = b.durable;
    this.retain = b.retain;
    this.queueCapacity = b.queueCapacity;
    this.recent = new ArrayDeque<>(history);
    MeterRegistry registry = b.registry;
    this.droppedCounter =
        Counter.builder(b.names.eventsDropped())
            .description(
                "Decisions the event feed dropped: a subscriber was too slow, or (durable feed)"
                    + " WARM failed longer than the feed's queue could hold")
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

  /** No: a feed ignores requests, so a get the store did not time costs it nothing. */
  @Override
  public boolean wantsUntimedGets() {
    return false;
  }

  /**
   * Learns the store's instance id; a {@linkplain Builder#durable durable} feed also binds to the
   * store's event log and starts its threads.
   *
   * @throws IllegalStateException if the feed is durable and the store's WARM tier keeps no event
   *     log, or the feed is durable and already serves another store
   */
  @Override
  public void attached(TieredMemory store) {
    instances.put(store.name(), store.instanceId());
    if (!durable) {
      return;
    }
    synchronized (this) {
      Durable current = log;
      if (current != null) {
        if (current.store.equals(store.name()) && current.running()) {
          throw new IllegalStateException(
              "a durable DecisionFeed serves one store at a time: it is attached to '"
                  + current.store
                  + "' already");
        }
        if (current.running()) {
          throw new IllegalStateException(
              "a durable DecisionFeed serves one store: it serves '"
                  + current.store
                  + "', so it cannot serve '"
                  + store.name()
                  + "' too; give each store a feed of its own");
        }
      }
      EventLog l =
          store
              .eventLog()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "store '"
                              + store.name()
                              + "': a durable DecisionFeed needs a WARM tier that keeps an event"
                              + " log (PostgreSQL, in-process); this store's has none"));
      if (!saltGiven) {
        salt = l.salt();
      }
      Durable d = new Durable(store.name(), l);
      log = d;
      d.start();
    }
  }

  /** A durable feed writes what it has queued and stops its threads. */
  @Override
  public void detached(TieredMemory store) {
    Durable d = log;
    if (d != null && d.store.equals(store.name())) {
      d.stop();
    }
  }

  /** Records one event (the store calls it; a test or a bridge may too). */
  @Override
  public void onEvent(TierEvent event) {
    if (event instanceof TierEvent.Put && !includePuts
        || event instanceof TierEvent.Recalled && !includeRecalls) {
      return;
    }
    String instance = instances.get(event.store());
    StringBuilder json = new StringBuilder(200);
    Durable d = log;
    if (d != null && d.store.equals(event.store())) {
      EventJson.write(json, -1, instance, event, this::keyLabel, errorMessages, queryText);
      d.queue(
          new EventLog.Entry(
              0,
              event.at(),
              instance == null ? "" : instance,
              event.store(),
              event.kind(),
              json.toString()));
      return;
    }
    synchronized (this) {
      long seq = ++sequence;
      EventJson.write(json, seq, instance, event, this::keyLabel, errorMessages, queryText);
      deliver(new Entry(seq, event.kind(), json.toString()));
    }
  }

  /** Remembers an entry and offers it to every subscriber; under this feed's lock. */
  private void deliver(Entry entry) {
    if (recent.size() == history) {
      recent.removeFirst();
    }
    recent.addLast(entry);
    for (Subscription s : subscribers) {
      s.offer(entry);
    }
  }

  /**
   * Writes what a durable feed has queued to the log and shows it (what {@link #subscribe
   * subscribers} get and {@link #recent} returns) with everything else the log holds by now, from
   * every instance; nothing for a feed that is not durable. For tests and orderly shutdowns.
   *
   * @throws io.tieredmemory.core.TieredMemoryException if WARM failed (the decisions stay queued)
   */
  public void flush() {
    Durable d = log;
    if (d != null) {
      d.flush();
      d.readLog();
    }
  }

  /** Whether this feed writes to and reads from the store's event log ({@link Builder#durable}). */
  public boolean durable() {
    return durable;
  }

  /**
   * The most recent decisions, oldest first, at most {@code max} (and at most {@link
   * Builder#history}). A durable feed first writes what this instance has queued and reads the log
   * (what every instance has written), so it shows its own decisions at once; if WARM fails, it
   * returns what it read last.
   */
  public List<Entry> recent(int max) {
    Durable d = log;
    if (d != null) {
      d.flushAndReadQuietly();
    }
    synchronized (this) {
      List<Entry> all = new ArrayList<>(recent);
      return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }
  }

  /** Subscribes to decisions made from now on. Close the subscription when done. */
  public Subscription subscribe() {
    Subscription s = new Subscription(subscriberBuffer);
    subscribers.add(s);
    return s;
  }

  /**
   * Subscribes, first replaying the decisions after {@code afterSequence}: the remembered ones
   * ({@link Builder#history}); for a durable feed, every one the log still holds after it, also
   * those older than what this feed remembers or made before this process started (beyond the
   * subscriber's buffer, the oldest are dropped and counted).
   */
  public Subscription subscribeAfter(long afterSequence) {
    Durable d = log;
    if (d == null) {
      synchronized (this) {
        Subscription s = new Subscription(subscriberBuffer);
        for (Entry e : recent) {
          if (e.sequence() > afterSequence) {
            s.offer(e);
          }
        }
        subscribers.add(s);
        return s;
      }
    }
    return d.subscribeAfter(afterSequence);
  }

  /**
   * Decisions dropped: across all subscribers because they were too slow, and (durable feed) those
   * the feed could not keep while WARM failed.
   */
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

  /**
   * A durable feed's link to its store's event log: a writer thread appending queued decisions in
   * batches, a reader thread reading the log from {@link #cursor} while anyone is subscribed (and
   * {@link #readLog} for anyone else), delivering what it reads in id order.
   */
  private final class Durable {
    final String store;
    private final EventLog eventLog;
    private final ReentrantLock reading = new ReentrantLock();
    // Guarded by reading: the id of the last entry read from the log.
    private long cursor;
    // Appends so far; only the writer's thread or a flush (serialized by the writer) counts.
    private int appends;
    private volatile boolean stopped;
    private @Nullable BatchWriter<EventLog.Entry> writer;
    private @Nullable Thread reader;

    Durable(String store, EventLog eventLog) {
      this.store = store;
      this.eventLog = eventLog;
      try {
        // Show the newest history the log holds; a subscriber asking for older ones reads them.
        this.cursor = Math.max(0, eventLog.lastId() - history);
      } catch (RuntimeException e) {
        this.cursor = 0;
      }
    }

    boolean running() {
      return !stopped;
    }

    void start() {
      writer =
          new BatchWriter<>(
              "store '" + store + "': decision feed",
              "tiered-memory-feed-writer-" + store,
              queueCapacity,
              BATCH,
              POLL_MILLIS / 2,
              this::append,
              n -> {
                dropped.addAndGet(n);
                droppedCounter.increment(n);
              });
      Thread r = new Thread(this::read, "tiered-memory-feed-reader-" + store);
      r.setDaemon(true);
      reader = r;
      r.start();
    }

    void queue(EventLog.Entry e) {
      BatchWriter<EventLog.Entry> w = writer;
      if (w != null) {
        w.offer(e);
      }
    }

    /** Writes everything queued so far; throws (keeping it) if WARM failed. */
    void flush() {
      BatchWriter<EventLog.Entry> w = writer;
      if (w != null) {
        w.flush();
      }
    }

    /** One batch to the log, then now and then a trim, and the reader woken. */
    private void append(List<EventLog.Entry> batch) {
      eventLog.append(batch);
      if (++appends % RETAIN_EVERY == 0) {
        try {
          eventLog.retainNewest(retain);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "trimming the event log failed; retried later", e);
        }
      }
      Thread r = reader;
      if (r != null) {
        LockSupport.unpark(r);
      }
    }

    private void read() {
      while (!stopped) {
        if (!subscribers.isEmpty()) {
          readLogQuietly();
        }
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
      }
    }

    /** Writes this instance's queue, then reads the log; a failure is logged, not thrown. */
    void flushAndReadQuietly() {
      try {
        flush();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "writing to the event log failed; retried later", e);
      }
      readLogQuietly();
    }

    void readLogQuietly() {
      try {
        readLog();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "reading the event log failed; retried later", e);
      }
    }

    /**
     * Reads the log from the cursor to its end and delivers what it finds. With nobody subscribed,
     * skips ahead to the newest {@link Builder#history} decisions first.
     */
    void readLog() {
      reading.lock();
      try {
        if (subscribers.isEmpty()) {
          long last = eventLog.lastId();
          if (last - cursor > history) {
            cursor = last - history;
          }
        }
        List<EventLog.Entry> page;
        do {
          page = eventLog.readAfter(cursor, BATCH);
          synchronized (DecisionFeed.this) {
            for (EventLog.Entry e : page) {
              deliver(entry(e));
            }
          }
          if (!page.isEmpty()) {
            cursor = page.get(page.size() - 1).id();
          }
        } while (page.size() == BATCH);
      } finally {
        reading.unlock();
      }
    }

    Subscription subscribeAfter(long after) {
      reading.lock();
      try {
        flushAndReadQuietly();
        synchronized (DecisionFeed.this) {
          Subscription s = new Subscription(subscriberBuffer);
          long firstRemembered = recent.isEmpty() ? cursor + 1 : recent.peekFirst().sequence();
          long from = after;
          try {
            while (from < firstRemembered - 1) {
              List<EventLog.Entry> page = eventLog.readAfter(from, BATCH);
              for (EventLog.Entry e : page) {
                if (e.id() < firstRemembered) {
                  s.offer(entry(e));
                }
              }
              if (page.size() < BATCH) {
                break;
              }
              from = page.get(page.size() - 1).id();
            }
          } catch (RuntimeException e) {
            LOG.log(
                System.Logger.Level.DEBUG,
                "reading older decisions from the event log failed; replaying the remembered",
                e);
          }
          for (Entry e : recent) {
            if (e.sequence() > after) {
              s.offer(e);
            }
          }
          subscribers.add(s);
          return s;
        }
      } finally {
        reading.unlock();
      }
    }

    private Entry entry(EventLog.Entry e) {
      return new Entry(e.id(), e.kind(), EventJson.withSeq(e.id(), e.json()));
    }

    /** Stops both threads and writes what is queued (a failure is logged, the rest counted). */
    void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      Thread r = reader;
      if (r != null) {
        LockSupport.unpark(r);
        try {
          r.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      BatchWriter<EventLog.Entry> w = writer;
      if (w != null) {
        w.close();
      }
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
    private boolean saltGiven;
    private boolean durable;
    private int retain = 10_000;
    private int queueCapacity = 10_000;
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
     * The salt of key hashes (default random per feed; for a durable feed, the salt its event log
     * keeps, the same on every instance). Give instances of one service the same salt to correlate
     * a key's decisions across them.
     */
    public Builder keySalt(String value) {
      this.salt = Validation.requireNonBlank("keySalt", value).getBytes(StandardCharsets.UTF_8);
      this.saltGiven = true;
      return this;
    }

    /**
     * Write decisions to the store's event log in WARM and show what the log holds (default false):
     * a reconnecting client misses nothing the log still holds, and every instance sharing the
     * tiers shows every instance's decisions in one order (see the class comment for the price).
     * The store's WARM tier must keep an event log ({@code TieredMemory.eventLog()}); a durable
     * feed serves one store.
     */
    public Builder durable(boolean value) {
      this.durable = value;
      return this;
    }

    /**
     * How many decisions a durable feed keeps in the log, the newest (default 10,000, at least 1):
     * what a client reconnecting after a while can still get. The feed trims the log every {@value
     * DecisionFeed#RETAIN_EVERY} appends.
     */
    public Builder retain(int value) {
      this.retain = Validation.requireAtLeast("retain", value, 1);
      return this;
    }

    /**
     * How many decisions a durable feed holds before WARM has them (default 10,000, at least 1):
     * while WARM fails, decisions beyond it are dropped and counted.
     */
    public Builder queue(int value) {
      this.queueCapacity = Validation.requireAtLeast("queue", value, 1);
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
