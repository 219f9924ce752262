package io.tieredmemory.postgres;

import java.util.List;

/**
 * The DDL: every migration a memory table goes through, oldest first, and the statements they are
 * made of. {@link Schema} runs them; {@link TableShape} lists the columns they leave. Append a
 * migration; never edit one that has shipped.
 */
final class Migrations {
  /** Characters of content indexed for full text: keeps each tsvector well under its 1 MB cap. */
  static final int INDEXED_CHARS = 100_000;

  /** The migration that gave the journal its derived name; later ones may alter it. */
  static final int JOURNAL_NAMED = 3;

  /** The migration that added archive marks. */
  static final int ARCHIVE_MARKS = 4;

  /** The migration that added writers' embeddings and the embedder record. */
  static final int EMBEDDINGS = 5;

  /** The migration that added the history table. */
  static final int HISTORY = 6;

  /** The migration that added the decision feeds' event log and its salt. */
  static final int EVENTS = 7;

  /** The migration that made access-statistics flushes HOT updates. */
  static final int HOT_ACCESS = 8;

  /** The fill factor of the memory table from {@link #HOT_ACCESS}: room for updated rows. */
  static final int FILLFACTOR = 80;

  /** One step from the previous version. */
  record Migration(int version, String description, List<String> statements) {}

  private Migrations() {}

