package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.ReconcileJournal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Relations derived from a memory table (journal, indexes, primary key) never take, or get taken
 * by, another store's memory table, whatever names the stores use and in whatever order they are
 * built; tables of the previous layout move to the new names; and a relation of the wrong shape
 * under a store's names is refused.
 */
class PostgresDerivedNamesIT {
  private static final String MEMORY_COLUMNS =
      " (key text COLLATE \"C\" PRIMARY KEY,"
          + " content text NOT NULL,"
          + " content_escaped boolean NOT NULL DEFAULT false,"
          + " metadata text NOT NULL,"
          + " created_ns bigint NOT NULL,"
          + " updated_ns bigint NOT NULL,"
          + " version bigint NOT NULL,"
          + " access_count bigint NOT NULL,"
          + " last_access bigint NOT NULL,"
          + " size bigint NOT NULL,"
          + " search tsvector GENERATED ALWAYS AS"
          + " (to_tsvector('simple'::regconfig, left(content, 100000))) STORED)";

  private static HikariDataSource pool;
  private final List<String> tables = new ArrayList<>();
  private final List<String> cleanup = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("derived", 8);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @AfterEach
  void dropEverything() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    for (String statement : cleanup) {
      Pg.execute(pool, statement);
    }
    tables.forEach(t -> Pg.drop(pool, t));
  }

  private String table(String name) {
    tables.add(name);
    return name;
  }

  private PostgresTierStore build(String table) {
    PostgresTierStore s = PostgresTierStore.builder(pool).table(table).build();
    closeables.add(s);
    return s;
  }

  private static String quoted(String name) {
    return '"' + name + '"';
  }

  private static String journalOf(String table) {
    String quoted = TableName.of(table).derived("journal");
    return quoted.substring(1, quoted.length() - 1);
  }

  /** The previous layout's name for a relation derived from {@code table}, hashed when long. */
  private static String oldName(String table, String suffix) {
    String full = table + "_" + suffix;
    if (full.length() <= 63) {
      return full;
    }
    int h = 0x811c9dc5;
    for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    String hash = String.format("%08x", h);
    return table.substring(0, 63 - suffix.length() - hash.length() - 2) + "_" + hash + "_" + suffix;
  }

  /** The table as migrations 1 and 2 left it (schema version 2), written out independently. */
  private static void createVersion2Layout(String t) {
    Pg.execute(pool, "CREATE TABLE IF NOT EXISTS " + quoted(t) + MEMORY_COLUMNS);
    Pg.execute(
        pool,
        "CREATE INDEX IF NOT EXISTS "
            + quoted(oldName(t, "last_access_idx"))
            + " ON "
            + quoted(t)
            + " (last_access, key)");
    Pg.execute(
        pool,
        "CREATE INDEX IF NOT EXISTS "
            + quoted(oldName(t, "search_idx"))
            + " ON "
            + quoted(t)
            + " USING gin (search)");
    Pg.execute(
        pool,
        "CREATE TABLE IF NOT EXISTS "
            + quoted(oldName(t, "journal"))
            + " (key text COLLATE \"C\" PRIMARY KEY, version bigint NOT NULL)");
    Pg.execute(
        pool,
        "CREATE TABLE IF NOT EXISTS "
            + Schema.VERSION_TABLE
            + " (table_name text PRIMARY KEY, version integer NOT NULL,"
            + " updated_at timestamptz NOT NULL DEFAULT now())");
    Pg.execute(
        pool, "INSERT INTO " + Schema.VERSION_TABLE + " (table_name, version) VALUES (?, 2)", t);
  }

  private static Memory memory(String key, long version) {
    return new Memory(key, "content of " + key, Map.of(), Instant.EPOCH, Instant.EPOCH, version);
  }

  private static Map<String, Long> putThree(PostgresTierStore s) {
    Map<String, Long> versions = new HashMap<>();
    for (String key : List.of("a", "b", "c")) {
      versions.put(key, s.upsert(memory(key, 1), 1_000).version());
    }
    return versions;
  }

  /** The kind of relation {@code name} in the current schema ('r' table, 'i' index, ...). */
  private static String relkind(String name) {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = current_schema() AND c.relname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the kind of " + name + " failed", e);
    }
  }

  /** Every index on {@code table} in the current schema, by name. */
  private static List<String> indexes(String table) {
    List<String> names = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                    + " AND tablename = ? ORDER BY indexname")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("listing the indexes of " + table + " failed", e);
    }
    return names;
  }

  private static long versionRows(String table) {
    return Pg.queryLong(
        pool, "SELECT count(*) FROM " + Schema.VERSION_TABLE + " WHERE table_name = ?", table);
  }

  private static long rows(String table) {
    return Pg.queryLong(pool, "SELECT count(*) FROM " + quoted(table));
  }

  // (a) The reported scenario.

  @Test
  void journalNamedTableBuiltFirst_otherStoresSweepsNeverTouchItsMemories() {
    String agent = table(Pg.uniqueTable("tm_agent"));
    String agentJournal = table(agent + "_journal");
    PostgresTierStore first = build(agentJournal);
    Map<String, Long> versions = putThree(first);

    PostgresTierStore second = PostgresTierStore.builder(pool).table(agent).build();
    try (TieredMemory store = TieredMemory.builder("agent").warm(second).build()) {
      store.sweep();
      store.sweep();
    }

    assertThat(first.count()).as("memories of table '%s'", agentJournal).isEqualTo(3);
    versions.forEach((k, v) -> assertThat(first.peek(k).version()).isEqualTo(v));
    assertThat(relkind(agentJournal)).isEqualTo("r");
  }

  @Test
  void journalNamedTableBuiltFirst_otherStoresJournalCallsUseTheirOwnJournal() {
    String agent = table(Pg.uniqueTable("tm_agent"));
    String agentJournal = table(agent + "_journal");
    PostgresTierStore first = build(agentJournal);
    Map<String, Long> versions = putThree(first);

    ReconcileJournal journal = build(agent).journal().orElseThrow();
    assertThat(journal.notes(Tier.COLD, 100)).as("notes of a fresh store").isEmpty();
    journal.forget(Tier.COLD, versions);
    journal.note(Tier.COLD, Map.of("z", 7L));
    assertThat(journal.notes(Tier.COLD, 100)).containsExactly(Map.entry("z", 7L));
    journal.forget(Tier.COLD, Map.of("z", 7L));

    assertThat(rows(agentJournal)).isEqualTo(3);
    assertThat(journal.notes(Tier.COLD, 100)).isEmpty();
  }

  @Test
  void journalNamedTableBuiltSecond_bothStoresKeepTheirOwnRows() {
    String agent = table(Pg.uniqueTable("tm_agent"));
    String agentJournal = table(agent + "_journal");
    ReconcileJournal journal = build(agent).journal().orElseThrow();
    journal.note(Tier.COLD, Map.of("n", 1L));
    PostgresTierStore second = build(agentJournal);
    putThree(second);

    assertThat(second.count()).isEqualTo(3);
    assertThat(journal.notes(Tier.COLD, 100)).containsExactly(Map.entry("n", 1L));
  }

  // (b) Memory tables named like the previous layout's derived names.

  @Test
  void tablesNamedLikeOldDerivedNamesBuiltFirst_doNotStealTheOtherStoresIndexes() {
    String x = table(Pg.uniqueTable("tm_x"));
    List<String> lookalikes = new ArrayList<>();
    for (String suffix : List.of("last_access_idx", "search_idx", "journal", "pkey")) {
      String name = table(x + "_" + suffix);
      lookalikes.add(name);
      putThree(build(name));
    }

    PostgresTierStore store = build(x);
    store.upsert(memory("k", 1), 5);

    assertThat(indexes(x))
        .as("indexes of table '%s'", x)
        .containsExactlyInAnyOrder(
            x + "$pkey", x + "$held_access_idx", x + "$search_idx", x + "$embedded_idx");
    assertThat(store.oldestAccessed(10, 100)).hasSize(1);
    for (String name : lookalikes) {
      assertThat(relkind(name)).as(name).isEqualTo("r");
      assertThat(rows(name)).as(name).isEqualTo(3);
    }
  }

  @Test
  void tablesNamedLikeOldDerivedNamesBuiltSecond_work() {
    String x = table(Pg.uniqueTable("tm_x"));
    build(x).upsert(memory("k", 1), 5);
    for (String suffix : List.of("last_access_idx", "search_idx", "journal", "pkey")) {
      String name = table(x + "_" + suffix);
      PostgresTierStore s = build(name);
      putThree(s);
      assertThat(s.count()).as(name).isEqualTo(3);
      assertThat(relkind(name)).as(name).isEqualTo("r");
    }
    assertThat(rows(x)).isEqualTo(1);
    assertThat(indexes(x)).hasSize(4);
  }

  // (c) Tables of the previous layout.

  @Test
  void version2Table_migratesKeepingRowsAndJournalNotes() {
    String t = table(Pg.uniqueTable("tm_old"));
    createVersion2Layout(t);
    Pg.execute(
        pool,
        "INSERT INTO "
            + quoted(t)
            + " (key, content, metadata, created_ns, updated_ns, version, access_count,"
            + " last_access, size) VALUES ('k', 'c', '{}', 0, 0, 4, 0, 10, 3)");
    Pg.execute(
        pool, "INSERT INTO " + quoted(oldName(t, "journal")) + " (key, version) VALUES ('k', 3)");

    PostgresTierStore store = build(t);

    assertThat(
            Pg.queryLong(pool, "SELECT version FROM tiered_memory_schema WHERE table_name = ?", t))
        .isEqualTo(Schema.latest());
    assertThat(store.journal().orElseThrow().notes(Tier.COLD, 100))
        .containsExactly(Map.entry("k", 3L));
    assertThat(store.peek("k").version()).isEqualTo(4);
    assertThat(store.peek("k").memory().hasEmbedding()).as("an old row has no embedding").isFalse();
    float[] embedding = {0.25f, -0.0f, 1e-45f};
    store.upsert(memory("k", 5).withEmbedding(embedding), 1_000);
    assertThat(store.peek("k").memory().embedding()).containsExactly(embedding);
    assertThat(indexes(t))
        .containsExactlyInAnyOrder(
            t + "$pkey", t + "$held_access_idx", t + "$search_idx", t + "$embedded_idx");
    assertThat(indexes(t + "$journal")).containsExactly(t + "$journal_pkey");
    for (String suffix :
        List.of("journal", "last_access_idx", "search_idx", "pkey", "journal_pkey")) {
      assertThat(relkind(oldName(t, suffix))).as("old name %s", oldName(t, suffix)).isNull();
    }
  }

  @Test
  void version2Table_withALongName_migratesItsHashedNames() {
    String t =
        table(
            "tm_old_long_"
                + "y".repeat(40)
                + "_"
                + Long.toHexString(System.nanoTime() & 0xffffffL));
    Pg.drop(pool, t);
    assertThat(oldName(t, "last_access_idx")).hasSize(63);
    createVersion2Layout(t);
    Pg.execute(
        pool, "INSERT INTO " + quoted(oldName(t, "journal")) + " (key, version) VALUES ('k', 3)");

    PostgresTierStore store = build(t);

    assertThat(store.journal().orElseThrow().notes(Tier.COLD, 100))
        .containsExactly(Map.entry("k", 3L));
    assertThat(indexes(t)).hasSize(4).allMatch(n -> n.contains("$"));
    assertThat(relkind(oldName(t, "journal"))).isNull();
    assertThat(relkind(oldName(t, "last_access_idx"))).isNull();
    assertThat(relkind(oldName(t, "search_idx"))).isNull();
  }

  @Test
  void version2Table_whoseOldDerivedNamesBelongToOtherStores_leavesThemAlone() {
    String t = table(Pg.uniqueTable("tm_old"));
    // The collision already happened under the old layout: these stores existed first, so the old
    // migrations' CREATE ... IF NOT EXISTS skipped t's journal and search index.
    String tJournal = table(t + "_journal");
    String tSearch = table(t + "_search_idx");
    String other = table(Pg.uniqueTable("tm_other"));
    putThree(build(tJournal));
    putThree(build(tSearch));
    build(other);
    String tLastAccess = t + "_last_access_idx";
    Pg.execute(pool, "CREATE INDEX " + quoted(tLastAccess) + " ON " + quoted(other) + " (size)");
    createVersion2Layout(t);

    ReconcileJournal journal = build(t).journal().orElseThrow();

    assertThat(journal.notes(Tier.COLD, 100)).isEmpty();
    assertThat(rows(tJournal)).isEqualTo(3);
    assertThat(rows(tSearch)).isEqualTo(3);
    assertThat(relkind(tJournal)).isEqualTo("r");
    assertThat(relkind(tSearch)).isEqualTo("r");
    assertThat(indexes(other)).as("indexes of table '%s'", other).contains(tLastAccess);
    assertThat(relkind(t + "$journal")).isEqualTo("r");
    assertThat(indexes(t))
        .containsExactlyInAnyOrder(
            t + "$pkey", t + "$held_access_idx", t + "$search_idx", t + "$embedded_idx");
  }

  @Test
  void version2Table_journalShapedOldNameRegisteredAsAMemoryTable_isNotTaken() {
    String t = table(Pg.uniqueTable("tm_old"));
    String tJournal = table(t + "_journal");
    createVersion2Layout(t);
    Pg.execute(pool, "INSERT INTO " + quoted(tJournal) + " (key, version) VALUES ('k', 3)");
    // Registered in the version table: that name is a memory table's, whatever its columns.
    Pg.execute(
        pool,
        "INSERT INTO " + Schema.VERSION_TABLE + " (table_name, version) VALUES (?, 1)",
        tJournal);

    ReconcileJournal journal = build(t).journal().orElseThrow();

    assertThat(journal.notes(Tier.COLD, 100)).isEmpty();
    assertThat(rows(tJournal)).isEqualTo(1);
  }

  @Test
  void version2Table_oldJournalNameHeldByATableOfOtherColumns_isNotTaken() {
    String t = table(Pg.uniqueTable("tm_old"));
    String tJournal = table(t + "_journal");
    // Not a store's table, but not a journal either: someone's own table.
    Pg.execute(
        pool,
        "CREATE TABLE "
            + quoted(tJournal)
            + " (key text PRIMARY KEY, version bigint NOT NULL, note text)");
    Pg.execute(pool, "INSERT INTO " + quoted(tJournal) + " VALUES ('k', 3, 'mine')");
    createVersion2Layout(t);

    ReconcileJournal journal = build(t).journal().orElseThrow();

    assertThat(journal.notes(Tier.COLD, 100)).isEmpty();
    assertThat(rows(tJournal)).isEqualTo(1);
    assertThat(relkind(t + "$journal")).isEqualTo("r");
  }

  @Test
  void version2Table_fourInstancesAtOnce_migrateOnce() throws Exception {
    String t = table(Pg.uniqueTable("tm_old_race"));
    createVersion2Layout(t);
    Pg.execute(
        pool, "INSERT INTO " + quoted(oldName(t, "journal")) + " (key, version) VALUES ('k', 3)");
    int instances = 4;
    CyclicBarrier start = new CyclicBarrier(instances);
    ExecutorService threads = Executors.newFixedThreadPool(instances);
    try {
      List<Callable<PostgresTierStore>> tasks = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        tasks.add(
            () -> {
              start.await(10, TimeUnit.SECONDS);
              return PostgresTierStore.builder(pool).table(t).build();
            });
      }
      for (Future<PostgresTierStore> f : threads.invokeAll(tasks)) {
        closeables.add(f.get());
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(
            ((PostgresTierStore) closeables.get(0)).journal().orElseThrow().notes(Tier.COLD, 100))
        .containsExactly(Map.entry("k", 3L));
    assertThat(indexes(t))
        .containsExactlyInAnyOrder(
            t + "$pkey", t + "$held_access_idx", t + "$search_idx", t + "$embedded_idx");
  }

  @Test
  void version2Table_itsOldDerivedNamesAsNewStores_refusedUntilThatStoreIsOpened() {
    String t = table(Pg.uniqueTable("tm_old"));
    String tJournal = table(t + "_journal");
    String tIndex = table(t + "_last_access_idx");
    createVersion2Layout(t);
    Pg.execute(pool, "INSERT INTO " + quoted(tJournal) + " (key, version) VALUES ('k', 3)");

    assertThatThrownBy(() -> build(tJournal))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + tJournal + "'")
        .hasMessageContaining("found a table with columns (key text, version bigint)")
        .hasMessageContaining("if table '" + t + "' is a store not yet opened");
    assertThatThrownBy(() -> build(tIndex))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + tIndex + "'")
        .hasMessageContaining("found an index on table '" + t + "'")
        .hasMessageContaining("if table '" + t + "' is a store not yet opened");

    ReconcileJournal journal = build(t).journal().orElseThrow();
    putThree(build(tJournal));
    putThree(build(tIndex));

    assertThat(journal.notes(Tier.COLD, 100)).containsExactly(Map.entry("k", 3L));
    assertThat(rows(tJournal)).isEqualTo(3);
    assertThat(rows(tIndex)).isEqualTo(3);
  }

  // (d) Relations of the wrong shape under a store's names.

  @Test
  void wrongRelationUnderTheTableName_isRefusedNamingTableExpectedAndFound() {
    String other = table(Pg.uniqueTable("tm_other"));
    build(other);
    String index = table(Pg.uniqueTable("tm_is_index"));
    String view = table(Pg.uniqueTable("tm_is_view"));
    String journalShaped = table(Pg.uniqueTable("tm_is_journal"));
    String missingColumn = table(Pg.uniqueTable("tm_is_narrow"));
    Pg.execute(pool, "CREATE INDEX " + quoted(index) + " ON " + quoted(other) + " (size)");
    cleanup.add("DROP INDEX IF EXISTS " + quoted(index));
    Pg.execute(pool, "CREATE VIEW " + quoted(view) + " AS SELECT 1 AS key");
    cleanup.add("DROP VIEW IF EXISTS " + quoted(view));
    Pg.execute(
        pool,
        "CREATE TABLE "
            + quoted(journalShaped)
            + " (key text COLLATE \"C\" PRIMARY KEY, version bigint NOT NULL)");
    Pg.execute(
        pool,
        "CREATE TABLE "
            + quoted(missingColumn)
            + MEMORY_COLUMNS.replace(" size bigint NOT NULL,", " size integer NOT NULL,"));

    Map<String, String> found =
        Map.of(
            index, "found an index on table '" + other + "'",
            view, "found a view",
            journalShaped, "found a table with columns (key text, version bigint)",
            missingColumn, "size integer");
    found.forEach(
        (name, what) -> {
          assertThatThrownBy(() -> build(name))
              .as(name)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("table '" + name + "'")
              .hasMessageContaining("expected a table with columns (key text, content text")
              .hasMessageContaining(what);
          assertThat(versionRows(name)).as("nothing committed for %s", name).isZero();

          // As if a DBA had registered it: the check without createSchema refuses it too.
          Pg.execute(
              pool,
              "INSERT INTO " + Schema.VERSION_TABLE + " (table_name, version) VALUES (?, ?)",
              name,
              Schema.latest());
          assertThatThrownBy(
                  () -> PostgresTierStore.builder(pool).table(name).createSchema(false).build())
              .as("%s without createSchema", name)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("table '" + name + "'")
              .hasMessageContaining(what);
        });
    assertThat(relkind(index)).isEqualTo("i");
    assertThat(relkind(view)).isEqualTo("v");
  }

  @Test
  void wrongRelationUnderTheJournalName_isRefusedNamingJournalExpectedAndFound() {
    String viewCase = table(Pg.uniqueTable("tm_jview"));
    String wideCase = table(Pg.uniqueTable("tm_jwide"));
    Pg.execute(
        pool,
        "CREATE VIEW "
            + quoted(journalOf(viewCase))
            + " AS SELECT 'k'::text AS key, 1::bigint AS version");
    cleanup.add("DROP VIEW IF EXISTS " + quoted(journalOf(viewCase)));
    Pg.execute(
        pool,
        "CREATE TABLE "
            + quoted(journalOf(wideCase))
            + " (key text PRIMARY KEY, version bigint NOT NULL, content text)");

    assertThatThrownBy(() -> build(viewCase))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("journal '" + journalOf(viewCase) + "' of table '" + viewCase + "'")
        .hasMessageContaining("expected a table with exactly the columns (key text, version bigint")
        .hasMessageContaining("found a view");
    assertThatThrownBy(() -> build(wideCase))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("journal '" + journalOf(wideCase) + "' of table '" + wideCase + "'")
        .hasMessageContaining(
            "found a table with columns (key text, version bigint, content text)");
    assertThat(relkind(viewCase)).as("the migration rolled back").isNull();
  }

  @Test
  void relationsReplacedAfterBuilding_areRefusedWithoutCreateSchema() {
    String t = table(Pg.uniqueTable("tm_replaced"));
    build(t);
    Pg.execute(pool, "DROP TABLE " + quoted(journalOf(t)));
    Pg.execute(pool, "CREATE VIEW " + quoted(journalOf(t)) + " AS SELECT 'k'::text AS key");
    cleanup.add("DROP VIEW IF EXISTS " + quoted(journalOf(t)));

    assertThatThrownBy(() -> PostgresTierStore.builder(pool).table(t).createSchema(false).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("journal '" + journalOf(t) + "' of table '" + t + "'")
        .hasMessageContaining("found a view");

    Pg.execute(pool, "DROP TABLE " + quoted(t));
    assertThatThrownBy(() -> PostgresTierStore.builder(pool).table(t).createSchema(false).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table '" + t + "'")
        .hasMessageContaining("found no relation")
        .hasMessageContaining("delete its row in " + Schema.VERSION_TABLE);
    assertThatThrownBy(() -> build(t))
        .as("with createSchema too: the version row says the migrations ran")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("found no relation");
  }
}
