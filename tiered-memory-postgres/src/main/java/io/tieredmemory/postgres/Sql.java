package io.tieredmemory.postgres;

/**
 * Every statement the tier runs on one table. The validated, quoted table name is the only text
 * interpolated; values are bind parameters.
 */
final class Sql {
  /** Columns read into a stored memory, in the order {@link Rows} reads them. */
  static final String COLUMNS =
      "key, content, content_escaped, metadata, created_ns, updated_ns, version,"
          + " access_count, last_access";

  private static final String WRITE_COLUMNS =
      "(key, content, content_escaped, metadata, created_ns, updated_ns, version, access_count,"
          + " last_access, size)";

  private static final String REPLACE_VALUE =
      "content = EXCLUDED.content, content_escaped = EXCLUDED.content_escaped,"
          + " metadata = EXCLUDED.metadata, updated_ns = EXCLUDED.updated_ns,"
          + " size = EXCLUDED.size";

  final String read;
  final String readAll;
  final String upsert;
  final String copyIn;
  final String copyAllIn;
  final String removeAllIfVersion;
  final String journalNote;
  final String journalNotes;
  final String journalForget;
  final String removeIfVersion;
  final String removeIfOlder;
  final String remove;
  final String removeAllIfOlder;
  final String touch;
  final String flushAccess;
  final String oldestAccessed;
  final String count;
  final String bytes;
  final String search;

  Sql(TableName table) {
    String t = table.sql();
    read = "SELECT " + COLUMNS + " FROM " + t + " WHERE key = ?";
    readAll = "SELECT " + COLUMNS + " FROM " + t + " WHERE key = ANY (?)";
    // created_ns and access_count are kept from the existing row; the version only grows.
    upsert =
        "INSERT INTO "
            + t
            + " AS t "
            + WRITE_COLUMNS
            + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET "
            + REPLACE_VALUE
            + ", version = GREATEST(t.version + 1, EXCLUDED.version),"
            + " last_access = GREATEST(t.last_access, EXCLUDED.last_access)"
            + " RETURNING created_ns, version, access_count, last_access";
    // The WHERE makes the update a no-op (0 rows) when the table holds a newer version.
    copyIn =
        "INSERT INTO "
            + t
            + " AS t "
            + WRITE_COLUMNS
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET "
            + REPLACE_VALUE
            + ", created_ns = EXCLUDED.created_ns, version = EXCLUDED.version,"
            + " access_count = EXCLUDED.access_count, last_access = EXCLUDED.last_access"
            + " WHERE t.version <= EXCLUDED.version";
    // The same conditional update for a whole batch: one row per array position; RETURNING lists
    // the keys inserted or updated, so a key left out held a newer version.
    copyAllIn =
        "INSERT INTO "
            + t
            + " AS t "
            + WRITE_COLUMNS
            + " SELECT * FROM unnest(?::text[], ?::text[], ?::boolean[], ?::text[], ?::bigint[],"
            + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
            + " ON CONFLICT (key) DO UPDATE SET "
            + REPLACE_VALUE
            + ", created_ns = EXCLUDED.created_ns, version = EXCLUDED.version,"
            + " access_count = EXCLUDED.access_count, last_access = EXCLUDED.last_access"
            + " WHERE t.version <= EXCLUDED.version RETURNING t.key";
    // Each row is deleted only if it holds its own key's version: the join pairs every key with
    // its version, and a row updated concurrently is re-checked against the same pair.
    removeAllIfVersion =
        "DELETE FROM "
            + t
            + " AS t USING unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE t.key = u.key AND t.version = u.version RETURNING t.key";
    String j = table.derived("journal");
    journalNote =
        "INSERT INTO "
            + j
            + " AS j (key, version) SELECT * FROM unnest(?::text[], ?::bigint[])"
            + " ON CONFLICT (key) DO UPDATE SET version = GREATEST(j.version, EXCLUDED.version)";
    journalNotes = "SELECT key, version FROM " + j + " LIMIT ?";
    journalForget =
        "DELETE FROM "
            + j
            + " AS j USING unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE j.key = u.key AND j.version = u.version RETURNING j.key";
    removeIfVersion = "DELETE FROM " + t + " WHERE key = ? AND version = ?";
    removeIfOlder = "DELETE FROM " + t + " WHERE key = ? AND version < ?";
    remove = "DELETE FROM " + t + " WHERE key = ?";
    removeAllIfOlder =
        "DELETE FROM "
            + t
            + " AS t USING unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE t.key = u.key AND t.version < u.version RETURNING t.key";
    // Writes only when the access time actually rises (no dead tuple, no index churn otherwise);
    // the second EXISTS reads the statement's snapshot, so it reports presence either way.
    touch =
        "WITH u AS (UPDATE "
            + t
            + " SET last_access = ? WHERE key = ? AND last_access < ? RETURNING 1)"
            + " SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM "
            + t
            + " WHERE key = ?)";
    flushAccess =
        "UPDATE "
            + t
            + " AS t SET access_count = t.access_count + u.n,"
            + " last_access = GREATEST(t.last_access, u.last)"
            + " FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS u(key, n, last)"
            + " WHERE t.key = u.key";
    oldestAccessed =
        "SELECT "
            + COLUMNS
            + " FROM "
            + t
            + " WHERE last_access < ? ORDER BY last_access, key LIMIT ?";
    count = "SELECT count(*) FROM " + t;
    bytes = "SELECT coalesce(sum(size), 0) FROM " + t;
    // The query is tokenised by the same parser and dictionary as the documents (to_tsvector with
    // the 'simple' configuration), then its lexemes are OR-ed, quoted as tsquery input requires.
    search =
        "SELECT "
            + COLUMNS
            + " FROM "
            + t
            + ", (SELECT string_agg('''' || replace(replace(w, E'\\\\', E'\\\\\\\\'), '''',"
            + " '''''') || '''', ' | ')::tsquery AS query"
            + " FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, ?))) AS w) AS q"
            + " WHERE search @@ q.query"
            + " ORDER BY ts_rank(search, q.query) DESC, key LIMIT ?";
  }
}