  /** Every migration, oldest first. Append; never edit one that has shipped. */
  static List<Migration> all(TableName table) {
    String t = table.sql();
    return List.of(
        new Migration(
            1,
            "memories table, last-access index, full-text index",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + t
                    + " (key text COLLATE \"C\" PRIMARY KEY,"
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
                    + " (to_tsvector('simple'::regconfig, left(content, "
                    + INDEXED_CHARS
                    + "))) STORED)",
                "CREATE INDEX IF NOT EXISTS "
                    + table.legacyDerived("last_access_idx")
                    + " ON "
                    + t
                    + " (last_access, key)",
                "CREATE INDEX IF NOT EXISTS "
                    + table.legacyDerived("search_idx")
                    + " ON "
                    + t
                    + " USING gin (search)")),
        new Migration(
            2,
            "reconcile journal: keys whose copies an interrupted move may have left behind",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + table.legacyDerived("journal")
                    + " (key text COLLATE \"C\" PRIMARY KEY, version bigint NOT NULL)")),
        new Migration(
            3,
            "derived relations renamed to names no memory table can have (TableName.derived)",
            List.of(
                renamePrimaryKey(table.name(), table.derivedName("pkey")),
                renameLegacyIndex(table, "last_access_idx"),
                createIndex(table, "last_access_idx", "(last_access, key)"),
                renameLegacyIndex(table, "search_idx"),
                createIndex(table, "search_idx", "USING gin (search)"),
                renameLegacyJournal(table),
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("journal")
                    + " (key text COLLATE \"C\" NOT NULL, version bigint NOT NULL, CONSTRAINT "
                    + table.derived("journal_pkey")
                    + " PRIMARY KEY (key))",
                renamePrimaryKey(table.derivedName("journal"), table.derivedName("journal_pkey")))),
        new Migration(
            4,
            "archive marks: an archived memory leaves its row (archived, content dropped), so WARM"
                + " alone says whether and where a key exists; journal notes name their tier",
            List.of(
                "ALTER TABLE "
                    + t
                    + " ADD COLUMN IF NOT EXISTS archived boolean NOT NULL DEFAULT false",
                // Sweeps list held memories oldest first; marks, the idlest rows of all, would
                // fill the front of a full index, so this one leaves them out.
                createIndex(table, "held_access_idx", "(last_access, key) WHERE NOT archived"),
                "DROP INDEX IF EXISTS " + table.derived("last_access_idx"),
                "ALTER TABLE "
                    + table.derived("journal")
                    + " ADD COLUMN IF NOT EXISTS tier smallint NOT NULL DEFAULT "
                    + Sql.COLD_NOTE,
                dropPrimaryKey(table.derivedName("journal")),
                "ALTER TABLE "
                    + table.derived("journal")
                    + " ADD CONSTRAINT "
                    + table.derived("journal_pkey")
                    + " PRIMARY KEY (tier, key)")),
        new Migration(
            EMBEDDINGS,
            "writers' embeddings: column embedding (float32, big-endian, in a bytea), a partial"
                + " index of the rows that have one, and the embedder record (one row: the id and"
                + " dimension of the embedder the table was first opened with)",
            List.of(
                "ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS embedding bytea",
                // Search scans exactly these rows: the index keeps that scan linear in the rows
                // that have an embedding, not in the whole table.
                createIndex(
                    table, "embedded_idx", "(key) WHERE embedding IS NOT NULL AND NOT archived"),
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("embedder")
                    + " (one boolean NOT NULL DEFAULT true CHECK (one),"
                    + " id text NOT NULL,"
                    + " dimension integer NOT NULL,"
                    + " recorded_at timestamptz NOT NULL DEFAULT now(),"
                    + " CONSTRAINT "
                    + table.derived("embedder_pkey")
                    + " PRIMARY KEY (one))")),
        new Migration(
            HISTORY,
            "memories' history (TieredMemory.history): one row per put, move, eviction and"
                + " delete, in the order stored (id), indexed by key and id (a key's history) and"
                + " by time (retention)",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("history")
                    + " (id bigint GENERATED ALWAYS AS IDENTITY,"
                    + " key text COLLATE \"C\" NOT NULL,"
                    + " at timestamptz NOT NULL,"
                    + " instance text NOT NULL,"
                    + " kind text NOT NULL,"
                    + " version bigint NOT NULL,"
                    + " from_tier text,"
                    + " to_tier text,"
                    + " reason text,"
                    + " detail text NOT NULL,"
                    + " inputs text NOT NULL,"
                    + " CONSTRAINT "
                    + table.derived("history_pkey")
                    + " PRIMARY KEY (id))",
                "CREATE INDEX IF NOT EXISTS "
                    + table.derived("history_key_idx")
                    + " ON "
                    + table.derived("history")
                    + " (key, id)",
                "CREATE INDEX IF NOT EXISTS "
                    + table.derived("history_at_idx")
                    + " ON "
                    + table.derived("history")
                    + " (at)")),
        new Migration(
            EVENTS,
            "the decision feeds' durable log (DecisionFeed.Builder.durable): one row per decision"
                + " as a feed rendered it, ids visible in order (appends lock), and one row of"
                + " salt for key hashes shared by every instance",
            List.of(
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("events")
                    + " (id bigint GENERATED ALWAYS AS IDENTITY,"
                    + " at timestamptz NOT NULL,"
                    + " instance text NOT NULL,"
                    + " store text NOT NULL,"
                    + " kind text NOT NULL,"
                    + " json text NOT NULL,"
                    + " CONSTRAINT "
                    + table.derived("events_pkey")
                    + " PRIMARY KEY (id))",
                "CREATE TABLE IF NOT EXISTS "
                    + table.derived("events_salt")
                    + " (one boolean NOT NULL DEFAULT true CHECK (one),"
                    + " salt text NOT NULL,"
                    + " CONSTRAINT "
                    + table.derived("events_salt_pkey")
                    + " PRIMARY KEY (one))",
                // 244 random bits (two version-4 UUIDs), made once: every instance reads the same.
                "INSERT INTO "
                    + table.derived("events_salt")
                    + " (one, salt) VALUES (true, replace(gen_random_uuid()::text, '-', '')"
                    + " || replace(gen_random_uuid()::text, '-', '')) ON CONFLICT (one) DO NOTHING")),
        new Migration(
            HOT_ACCESS,
            "access statistics as HOT updates: column recent_access (the exact last access while"
                + " it is less than a minute past the indexed last_access, which then stays put),"
                + " and fillfactor "
                + FILLFACTOR
                + " so an updated row finds room on its page",
            List.of(
                // Nullable, no default: a catalog change only, no table rewrite.
                "ALTER TABLE " + t + " ADD COLUMN IF NOT EXISTS recent_access bigint",
                // New pages only; existing ones gain room as rows are updated or deleted (or at
                // a VACUUM FULL, which this migration does not run).
                "ALTER TABLE " + t + " SET (fillfactor = " + FILLFACTOR + ")")));
  }

  /** The version the last migration brings a table to. */
  static int latest() {
    List<Migration> all = all(TableName.of("x"));
    return all.get(all.size() - 1).version();
  }

  /**
   * Creates an index named {@code suffix} on the table, under its {@link TableName#derived} name:
   * the way every migration adds an index (e.g. {@code createIndex(table, "archived_idx", "(key)
   * WHERE archived")}).
   */
  static String createIndex(TableName table, String suffix, String definition) {
    return "CREATE INDEX IF NOT EXISTS "
        + table.derived(suffix)
        + " ON "
        + table.sql()
        + " "
        + definition;
  }

  /** Drops a table's primary key, whatever its name (an older one may keep PostgreSQL's). */
  private static String dropPrimaryKey(String relation) {
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); pk name; BEGIN"
        + " SELECT k.conname INTO pk FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        + " WHERE c.relnamespace = s AND c.relname = '"
        + relation
        + "' AND k.contype = 'p';"
        + " IF pk IS NOT NULL THEN EXECUTE format('ALTER TABLE %I.%I DROP CONSTRAINT %I',"
        + " current_schema(), '"
        + relation
        + "', pk); END IF; END $migrate$";
  }

  /*
   * The renames below are PL/pgSQL blocks, so a migration stays a list of statements a DBA can run
   * by hand. Names go in as string literals: they are validated (lower-case letters, digits, '_'
   * and '$'), and no derived name contains the block's "$migrate$" quote, since a derived name's
   * separators enclose only the table name, a suffix, or 8 hex digits. The lookups are limited to
   * current_schema(), where the unqualified CREATE statements put the tables. A relation that is
   * not the table's own, or a new name already taken, is left alone: the CREATE ... IF NOT EXISTS
   * after the rename then makes the index or journal afresh (a primary key left under its old name
   * still works, it only keeps that name from being a memory table).
   */

  private static String renameLegacyIndex(TableName table, String suffix) {
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); BEGIN"
        + " IF EXISTS (SELECT 1 FROM pg_index x"
        + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        + " WHERE i.relnamespace = s AND i.relname = '"
        + table.legacyDerivedName(suffix)
        + "' AND t.relnamespace = s AND t.relname = '"
        + table.name()
        + "') AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = s AND relname = '"
        + table.derivedName(suffix)
        + "') THEN EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', current_schema(), '"
        + table.legacyDerivedName(suffix)
        + "', '"
        + table.derivedName(suffix)
        + "'); END IF; END $migrate$";
  }

  /**
   * The old journal name may hold another store's memory table (the collision this migration ends),
   * so it is taken only if it has exactly the journal's columns and is no registered store table.
   */
  private static String renameLegacyJournal(TableName table) {
    String old = table.legacyDerivedName("journal");
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); BEGIN"
        + " IF EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = s AND c.relname = '"
        + old
        + "' AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM "
        + Schema.VERSION_TABLE
        + " WHERE table_name = '"
        + old
        + "') AND ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
        + " FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
        + " AND NOT a.attisdropped ORDER BY a.attnum) = ARRAY['key text', 'version bigint'])"
        + " AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = s AND relname = '"
        + table.derivedName("journal")
        + "') THEN EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', current_schema(), '"
        + old
        + "', '"
        + table.derivedName("journal")
        + "'); END IF; END $migrate$";
  }

  /**
   * PostgreSQL named the primary key {@code <table>_pkey} (or {@code <table>_pkey1} when that was
   * taken): a valid table name, so it moves to a derived name too.
   */
  private static String renamePrimaryKey(String relation, String newName) {
    return "DO $migrate$ DECLARE s oid := (SELECT oid FROM pg_namespace"
        + " WHERE nspname = current_schema()); pk name; BEGIN"
        + " SELECT k.conname INTO pk FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        + " WHERE c.relnamespace = s AND c.relname = '"
        + relation
        + "' AND k.contype = 'p';"
        + " IF pk IS NOT NULL AND pk <> '"
        + newName
        + "' AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = s AND relname = '"
        + newName
        + "') THEN EXECUTE format('ALTER TABLE %I.%I RENAME CONSTRAINT %I TO %I',"
        + " current_schema(), '"
        + relation
        + "', pk, '"
        + newName
        + "'); END IF; END $migrate$";
  }
}
