package io.tieredmemory.reliability;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.testkit.history.HistoryRecorder;
import io.tieredmemory.testkit.history.HistoryWriter;
import io.tieredmemory.testkit.history.OpKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of the chaos test ({@code ChaosIT}): opens the shared store, then until a deadline
 * runs threads that put, get, getAll, delete and search a few keys, and a thread that sweeps
 * without pause, recording every operation to its own history file (each event written before the
 * next step, so a {@code kill -9} leaves a valid prefix).
 *
 * <p>Arguments: {@code name historyFile deadlineEpochMillis seed redisPort jdbcUrl pgUser
 * pgPassword chromaUrl runId threads keys controlDir}.
 */
public final class ChaosWorker {
  private ChaosWorker() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    Path history = Path.of(args[1]);
    long deadline = Long.parseLong(args[2]);
    long seed = Long.parseLong(args[3]);
    ChaosStore.Servers servers =
        new ChaosStore.Servers(
            Integer.parseInt(args[4]), args[5], args[6], args[7], URI.create(args[8]));
    String id = args[9];
    int threads = Integer.parseInt(args[10]);
    int keys = Integer.parseInt(args[11]);
    Path control = Path.of(args[12]);
    try (ChaosStore chaos =
            new ChaosStore(
                servers,
                id,
                name,
                control.resolve("arm-" + name),
                control.resolve("in-archive-" + name),
                ReadMoves.AUTO); // the default: after the read, on the store's own threads
        HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(history))) {
      run(chaos.store, recorder, name, deadline, seed, threads, keys);
    }
    System.exit(0);
  }

  private static void run(
      TieredMemory store,
      HistoryRecorder recorder,
      String name,
      long deadline,
      long seed,
      int threads,
      int keyCount)
      throws InterruptedException {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      keys.add("key-" + i);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ops = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String process = name + "-t" + t;
      Random random = new Random(seed * 31 + t);
      all.add(
          new Thread(
              () -> {
                int written = 0;
                while (!stop.get()) {
                  written += operate(store, recorder, process, keys, random, written, failures);
                  ops.incrementAndGet();
                  pause(1 + random.nextInt(3));
                }
              },
              process));
    }
    all.add(
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  store.sweep();
                } catch (RuntimeException e) {
                  // reported through the store's own signals; the next sweep retries
                }
                pause(10);
              }
            },
            name + "-sweeper"));
    all.forEach(Thread::start);
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    stop.set(true);
    for (Thread t : all) {
      t.join(30_000);
    }
    System.out.println(name + ": " + ops.get() + " operations, " + failures.get() + " failed");
  }

  /** One recorded operation; returns 1 if it wrote a new value. */
  private static int operate(
      TieredMemory store,
      HistoryRecorder recorder,
      String process,
      List<String> keys,
      Random random,
      int written,
      AtomicLong failures) {
    int roll = random.nextInt(100);
    // Most operations on a few busy keys; the rest spread thin, so those go idle and get archived.
    int busy = Math.min(8, keys.size());
    String key =
        keys.get(random.nextInt(5) == 0 ? random.nextInt(keys.size()) : random.nextInt(busy));
    try {
      if (roll < 35) {
        String value = process + "-" + (written + 1) + " about " + key;
        HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.PUT, value);
        try {
          store.put(key, value);
          call.ok();
        } catch (RuntimeException e) {
          call.failed(e);
          failures.incrementAndGet();
        }
        return 1;
      }
      if (roll < 65) {
        HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.GET, null);
        try {
          Optional<Memory> got = store.get(key);
          call.ok(got.map(Memory::content));
        } catch (RuntimeException e) {
          call.failed(e);
          failures.incrementAndGet();
        }
        return 0;
      }
      if (roll < 75) {
        HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.DELETE, null);
        try {
          call.ok(store.delete(key));
        } catch (RuntimeException e) {
          call.failed(e);
          failures.incrementAndGet();
        }
        return 0;
      }
      if (roll < 88) {
        Map<String, HistoryRecorder.Invocation> calls = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
          String k = keys.get(random.nextInt(keys.size()));
          if (!calls.containsKey(k)) {
            calls.put(k, recorder.invoke(process, k, OpKind.GET, null));
          }
        }
        if (calls.isEmpty()) {
          calls.put(key, recorder.invoke(process, key, OpKind.GET, null));
        }
        try {
          Map<String, Memory> got = store.getAll(calls.keySet());
          calls.forEach((k, c) -> c.ok(Optional.ofNullable(got.get(k)).map(Memory::content)));
        } catch (RuntimeException e) {
          calls.values().forEach(c -> c.failed(e));
          failures.incrementAndGet();
        }
        return 0;
      }
      HistoryRecorder.SearchInvocation call = recorder.invokeSearch(process, key);
      try {
        Map<String, String> found = new HashMap<>();
        for (SearchHit h : store.search("about " + key, 10)) {
          found.put(h.memory().key(), h.memory().content());
        }
        call.ok(found);
      } catch (RuntimeException e) {
        call.failed(e);
        failures.incrementAndGet();
      }
      return 0;
    } catch (java.io.UncheckedIOException e) {
      // The history file could not be written: the run is void, say so loudly.
      e.printStackTrace();
      Runtime.getRuntime().halt(3);
      return 0;
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
