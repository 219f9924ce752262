package io.tieredmemory.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read statistics waiting to be written: per key, how many reads and the latest. A read adds to its
 * key's entry under that entry's monitor; a drain takes entries out of the map and marks them
 * drained under the same monitor, so a read either lands in the drained snapshot or in a fresh
 * entry, never in neither.
 */
final class AccessBuffer {
  /** One key's pending statistics, as drained. */
  record Pending(String key, long count, long lastMillis) {}

  private static final class Delta {
    long count;
    long last;
    boolean drained; // guarded by this

    Delta(long count, long last) {
      this.count = count;
      this.last = last;
    }
  }

  private final ConcurrentHashMap<String, Delta> pending = new ConcurrentHashMap<>();

  /** Records one read of {@code key} at {@code nowMillis}. */
  void record(String key, long nowMillis) {
    add(key, 1, nowMillis);
  }

  /** Puts back statistics that could not be written, to be tried again by the next flush. */
  void restore(Pending p) {
    add(p.key(), p.count(), p.lastMillis());
  }

  private void add(String key, long count, long last) {
    while (true) {
      Delta d = pending.get(key);
      if (d == null) {
        if (pending.putIfAbsent(key, new Delta(count, last)) == null) {
          return;
        }
        continue;
      }
      synchronized (d) {
        if (!d.drained) {
          d.count += count;
          if (last > d.last) {
            d.last = last;
          }
          return;
        }
      }
      // d was drained between get and lock: go round and put a fresh entry.
    }
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Takes everything pending out of the buffer. */
  List<Pending> drain() {
    List<Pending> out = new ArrayList<>(pending.size());
    for (String key : pending.keySet()) {
      Delta d = pending.remove(key);
      if (d != null) {
        synchronized (d) {
          d.drained = true;
          out.add(new Pending(key, d.count, d.last));
        }
      }
    }
    return out;
  }
}
