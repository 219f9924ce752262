/**
 * The WARM tier on PostgreSQL through any {@code javax.sql.DataSource}. The code uses JDBC only, so
 * the PostgreSQL driver ({@code org.postgresql.jdbc}, an automatic module) is not required here: on
 * the module path it is resolved as a provider of {@code java.sql.Driver}, and a pool such as
 * HikariCP is the application's choice.
 */
module io.tieredmemory.postgres {
  // Nullness annotations (@NullMarked, @Nullable): needed to compile, not at run time.
  requires static transitive org.jspecify;
  requires transitive io.tieredmemory.core;
  requires transitive java.sql;

  exports io.tieredmemory.postgres;
}
