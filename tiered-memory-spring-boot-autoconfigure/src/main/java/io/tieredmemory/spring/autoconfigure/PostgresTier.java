package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.postgres.PostgresKeyCoordinator;
import io.tieredmemory.postgres.PostgresTierStore;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * WARM on PostgreSQL, on the application's {@link DataSource}, searchable with the store's embedder
 * unless {@code searchable=false}, with the key coordinator (advisory locks in the store's
 * namespace) unless {@code coordinate=false}.
 */
final class PostgresTier {
  private PostgresTier() {}

  static void configure(
      TieredMemory.Builder builder,
      String name,
      boolean named,
      StoreProperties.Postgres p,
      String prefix,
      DataSource dataSource,
      Embedder embedder) {
    PostgresTierStore.Builder b = PostgresTierStore.builder(dataSource);
    String table = p.getTable() != null ? p.getTable() : defaultTable(name, named);
    TieredMemoryFactory.checked(prefix, "table", table, () -> b.table(table));
    b.createSchema(p.isCreateSchema());
    if (p.isSearchable()) {
      b.embedder(embedder);
    }
    builder.warm(b.build());
    if (p.isCoordinate()) {
      builder.coordinator(PostgresKeyCoordinator.builder(dataSource).namespace(name).build());
    }
  }

  /** {@code tiered_memory}, or for one of several named stores {@code tiered_memory_<name>}. */
  static String defaultTable(String name, boolean named) {
    return named
        ? "tiered_memory_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_")
        : "tiered_memory";
  }
}
