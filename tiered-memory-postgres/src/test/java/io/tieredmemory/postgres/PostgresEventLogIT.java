package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.spi.EventLog;
import io.tieredmemory.core.spi.TierStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decision feeds' event log on a real PostgreSQL: its migration and salt, paging and retention,
 * and the guarantee feeds rest on, that ids become visible in order, so a reader paging from its
 * last id never skips an entry another instance commits later.
 */
class PostgresEventLogIT {
  private static HikariDataSource pool;
  private final List<String> tables = new ArrayList<>();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("events", 12);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void dropTables() {
    tables.forEach(t -> Pg.drop(pool, t));
  }

  private String table(String prefix) {
    String t = Pg.uniqueTable(prefix);
    tables.add(t);
    return t;
  }

  private static EventLog log(TierStore store) {
    return store.eventLog().orElseThrow();
  }

  private static EventLog.Entry entry(String instance, String kind, int n) {
    return new EventLog.Entry(
        0,
        Instant.parse("2026-12-07T03:00:00Z").plusMillis(n),
        instance,
        "agent",
        kind,
        "{\"kind\":\"" + kind + "\",\"n\":" + n + "}");
  }

  @Test
  void build_createsTheLog_andOneSaltEveryInstanceReads() {
    String t = table("tm_ev");
    try (TierStore one = PostgresTierStore.builder(pool).table(t).build();
        TierStore two = PostgresTierStore.builder(pool).table(t).build()) {
      byte[] salt = log(one).salt();
      assertThat(salt).hasSizeGreaterThanOrEqualTo(16);
      assertThat(log(two).salt()).isEqualTo(salt);
      assertThat(log(one).lastId()).isZero();
      assertThat(log(one).readAfter(0, 10)).isEmpty();
    }
    String other = table("tm_ev");
    try (TierStore three = PostgresTierStore.builder(pool).table(other).build()) {
      assertThat(log(three).salt()).as("each table its own salt").isNotEqualTo(saltOf(t));
    }
  }

  @Test
  void aTableAtVersion6_isMigrated_keepingItsMemories_andGetsALogAndASalt() {
    String t = table("tm_ev6");
    try (PostgresTierStore s = PostgresTierStore.builder(pool).table(t).build()) {
      s.upsert(
          new io.tieredmemory.core.Memory(
              "k", "v", java.util.Map.of(), Instant.EPOCH, Instant.EPOCH, 1),
          0);
    }
    // As a table left by the previous release: no event log, version 6.
    Pg.execute(pool, "DROP TABLE " + TableName.of(t).derived("events"));
    Pg.execute(pool, "DROP TABLE " + TableName.of(t).derived("events_salt"));
    Pg.execute(pool, "UPDATE " + Schema.VERSION_TABLE + " SET version = 6 WHERE table_name = ?", t);
    try (PostgresTierStore s = PostgresTierStore.builder(pool).table(t).build()) {
      assertThat(s.peek("k")).isNotNull();
      assertThat(log(s).salt()).hasSizeGreaterThanOrEqualTo(16);
      log(s).append(List.of(entry("a", "promoted", 1)));
      assertThat(log(s).readAfter(0, 10)).hasSize(1);
    }
    assertThat(
            Pg.queryLong(
                pool, "SELECT version FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?", t))
        .isEqualTo((long) Schema.latest());
  }

  private static byte[] saltOf(String table) {
    try (TierStore s = PostgresTierStore.builder(pool).table(table).build()) {
      return log(s).salt();
    }
  }

