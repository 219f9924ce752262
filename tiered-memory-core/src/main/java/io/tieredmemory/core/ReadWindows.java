package io.tieredmemory.core;

import io.tieredmemory.core.policy.PromotionRule;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts WARM reads per key to decide promotions: a key is due when its last {@code reads} reads
 * all fall within {@code window}. Bounded: beyond {@code maxKeys} tracked keys, keys whose newest
 * read left the window are forgotten, and if that is not enough, all are.
 */
final class ReadWindows {
  /** What {@link #recordAndCheck} returns for a key not due for promotion. */
  static final long NOT_DUE = -1;

  private final int reads;
  private final long windowMillis;
  private final int maxKeys;
  private final ConcurrentHashMap<String, long[]> rings = new ConcurrentHashMap<>();

  ReadWindows(PromotionRule rule, int maxKeys) {
    this.reads = rule.reads();
    this.windowMillis = rule.window().toMillis();
    this.maxKeys = maxKeys;
  }

  /**
   * Records a read of {@code key} at {@code now}.
   *
   * @return the time from the first counted read to this one, in milliseconds, if the key is now
   *     due for promotion (its count restarts); {@link #NOT_DUE} otherwise
   */
  long recordAndCheck(String key, long now) {
    if (reads == 1) {
      return 0;
    }
    if (reads == PromotionRule.NEVER) {
      return NOT_DUE;
    }
    if (rings.size() >= maxKeys && !rings.containsKey(key)) {
      prune(now);
    }
    // ring[0] is the number of reads recorded, ring[1..reads] the newest read times, oldest first.
    long[] ring = rings.computeIfAbsent(key, k -> new long[reads + 1]);
    synchronized (ring) {
      int n = (int) Math.min(ring[0], reads);
      if (n == reads) {
        System.arraycopy(ring, 2, ring, 1, reads - 1);
        ring[reads] = now;
      } else {
        ring[n + 1] = now;
        ring[0] = n + 1;
      }
      if (ring[0] == reads && now - ring[1] <= windowMillis) {
        rings.remove(key, ring);
        return Math.max(0, now - ring[1]);
      }
      return NOT_DUE;
    }
  }

  /** Forgets a key (deleted or moved out of WARM). */
  void forget(String key) {
    rings.remove(key);
  }

  /** Forgets keys whose newest read left the window; everything if still over the bound. */
  void prune(long now) {
    for (Iterator<Map.Entry<String, long[]>> it = rings.entrySet().iterator(); it.hasNext(); ) {
      long[] ring = it.next().getValue();
      long newest;
      synchronized (ring) {
        newest = ring[(int) Math.max(1, Math.min(ring[0], reads))];
      }
      if (now - newest > windowMillis) {
        it.remove();
      }
    }
    if (rings.size() >= maxKeys) {
      rings.clear();
    }
  }

  int tracked() {
    return rings.size();
  }
}
