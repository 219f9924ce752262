package io.tieredmemory.reliability;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads doing puts and gets on a store, each on keys of its own, so the last acknowledged value
 * of every key is known exactly. Every get is checked on the spot: it must return the key's last
 * acknowledged value, or a value whose put threw after it (a put that throws may or may not have
 * been stored). Every exception that reaches a caller is kept.
 */
final class Workload implements AutoCloseable {
  private final TieredMemory store;
  private final int keysPerThread;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long startNanos;
  private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
  final AtomicLong puts = new AtomicLong();
  final AtomicLong gets = new AtomicLong();
  final AtomicLong putErrors = new AtomicLong();
  final AtomicLong getErrors = new AtomicLong();
  final AtomicLong wrongReads = new AtomicLong();

  /** Exceptions reaching callers that are not {@code TieredMemoryException}. */
  final AtomicLong foreignErrors = new AtomicLong();

  final AtomicLong maxPutNanos = new AtomicLong();
  final AtomicLong maxGetNanos = new AtomicLong();
  final List<String> problems = Collections.synchronizedList(new ArrayList<>());

  /** What is known of one key: its last acknowledged value and unacknowledged attempts since. */
  private static final class KeyState {
    String acked;
    final Set<String> maybe = new HashSet<>();
  }

  Workload(TieredMemory store, int threadCount, int keysPerThread) {
    this.store = store;
    this.keysPerThread = keysPerThread;
    for (int t = 0; t < threadCount; t++) {
      int id = t;
      Thread thread = new Thread(() -> run(id), "workload-" + t);
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  void start() {
    startNanos = System.nanoTime();
    running.set(true);
    threads.forEach(Thread::start);
  }

  /** Stops the threads and waits for them. */
  void stop() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive()) {
        problems.add(t.getName() + " did not stop within 30 s (blocked in a store call?)");
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  static String key(int thread, int i) {
    return "t" + thread + ":k" + i;
  }

  private void run(int thread) {
    SplittableRandom random = new SplittableRandom(thread * 7919L + 1);
    long seq = 0;
    while (running.get()) {
      String key = key(thread, random.nextInt(keysPerThread));
      KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
      if (random.nextInt(100) < 40) {
        String value = key + "=v" + (++seq);
        long start = System.nanoTime();
        try {
          store.put(key, value);
          state.acked = value;
          state.maybe.clear();
        } catch (RuntimeException e) {
          state.maybe.add(value);
          putErrors.incrementAndGet();
          note("put " + key, e);
        } finally {
          maxPutNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
          puts.incrementAndGet();
        }
      } else {
        long start = System.nanoTime();
        try {
          Optional<Memory> m = store.get(key);
          String got = m.map(Memory::content).orElse(null);
          if (!matches(state, got)) {
            wrongReads.incrementAndGet();
            problems.add("get " + key + " returned " + got + ", last acknowledged " + state.acked);
          }
        } catch (RuntimeException e) {
          getErrors.incrementAndGet();
          note("get " + key, e);
        } finally {
          maxGetNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
          gets.incrementAndGet();
        }
      }
    }
  }

  private static boolean matches(KeyState state, String got) {
    return java.util.Objects.equals(got, state.acked) || state.maybe.contains(got);
  }

  private void note(String what, RuntimeException e) {
    if (!(e instanceof TieredMemoryException)) {
      foreignErrors.incrementAndGet();
    }
    if (problems.size() < 20) {
      long ms = (System.nanoTime() - startNanos) / 1_000_000;
      problems.add("+" + ms + " ms: " + what + " threw " + e);
    }
  }

  /**
   * Reads every key the workload wrote, once the threads have stopped: each must hold its last
   * acknowledged value (or a later unacknowledged attempt). Returns the keys that do not.
   */
  Map<String, String> verify() {
    Map<String, String> wrong = new HashMap<>();
    for (Map.Entry<String, KeyState> e : keys.entrySet()) {
      KeyState s = e.getValue();
      if (s.acked == null && s.maybe.isEmpty()) {
        continue;
      }
      String got;
      try {
        got = store.get(e.getKey()).map(Memory::content).orElse(null);
      } catch (RuntimeException x) {
        wrong.put(e.getKey(), "threw " + x);
        continue;
      }
      if (!matches(s, got)) {
        wrong.put(e.getKey(), "read " + got + ", last acknowledged " + s.acked);
      }
    }
    return wrong;
  }

  /** How many keys have an acknowledged value. */
  long ackedKeys() {
    return keys.values().stream().filter(s -> s.acked != null).count();
  }
}
