package io.tieredmemory.postgres;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The WARM tier on PostgreSQL 15+: one row per memory in one table, reached through any {@link
 * DataSource} (a HikariCP pool in the docs). The store borrows connections from the data source and
 * never closes it.
 *
 * <pre>{@code
 * HikariDataSource pool = new HikariDataSource(hikariConfig);
 * TierStore warm = PostgresTierStore.builder(pool)
 *     .table("agent_memory")
 *     .embedder(Embedder.hashing())   // optional: makes the tier searchable
 *     .build();
 * TieredMemory store = TieredMemory.builder("agent").warm(warm).build();
 * }</pre>
 *
 * <p>{@link Builder#build()} creates or migrates the table (see {@code docs/backends/postgres.md}).
 * The store always offers the views a WARM tier needs, {@link #directory()} and {@link #journal()};
 * built with an embedder it also offers {@link #vectorSearch()}, and the {@code TieredMemory} then
 * searches WARM too.
 *
 * <p>A memory keeps its writer's embedding ({@link io.tieredmemory.core.Memory#embedding()}) in a
 * column of its row, bit for bit, and search ranks such a memory by it, exactly: every row with an
 * embedding is scored on the client, so a search costs time linear in those rows (there is no
 * vector index). Memories without one are found by full text and ranked by their content embedded.
 * The table records the embedder it was first built with, and refuses another one.
 *
 * <p>A {@code read} is one round trip (a primary-key {@code SELECT}); the access it records is
 * buffered in process and written for many keys at once, every {@link
 * Builder#accessFlushInterval(Duration)}, on {@link #flush()} and on {@link #close()}. {@link
 * #peek} adds this process's unwritten reads to what the table holds; {@link #oldestAccessed} shows
 * the table as of the last flush (the store's sweeps flush first).
 */
public interface PostgresTierStore extends TierStore {

  /** The table this store keeps its memories in. */
  String table();

  /**
   * A builder for a store on {@code dataSource}.
   *
   * @throws IllegalArgumentException if {@code dataSource} is null
   */
  static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Configures a {@link PostgresTierStore}. Every setter fails fast, naming the field and value.
   *
   * <pre>{@code
   * PostgresTierStore.builder(pool).table("tiered_memory")
   *     .accessFlushInterval(Duration.ofSeconds(1)).build();
   * }</pre>
   */
  final class Builder {
    /** The default table name. */
    public static final String DEFAULT_TABLE = "tiered_memory";

    private final DataSource dataSource;
    private TableName table = TableName.of(DEFAULT_TABLE);
    private @Nullable Embedder embedder;
    private Duration accessFlushInterval = Duration.ofSeconds(1);
    private boolean createSchema = true;

    private Builder(DataSource dataSource) {
      this.dataSource = Validation.requireNonNull("dataSource", dataSource);
    }

    /**
     * The table (default {@value #DEFAULT_TABLE}), in the connection's current schema: lower-case
     * letters, digits and underscores, at most 63 chars, not starting with a digit.
     */
    public Builder table(String table) {
      this.table = TableName.of(table);
      return this;
    }

    /**
     * Makes the store searchable ({@link #vectorSearch()} present; default: none, not searchable):
     * memories carrying their writer's embedding are ranked by it, exactly; the others are
     * full-text candidates re-ranked by this embedder's cosine similarity. Use the {@code
     * TieredMemory}'s embedder. The table records the embedder's {@link Embedder#id() id} and
     * {@link Embedder#dimension() dimension} the first time it is built with one, and {@link
     * #build()} refuses another one later.
     */
    public Builder embedder(Embedder embedder) {
      this.embedder = Validation.requireNonNull("embedder", embedder);
      return this;
    }

    /** How often buffered access statistics are written (default 1 s). */
    public Builder accessFlushInterval(Duration interval) {
      this.accessFlushInterval = Validation.requirePositive("accessFlushInterval", interval);
      return this;
    }

    /**
     * Whether {@code build()} creates or migrates the table (default {@code true}). With {@code
     * false} it only checks the table is at the current schema version, for databases where the
     * service's role may not run DDL.
     */
    public Builder createSchema(boolean createSchema) {
      this.createSchema = createSchema;
      return this;
    }

    /**
     * Creates or checks the table and returns the store; its {@link #vectorSearch()} is present
     * exactly when an embedder was set.
     *
     * @throws io.tieredmemory.core.TieredMemoryException if the database cannot be reached
     * @throws IllegalStateException if the table's schema is newer than this library, or older and
     *     {@code createSchema} is false, or if the table's name or its journal's is held by a
     *     relation that is not a table of the expected columns (an index, a view, a journal...), or
     *     if the table records an embedder of another id or dimension than this builder's (the
     *     message names both and how to proceed)
     */
    public PostgresTierStore build() {
      if (createSchema) {
        Schema.ensure(dataSource, table);
      } else {
        Schema.verify(dataSource, table);
      }
      if (embedder != null) {
        EmbedderRecord.check(dataSource, table, embedder);
      }
      return new DefaultPostgresTierStore(dataSource, table, accessFlushInterval, embedder);
    }

    @Override
    public String toString() {
      return "PostgresTierStore.Builder[table="
          + table.name()
          + ", embedder="
          + embedder
          + ", accessFlushInterval="
          + accessFlushInterval
          + ", createSchema="
          + createSchema
          + "]";
    }
  }
}
