package io.tieredmemory.postgres;

/**
 * Every statement the tier runs on one table. The validated, quoted table name is the only text
 * interpolated; values are bind parameters.
 */
final class Sql {
  /** Columns read into a stored memory, in the order {@link Rows} reads them. */
  static final String COLUMNS =
      "key, content, content_escaped, metadata, created_ns, updated_ns, version,"
          + " access_count, "
          + Sql.LAST_ACCESS
          + " AS accessed, embedding";

  /**
   * A memory's last access, exact: {@code last_access} is the value the sweep index holds, which a
   * flush moves only once the access has risen by {@link #INDEX_STEP_MILLIS} or more; the exact
   * later access meanwhile is in {@code recent_access}, a column no index covers, so that flush's
   * update is a HOT update (schema version 7). {@code GREATEST} ignores a NULL.
   */
  static final String LAST_ACCESS = "GREATEST(last_access, recent_access)";

  /**
   * How far a memory's exact last access may run ahead of the indexed {@code last_access} before a
   * flush or touch moves the index entry: {@code last_access <= GREATEST(last_access,
   * recent_access) < last_access + INDEX_STEP_MILLIS} holds for every row.
   */
  static final long INDEX_STEP_MILLIS = 60_000;

  /** The column after {@link #COLUMNS} in statements that add one ({@code archived}, a rank). */
  static final int AFTER_COLUMNS = 11;

  private static final String WRITE_COLUMNS =
      "(key, content, content_escaped, metadata, created_ns, updated_ns, version, access_count,"
          + " last_access, size, embedding)";

  /**
   * A write replaces the value, the writer's embedding included (a write without one clears it),
   * and a memory replaces an archive mark.
   */
  private static final String REPLACE_VALUE =
      "content = EXCLUDED.content, content_escaped = EXCLUDED.content_escaped,"
          + " metadata = EXCLUDED.metadata, updated_ns = EXCLUDED.updated_ns,"
          + " size = EXCLUDED.size, embedding = EXCLUDED.embedding, archived = false";

  /** The journal's code for the tier a note is about: the {@code Tier} ordinal. */
  static final int COLD_NOTE = 2;

  final String read;
  final String readAll;
  final String locate;
  final String locateAll;
  final String markArchived;
  final String delete;
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
  final String countByField;
  final String countByPrefix;
  final String search;

