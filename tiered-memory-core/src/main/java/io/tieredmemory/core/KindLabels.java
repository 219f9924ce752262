package io.tieredmemory.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One store's kind labels: folds a memory's raw kind into the capped set ({@link Kinds}), admitting
 * the first {@code max} distinct kinds met (or exactly the fixed list) for the life of the store.
 * Thread safe: lookups of admitted kinds take no lock and allocate nothing (a key-prefix kind is
 * matched against the admitted labels in place); admission is synchronized and happens at most
 * {@code max} times.
 */
final class KindLabels {
  private final Kinds kinds;
  private final boolean fixed;
  private final int max;
  // raw kind -> its label: the same String instance every time, so labels compare by identity.
  private final ConcurrentHashMap<String, String> admitted = new ConcurrentHashMap<>();
  private volatile String[] order; // admitted labels, in order of admission

  KindLabels(Kinds kinds) {
    this.kinds = kinds;
    this.fixed = !kinds.fixed().isEmpty();
    this.max = kinds.maxKinds();
    for (String k : kinds.fixed()) {
      admitted.put(k, k);
    }
    this.order = kinds.fixed().toArray(new String[0]);
  }

  Kinds kinds() {
    return kinds;
  }

  /** The label of a memory: an admitted kind, {@link Kinds#NONE} or {@link Kinds#OTHER}. */
  String labelOf(String key, Map<String, String> metadata) {
    if (kinds.source() == Kinds.Source.METADATA) {
      String v = metadata.get(kinds.selector());
      return v == null ? Kinds.NONE : labelOfRaw(v);
    }
    int at = key.indexOf(kinds.selector());
    if (at <= 0) {
      return Kinds.NONE;
    }
    for (String label : order) {
      if (label.length() == at && key.startsWith(label)) {
        return label;
      }
    }
    return labelOfRaw(key.substring(0, at));
  }

  /** The label of a raw kind ({@code ""}: none), admitting it if there is room. */
  String labelOfRaw(String raw) {
    if (raw.isEmpty() || raw.equals(Kinds.NONE)) {
      return Kinds.NONE;
    }
    if (raw.equals(Kinds.OTHER)) {
      return Kinds.OTHER;
    }
    String label = admitted.get(raw);
    if (label != null) {
      return label;
    }
    if (fixed || raw.length() > Kinds.MAX_KIND_LENGTH || admitted.size() >= max) {
      return Kinds.OTHER;
    }
    synchronized (this) {
      label = admitted.get(raw);
      if (label != null) {
        return label;
      }
      if (admitted.size() >= max) {
        return Kinds.OTHER;
      }
      admitted.put(raw, raw);
      String[] next = Arrays.copyOf(order, order.length + 1);
      next[order.length] = raw;
      order = next;
      return raw;
    }
  }

  /** Every label the store has now: the admitted kinds in order of admission, then none, other. */
  List<String> labels() {
    String[] o = order;
    List<String> all = new ArrayList<>(o.length + 2);
    Collections.addAll(all, o);
    all.add(Kinds.NONE);
    all.add(Kinds.OTHER);
    return Collections.unmodifiableList(all);
  }

  /**
   * Admits the kinds of {@code rawByTier} not admitted yet, largest first (by items over all tiers,
   * then by name), while there is room: a count sees every kind at once, so the cap keeps the
   * biggest.
   */
  void admitLargestFirst(Iterable<Map<String, KindCount>> rawByTier) {
    if (fixed) {
      return;
    }
    Map<String, Long> total = new HashMap<>();
    for (Map<String, KindCount> raw : rawByTier) {
      raw.forEach((k, c) -> total.merge(k, c.items(), Long::sum));
    }
    total.keySet().removeIf(admitted::containsKey);
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(total.entrySet());
    sorted.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    for (Map.Entry<String, Long> e : sorted) {
      if (admitted.size() >= max) {
        return;
      }
      labelOfRaw(e.getKey());
    }
  }

  /** Raw kinds folded into labels (a label no memory has is absent). */
  Map<String, KindCount> fold(Map<String, KindCount> raw) {
    Map<String, KindCount> out = new HashMap<>();
    raw.forEach((k, c) -> out.merge(labelOfRaw(k), c, KindCount::plus));
    return out;
  }
}
