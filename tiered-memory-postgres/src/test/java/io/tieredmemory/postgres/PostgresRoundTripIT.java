package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.StoredMemory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Round trips per operation, and where buffered access statistics end up. */
class PostgresRoundTripIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long NOW = T0.toEpochMilli();

  private static HikariDataSource pool;
  private CountingDataSource counting;
  private String table;
  private PostgresTierStore store;

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("round-trips", 4);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @BeforeEach
  void createTable() {
    counting = new CountingDataSource(pool);
    table = Pg.uniqueTable("tm_rt");
  }

  @AfterEach
  void dropTable() {
    if (store != null) {
      store.close();
    }
    Pg.drop(pool, table);
  }

  private PostgresTierStore build(Duration flushInterval) {
    store =
        PostgresTierStore.builder(counting.dataSource())
            .table(table)
            .embedder(Embedder.hashing())
            .accessFlushInterval(flushInterval)
            .build();
    counting.reset();
    return store;
  }

  private static Memory memory(String key, String content) {
    return new Memory(key, content, Map.of("k", "v"), T0, T0, 1);
  }

  private long accessCount(String key) {
    return Pg.queryLong(pool, "SELECT access_count FROM " + table + " WHERE key = ?", key);
  }

  private long lastAccess(String key) {
    return Pg.queryLong(
        pool, "SELECT GREATEST(last_access, recent_access) FROM " + table + " WHERE key = ?", key);
  }

  @Test
  void read_hitAndMiss_areOneRoundTripEach() {
    build(Duration.ofHours(1));
    store.upsert(memory("a", "alpha"), NOW);
    counting.reset();

    assertThat(store.read("a", NOW + 1)).isNotNull();
    assertThat(counting.calls()).hasSize(1);
    assertThat(counting.calls().get(0)).startsWith("executeQuery: SELECT").contains("key = ?");

    counting.reset();
    assertThat(store.read("missing", NOW + 1)).isNull();
    assertThat(counting.calls()).hasSize(1);
  }

  @Test
  void read_onTheWire_sendsOneSyncEvenWhenTheDriverStartsToPrepare() throws Exception {
    // The driver's protocol trace: each Sync is one request/response exchange with the server.
    // One connection for the whole test, so no pool validation query shows up in the trace.
    Logger trace = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
    List<String> sent = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            String m = r.getMessage();
            if (m != null && m.contains("FE=>")) {
              sent.add(m);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    try (Connection c = pool.getConnection()) {
      DataSource single = singleConnection(c);
      store =
          PostgresTierStore.builder(single)
              .table(table)
              .accessFlushInterval(Duration.ofHours(1))
              .build();
      store.upsert(memory("a", "alpha"), NOW);
      Level level = trace.getLevel();
      trace.addHandler(handler);
      trace.setLevel(Level.FINEST);
      try {
        // The driver switches to a server-prepared statement at the 5th execution.
        for (int i = 0; i < 8; i++) {
          sent.clear();
          assertThat(store.read("a", NOW)).isNotNull();
          assertThat(sent)
              .as("read %s sent %s", i, sent)
              .filteredOn(m -> m.contains("Sync"))
              .hasSize(1);
        }
      } finally {
        trace.setLevel(level);
        trace.removeHandler(handler);
      }
      store.close();
      store = null;
    }
  }

  private static DataSource singleConnection(Connection c) {
    Connection unclosable =
        (Connection)
            Proxy.newProxyInstance(
                PostgresRoundTripIT.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, m, a) -> {
                  if (m.getName().equals("close")) {
                    return null;
                  }
                  try {
                    return m.invoke(c, a);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return (DataSource)
        Proxy.newProxyInstance(
            PostgresRoundTripIT.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (p, m, a) -> {
              if (m.getName().equals("getConnection")) {
                return unclosable;
              }
              throw new UnsupportedOperationException(m.getName());
            });
  }

  @Test
  void everyOperation_isOneRoundTrip() {
    build(Duration.ofHours(1));
    assertOneRoundTrip(() -> store.upsert(memory("a", "alpha beta"), NOW));
    assertOneRoundTrip(() -> store.upsert(memory("a", "alpha gamma"), NOW));
    assertOneRoundTrip(
        () -> store.copyIn(new StoredMemory(memory("b", "beta").withVersion(5, T0), 2, NOW)));
    assertOneRoundTrip(() -> store.peek("a"));
    assertOneRoundTrip(() -> store.readAll(List.of("a", "b", "c"), NOW));
    assertOneRoundTrip(() -> store.peekAll(List.of("a", "b")));
    assertOneRoundTrip(() -> store.touch("a", NOW + 5));
    // The sweep's oldest-first read turns bitmap scans off for its own transaction (see
    // withoutBitmapScans): the setting, the statement, and the commit of setAutoCommit(true).
    counting.reset();
    store.oldestAccessed(Long.MAX_VALUE, 10);
    assertThat(counting.calls())
        .containsExactly(
            "execute: SET LOCAL enable_bitmapscan = off",
            "executeQuery: " + new Sql(TableName.of(table)).oldestAccessed,
            "setAutoCommit");
    assertOneRoundTrip(() -> store.count());
    assertOneRoundTrip(() -> store.bytes());
    // Search is one statement too, streamed: the driver streams only inside a transaction, so
    // it ends with the commit that setAutoCommit(true) makes.
    counting.reset();
    store.vectorSearch().orElseThrow().search(Embedder.hashing().embed("alpha"), "alpha", 3);
    assertThat(counting.calls())
        .containsExactly("executeQuery: " + new Sql(TableName.of(table)).search, "setAutoCommit");
    assertOneRoundTrip(() -> store.flush());
    assertOneRoundTrip(() -> store.removeIfVersion("b", 4));
    assertOneRoundTrip(() -> store.removeIfOlder("b", 5));
    assertOneRoundTrip(() -> store.removeAllIfOlder(Map.of("a", 1L, "b", 6L, "z", 9L)));
    assertOneRoundTrip(
        () ->
            store.copyAllIn(
                List.of(
                    new StoredMemory(memory("c", "gamma").withVersion(7, T0), 1, NOW),
                    new StoredMemory(memory("d", "delta\0").withVersion(8, T0), 2, NOW))));
    assertOneRoundTrip(() -> store.removeAllIfVersion(Map.of("c", 7L, "d", 9L, "z", 1L)));
    assertOneRoundTrip(() -> store.remove("a"));
  }

  @Test
  void oldestAccessed_leavesBitmapScansOnForTheConnectionsNextUser() throws Exception {
    try (HikariDataSource one = Pg.pool("one-connection", 1)) {
      PostgresTierStore s = PostgresTierStore.builder(one).table(table).build();
      try {
        s.upsert(memory("a", "alpha"), NOW);
        assertThat(s.oldestAccessed(Long.MAX_VALUE, 10))
            .extracting(m -> m.key())
            .containsExactly("a");
        try (Connection c = one.getConnection();
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SHOW enable_bitmapscan")) {
          assertThat(c.getAutoCommit()).isTrue();
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("on");
        }
      } finally {
        s.close();
      }
    }
  }

  private void assertOneRoundTrip(Runnable operation) {
    counting.reset();
    operation.run();
    assertThat(counting.calls()).hasSize(1);
  }

  @Test
  void read_statsReachTheTableOnFlush_inOneStatement() {
    build(Duration.ofHours(1));
    store.upsert(memory("a", "alpha"), NOW);
    store.upsert(memory("b", "beta"), NOW);
    store.read("a", NOW + 5_000);
    store.read("a", NOW + 3_000);
    store.read("b", NOW + 9_000);
    assertThat(accessCount("a")).isZero();

    counting.reset();
    store.flush();

    assertThat(counting.calls()).hasSize(1);
    assertThat(counting.calls().get(0)).contains("unnest");
    assertThat(accessCount("a")).isEqualTo(2);
    assertThat(lastAccess("a")).isEqualTo(NOW + 5_000);
    assertThat(accessCount("b")).isEqualTo(1);
    assertThat(lastAccess("b")).isEqualTo(NOW + 9_000);

    counting.reset();
    store.flush();
    assertThat(counting.calls()).as("nothing buffered, nothing sent").isEmpty();
  }

  @Test
  void read_statsReachTheTableAfterTheInterval_withoutAFlushCall() throws InterruptedException {
    build(Duration.ofMillis(200));
    store.upsert(memory("a", "alpha"), NOW);
    store.read("a", NOW + 7_000);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (accessCount("a") == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(accessCount("a")).isEqualTo(1);
    assertThat(lastAccess("a")).isEqualTo(NOW + 7_000);
  }

  @Test
  void peek_addsThisProcesssUnwrittenReads() {
    build(Duration.ofHours(1));
    store.upsert(memory("a", "alpha"), NOW);
    store.read("a", NOW + 4_000);
    assertThat(accessCount("a")).isZero();

    StoredMemory peeked = store.peek("a");
    assertThat(peeked.accessCount()).isEqualTo(1);
    assertThat(peeked.lastAccessMillis()).isEqualTo(NOW + 4_000);
    assertThat(store.peekAll(List.of("a")).get("a").accessCount()).isEqualTo(1);

    store.flush();
    assertThat(store.peek("a").accessCount()).as("not counted twice").isEqualTo(1);
  }

  @Test
  void close_flushesBufferedStats() {
    build(Duration.ofHours(1));
    store.upsert(memory("a", "alpha"), NOW);
    store.read("a", NOW + 1_000);
    store.close();
    assertThat(accessCount("a")).isEqualTo(1);
  }

  @Test
  void flush_concurrentWithReads_losesNoAccess() throws Exception {
    build(Duration.ofMillis(5));
    store.upsert(memory("a", "alpha"), NOW);
    int threads = 4;
    int readsEach = 200;
    Thread[] readers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      readers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < readsEach; i++) {
                  store.read("a", NOW + i);
                }
              });
      readers[t].start();
    }
    for (Thread r : readers) {
      r.join();
    }
    store.flush();
    assertThat(accessCount("a")).isEqualTo((long) threads * readsEach);
  }
}