  @Test
  void append_readAfter_retainNewest_inTheOrderAppended() {
    String t = table("tm_ev");
    try (TierStore a = PostgresTierStore.builder(pool).table(t).build();
        TierStore b = PostgresTierStore.builder(pool).table(t).build()) {
      List<EventLog.Entry> batch = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        batch.add(entry("a", i % 2 == 0 ? "promoted" : "demoted", i));
      }
      log(a).append(batch);
      log(b).append(List.of(entry("b", "archived", 7)));
      log(a).append(List.of());

      List<EventLog.Entry> all = log(b).readAfter(0, 100);
      assertThat(all).hasSize(8);
      assertThat(all).extracting(EventLog.Entry::id).isSorted().doesNotHaveDuplicates();
      assertThat(all)
          .extracting(EventLog.Entry::json)
          .element(3)
          .isEqualTo("{\"kind\":\"demoted\",\"n\":3}");
      assertThat(all.get(7))
          .returns("b", EventLog.Entry::instance)
          .returns("agent", EventLog.Entry::store)
          .returns("archived", EventLog.Entry::kind)
          .returns(Instant.parse("2026-12-07T03:00:00.007Z"), EventLog.Entry::at);
      assertThat(log(a).lastId()).isEqualTo(all.get(7).id());
      // Paging from any id gives the rest, in order.
      assertThat(log(a).readAfter(all.get(2).id(), 3)).isEqualTo(all.subList(3, 6));
      assertThat(log(a).readAfter(all.get(7).id(), 3)).isEmpty();
      assertThat(log(a).readAfter(0, 0)).isEmpty();

      assertThat(log(a).retainNewest(3)).isEqualTo(5);
      assertThat(log(b).readAfter(0, 100)).isEqualTo(all.subList(5, 8));
      assertThat(log(a).retainNewest(3)).isZero();
      assertThat(log(a).lastId()).isEqualTo(all.get(7).id());
    }
  }

  /**
   * Instance A has taken its id and not committed yet (simulated on a raw connection doing what an
   * append does); B's append must wait for it, so no reader sees B's ids while A's may still appear
   * below them. Without the lock B's rows would be readable first and a reader's cursor would pass
   * A's id for good: this test fails then.
   */
  @Test
  void anAppend_waitsForAnEarlierOneStillOpen_soReadersNeverSkipAnId() throws Exception {
    String t = table("tm_ev");
    TableName name = TableName.of(t);
    try (TierStore b = PostgresTierStore.builder(pool).table(t).build();
        Connection a = pool.getConnection()) {
      log(b).append(List.of(entry("b", "promoted", 0)));
      long first = log(b).lastId();
      a.setAutoCommit(false);
      try (PreparedStatement lock =
          a.prepareStatement(
              "SELECT pg_advisory_xact_lock(" + PostgresEventLog.LOCK_CLASS + ", hashtext(?))")) {
        lock.setString(1, t);
        lock.execute();
      }
      try (PreparedStatement insert =
          a.prepareStatement(
              "INSERT INTO "
                  + name.derived("events")
                  + " (at, instance, store, kind, json) VALUES (now(), 'a', 'agent', 'demoted',"
                  + " '{}')")) {
        insert.executeUpdate();
      }
      Future<?> appendB =
          CompletableFuture.runAsync(() -> log(b).append(List.of(entry("b", "archived", 1))));
      Thread.sleep(500);
      // B waits; a reader sees nothing new: no id above A's can be read before A's.
      assertThat(appendB).isNotDone();
      assertThat(log(b).readAfter(first, 10)).isEmpty();
      a.commit();
      appendB.get(10, TimeUnit.SECONDS);
      List<EventLog.Entry> after = log(b).readAfter(first, 10);
      assertThat(after).extracting(EventLog.Entry::instance).containsExactly("a", "b");
      assertThat(after).extracting(EventLog.Entry::id).isSorted();
    }
  }

  /**
   * A seeded checker: four instances append batches of random sizes at random moments while three
   * readers page from their last id as fast as they can; every reader must see exactly the log's
   * final contents, each entry once, in id order. Seeds are printed on failure.
   */
  @Test
  void concurrentInstances_everyTailingReaderSeesEveryEntryOnceInOrder() throws Exception {
    for (long seed = 1; seed <= 6; seed++) {
      checkOnce(seed);
    }
  }

  private void checkOnce(long seed) throws Exception {
    String t = table("tm_ev");
    int writers = 4;
    int readers = 3;
    List<TierStore> stores = new ArrayList<>();
    for (int i = 0; i < writers + readers; i++) {
      stores.add(PostgresTierStore.builder(pool).table(t).build());
    }
    ExecutorService threads = Executors.newFixedThreadPool(writers + readers);
    try {
      AtomicBoolean writing = new AtomicBoolean(true);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> appended = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        EventLog log = log(stores.get(w));
        Random random = new Random(seed * 31 + w);
        String instance = "w" + w;
        appended.add(
            threads.submit(
                () -> {
                  start.await();
                  int n = 0;
                  for (int round = 0; round < 30; round++) {
                    // Small batches and big ones (whose ids are taken over a longer insert).
                    int size = 1 + random.nextInt(random.nextBoolean() ? 12 : 300);
                    List<EventLog.Entry> batch = new ArrayList<>();
                    for (int i = 0; i < size; i++) {
                      batch.add(entry(instance, "promoted", n++));
                    }
                    log.append(batch);
                    if (random.nextInt(4) == 0) {
                      Thread.sleep(random.nextInt(3));
                    }
                  }
                  return n;
                }));
      }
      List<Future<List<Long>>> seen = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        EventLog log = log(stores.get(writers + r));
        seen.add(
            threads.submit(
                () -> {
                  start.await();
                  List<Long> ids = new ArrayList<>();
                  long cursor = 0;
                  boolean last = false;
                  while (true) {
                    boolean done = !writing.get();
                    List<EventLog.Entry> page = log.readAfter(cursor, 50);
                    for (EventLog.Entry e : page) {
                      ids.add(e.id());
                      cursor = e.id();
                    }
                    if (page.isEmpty() && last) {
                      return ids;
                    }
                    last = done && page.isEmpty();
                  }
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : appended) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      List<Long> logged =
          log(stores.get(0)).readAfter(0, 100_000).stream().map(EventLog.Entry::id).toList();
      assertThat(logged).as("seed %d: entries stored", seed).hasSize(total);
      for (Future<List<Long>> f : seen) {
        assertThat(f.get(60, TimeUnit.SECONDS))
            .as("seed %d: what a tailing reader saw, against the log", seed)
            .isEqualTo(logged);
      }
    } finally {
      threads.shutdownNow();
      stores.forEach(TierStore::close);
    }
  }
}
