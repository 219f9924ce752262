package io.tieredmemory.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.testkit.SearchableTierStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The searchable contract on a real PostgreSQL, a fresh table per test. */
class PostgresTierStoreIT extends SearchableTierStoreContract {
  private static HikariDataSource pool;
  private String table;

  @BeforeAll
  static void openPool() {
    pool = Pg.pool("contract", 10);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  protected TierStore createStore() {
    table = Pg.uniqueTable("tm_contract");
    return PostgresTierStore.builder(pool)
        .table(table)
        .embedder(embedder())
        .accessFlushInterval(java.time.Duration.ofMillis(200))
        .build();
  }

  /** Runs before the kit's own close: closing first lets the final flush reach the table. */
  @AfterEach
  void dropTable() {
    if (store != null) {
      store.close();
    }
    if (table != null) {
      Pg.drop(pool, table);
    }
  }
}
