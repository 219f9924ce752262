package io.tieredmemory.core.spi;

import java.time.Instant;
import java.util.List;

/**
 * A bounded, durable log of a store's decisions as a decision feed renders them, kept by a WARM
 * tier ({@link TierStore#eventLog()}) and shared by every instance on that tier, so that a feed can
 * replay what happened after a client's last event ({@code Last-Event-ID}) and merge every
 * instance's decisions into one ordered story.
 *
 * <p>The one guarantee readers rest on: <b>ids are visible in order</b>. Once a reader has seen id
 * {@code n}, no entry with an id at or below {@code n} appears later. (A plain identity column does
 * not give this: two instances' transactions take ids 7 and 8 and may commit 8 first, and a reader
 * that read 8 would never see 7. The PostgreSQL log serializes its appends to make it hold.) So a
 * reader that pages with {@link #readAfter} from its last id sees every entry exactly once, in id
 * order, unless retention removed entries it had not read yet.
 */
public interface EventLog {

  /**
   * One logged decision.
   *
   * @param id its place in the log, assigned by {@link #append} (0 in an entry to append)
   * @param at when the decision was made (the store's clock)
   * @param instance the instance that made it ({@code TieredMemory.instanceId()})
   * @param store the store's name
   * @param kind the decision's kind, e.g. {@code promoted}
   * @param json the decision as one JSON object, as the feed rendered it (keys already hashed when
   *     the feed hashes them)
   */
  record Entry(long id, Instant at, String instance, String store, String kind, String json) {}

  /**
   * Stores the entries in their order under new ids, each greater than every id any reader can have
   * seen. Either all are stored or, if it throws, none.
   */
  void append(List<Entry> entries);

  /** At most {@code limit} entries with an id above {@code afterId}, in id order. */
  List<Entry> readAfter(long afterId, int limit);

  /** The highest id stored so far (0 when the log is empty). */
  long lastId();

  /**
   * Removes every entry but the newest {@code keep} (by id).
   *
   * @return how many were removed
   */
  int retainNewest(int keep);

  /**
   * Random bytes (at least 16) made once per log and the same for every instance that reads it:
   * feeds writing to this log hash keys with it, so that a key has one label in the merged story.
   */
  byte[] salt();
}