  Sql(TableName table) {
    String t = table.sql();
    String j = table.derived("journal");
    // Archive marks are rows with archived = true and no content: only the directory's statements
    // and the writes see them, every other statement leaves them out.
    read = "SELECT " + COLUMNS + " FROM " + t + " WHERE key = ? AND NOT archived";
    readAll = "SELECT " + COLUMNS + " FROM " + t + " WHERE key = ANY (?) AND NOT archived";
    locate = "SELECT " + COLUMNS + ", archived FROM " + t + " WHERE key = ?";
    locateAll = "SELECT " + COLUMNS + ", archived FROM " + t + " WHERE key = ANY (?)";
    // The content and the embedding go (COLD holds them now); key, version, metadata and instants
    // stay.
    markArchived =
        "UPDATE "
            + t
            + " AS t SET archived = true, content = '', content_escaped = false, embedding = NULL"
            + " FROM unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE t.key = u.key AND t.version = u.version AND NOT t.archived RETURNING t.key";
    // A mark removed is noted for COLD in the same statement, so no crash can leave its COLD copy
    // unnoted.
    delete =
        "WITH d AS (DELETE FROM "
            + t
            + " WHERE key = ? RETURNING "
            + COLUMNS
            + ", archived),"
            + " n AS (INSERT INTO "
            + j
            + " AS j (tier, key, version) SELECT "
            + COLD_NOTE
            + ", key, version FROM d WHERE archived"
            + " ON CONFLICT (tier, key) DO UPDATE SET version = GREATEST(j.version,"
            + " EXCLUDED.version))"
            + " SELECT * FROM d";
    // created_ns and access_count are kept from the existing row; the version only grows. "prev"
    // locks the existing row first (the insert reads it, which orders the two) and sees its latest
    // committed state, so a mark replaced here is noted for COLD in the same statement.
    upsert =
        "WITH prev AS (SELECT version, archived FROM "
            + t
            + " WHERE key = ? FOR UPDATE),"
            + " up AS (INSERT INTO "
            + t
            + " AS t "
            + WRITE_COLUMNS
            + " SELECT ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ? FROM (VALUES (1)) AS one"
            + " LEFT JOIN prev ON true"
            + " ON CONFLICT (key) DO UPDATE SET "
            + REPLACE_VALUE
            + ", version = GREATEST(t.version + 1, EXCLUDED.version),"
            + " last_access = GREATEST(t.last_access, t.recent_access, EXCLUDED.last_access),"
            + " recent_access = NULL"
            + " RETURNING created_ns, version, access_count, last_access),"
            + " n AS (INSERT INTO "
            + j
            + " AS j (tier, key, version) SELECT "
            + COLD_NOTE
            + ", ?, version FROM prev WHERE archived"
            + " ON CONFLICT (tier, key) DO UPDATE SET version = GREATEST(j.version,"
            + " EXCLUDED.version))"
            + " SELECT * FROM up";
    // The WHERE makes the update a no-op (0 rows) when the table holds a newer version.
    copyIn =
        "INSERT INTO "
            + t
            + " AS t "
            + WRITE_COLUMNS
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET "
            + REPLACE_VALUE
            + ", created_ns = EXCLUDED.created_ns, version = EXCLUDED.version,"
            + " access_count = EXCLUDED.access_count, last_access = EXCLUDED.last_access,"
            + " recent_access = NULL"
            + " WHERE t.version <= EXCLUDED.version";
    // The same conditional update for a whole batch: one row per array position; RETURNING lists
    // the keys inserted or updated, so a key left out held a newer version.
    copyAllIn =
        "INSERT INTO "
            + t
            + " AS t "
            + WRITE_COLUMNS
            + " SELECT * FROM unnest(?::text[], ?::text[], ?::boolean[], ?::text[], ?::bigint[],"
            + " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bytea[])"
            + " ON CONFLICT (key) DO UPDATE SET "
            + REPLACE_VALUE
            + ", created_ns = EXCLUDED.created_ns, version = EXCLUDED.version,"
            + " access_count = EXCLUDED.access_count, last_access = EXCLUDED.last_access,"
            + " recent_access = NULL"
            + " WHERE t.version <= EXCLUDED.version RETURNING t.key";
    // Each row is deleted only if it holds its own key's version: the join pairs every key with
    // its version, and a row updated concurrently is re-checked against the same pair.
    removeAllIfVersion =
        "DELETE FROM "
            + t
            + " AS t USING unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE t.key = u.key AND t.version = u.version AND NOT t.archived RETURNING t.key";
    journalNote =
        "INSERT INTO "
            + j
            + " AS j (tier, key, version) SELECT ?, * FROM unnest(?::text[], ?::bigint[])"
            + " ON CONFLICT (tier, key) DO UPDATE SET version = GREATEST(j.version,"
            + " EXCLUDED.version)";
    journalNotes = "SELECT key, version FROM " + j + " WHERE tier = ? LIMIT ?";
    journalForget =
        "DELETE FROM "
            + j
            + " AS j USING unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE j.tier = ? AND j.key = u.key AND j.version = u.version RETURNING j.key";
    removeIfVersion = "DELETE FROM " + t + " WHERE key = ? AND version = ? AND NOT archived";
    removeIfOlder = "DELETE FROM " + t + " WHERE key = ? AND version < ? AND NOT archived";
    remove = delete;
    removeAllIfOlder =
        "DELETE FROM "
            + t
            + " AS t USING unnest(?::text[], ?::bigint[]) AS u(key, version)"
            + " WHERE t.key = u.key AND t.version < u.version AND NOT t.archived RETURNING t.key";
    // Writes only when the access time actually rises (no dead tuple, no index churn otherwise),
    // and moves the indexed last_access only by INDEX_STEP_MILLIS or more (as the flush does); the
    // second EXISTS reads the statement's snapshot, so it reports presence either way.
    touch =
        "WITH u AS (UPDATE "
            + t
            + " SET last_access = CASE WHEN ?::bigint - last_access >= "
            + INDEX_STEP_MILLIS
            + " THEN ?::bigint ELSE last_access END,"
            + " recent_access = CASE WHEN ?::bigint - last_access >= "
            + INDEX_STEP_MILLIS
            + " THEN NULL ELSE ?::bigint END"
            + " WHERE key = ? AND "
            + LAST_ACCESS
            + " < ? AND NOT archived RETURNING 1)"
            + " SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM "
            + t
            + " WHERE key = ? AND NOT archived)";
    // e, the row's new exact last access, is GREATEST(t.recent_access, u.last) or last_access.
    // Only when e has risen INDEX_STEP_MILLIS past the indexed last_access does the index entry
    // move (recent_access back to NULL); otherwise no indexed column changes, and with room on the
    // page (fillfactor 80) PostgreSQL writes a HOT update: one small heap record, no index entry.
    String e = "GREATEST(t.recent_access, u.last)";
    String moves = "CASE WHEN " + e + " - t.last_access >= " + INDEX_STEP_MILLIS;
    flushAccess =
        "UPDATE "
            + t
            + " AS t SET access_count = t.access_count + u.n,"
            + " last_access = "
            + moves
            + " THEN "
            + e
            + " ELSE t.last_access END,"
            + " recent_access = "
            + moves
            + " THEN NULL WHEN "
            + e
            + " > t.last_access THEN "
            + e
            + " ELSE t.recent_access END"
            + " FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS u(key, n, last)"
            + " WHERE t.key = u.key";
    // Exact, oldest first by the exact last access, from the index on the lagging last_access:
    // s is the first `limit` idle rows in index order. Every row of the exact answer accessed
    // later than all of s cannot be in it, and a row's exact access is at least its index value,
    // so the rest of the answer lies in w: after s's last index entry, up to the latest access in
    // s (less than INDEX_STEP_MILLIS further along the index). Parameters: cutoff, cutoff, limit,
    // cutoff, limit.
    String candidate = " AND " + LAST_ACCESS + " < ? AND NOT archived";
    oldestAccessed =
        "WITH s AS MATERIALIZED (SELECT "
            + COLUMNS
            + ", last_access AS indexed FROM "
            + t
            + " WHERE last_access < ?"
            + candidate
            + " ORDER BY last_access, key LIMIT ?),"
            + " w AS (SELECT "
            + COLUMNS
            + ", last_access AS indexed FROM "
            + t
            + " WHERE last_access >= (SELECT max(indexed) FROM s)"
            + " AND last_access <= (SELECT max(accessed) FROM s)"
            + " AND (last_access, key) > (SELECT indexed, key FROM s"
            + " ORDER BY indexed DESC, key DESC LIMIT 1)"
            + candidate
            + ")"
            + " SELECT key, content, content_escaped, metadata, created_ns, updated_ns, version,"
            + " access_count, accessed, embedding FROM (SELECT * FROM s UNION ALL SELECT * FROM w)"
            + " AS c ORDER BY accessed, key LIMIT ?";
    count = "SELECT count(*) FROM " + t + " WHERE NOT archived";
    bytes = "SELECT coalesce(sum(size), 0) FROM " + t + " WHERE NOT archived";
    // Kinds, one GROUP BY each: a metadata field's value ('' when absent), or the key up to the
    // first delimiter ('' without one). Marks are left out, as in count. PostgreSQL's JSON
    // functions refuse the escape \u0000 (which MetadataJson writes for a NUL, allowed in values)
    // anywhere in the text: it is read as U+FFFD here, so only a kind holding a NUL is affected
    // (counted under that character instead).
    countByField =
        "SELECT coalesce(replace(metadata, '\\u0000', '\\ufffd')::json ->> ?, '') AS kind,"
            + " count(*), coalesce(sum(size), 0) FROM "
            + t
            + " WHERE NOT archived GROUP BY 1";
    countByPrefix =
        "SELECT CASE WHEN strpos(key, ?) > 0 THEN left(key, strpos(key, ?) - 1) ELSE '' END"
            + " AS kind, count(*), coalesce(sum(size), 0) FROM "
            + t
            + " WHERE NOT archived GROUP BY 1";
    // One statement, one snapshot, two kinds of rows. First every memory that has an embedding
    // of the embedder's dimension (4 bytes a float), rank NULL: the client scores it by that
    // embedding (the partial index embedded_idx holds exactly the rows with one). Then full-text
    // candidates among the others, with their ts_rank, best first: the query is tokenised by the
    // same parser and dictionary as the documents (to_tsvector with the 'simple' configuration),
    // then its lexemes are OR-ed, quoted as tsquery input requires. LIMIT NULL: every match.
    search =
        "SELECT "
            + COLUMNS
            + ", NULL::real AS rank FROM "
            + t
            + " WHERE embedding IS NOT NULL AND NOT archived AND octet_length(embedding) = ?"
            + " UNION ALL (SELECT "
            + COLUMNS
            + ", ts_rank(search, q.query) AS rank FROM "
            + t
            + ", (SELECT string_agg('''' || replace(replace(w, E'\\\\', E'\\\\\\\\'), '''',"
            + " '''''') || '''', ' | ')::tsquery AS query"
            + " FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, ?))) AS w) AS q"
            + " WHERE search @@ q.query AND NOT archived"
            + " AND (embedding IS NULL OR octet_length(embedding) <> ?)"
            + " ORDER BY rank DESC, key LIMIT ?)";
  }
}
