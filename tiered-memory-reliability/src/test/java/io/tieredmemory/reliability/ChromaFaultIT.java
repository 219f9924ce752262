package io.tieredmemory.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.BackendOperation;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.event.TierEvent;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chroma (COLD, the archive) stopped, then started again on the same port and data directory.
 * Archival must wait: memories stay in WARM, readable, until Chroma has confirmed their copy; the
 * backlog drains once Chroma is back; search fails with a clear error meanwhile.
 */
@OwnServers
class ChromaFaultIT {
  private final LocalServers servers;
  private Fixture f;

  ChromaFaultIT(LocalServers servers) {
    this.servers = servers;
  }

  @AfterEach
  void closeStore() {
    try {
      if (!servers.alive(Server.CHROMA)) {
        servers.restartChroma();
      }
    } finally {
      if (f != null) {
        f.close();
      }
    }
  }

  private TieredMemory open(String name, ManualClock clock) {
    return open(name, clock, 500);
  }

  private TieredMemory open(String name, ManualClock clock, int sweepBatchSize) {
    f = new Fixture(servers, name);
    return f.open(
        b ->
            b.clock(clock)
                // each put's HOT copy is made before put returns: the sweeps right after find every
                // memory in HOT (demoted, then archived), and a removed copy is not made later
                .readMoves(ReadMoves.CALLER)
                .policy(
                    TieringPolicy.custom()
                        .neverPromote()
                        .demoteWhenIdle(Duration.ofMinutes(1))
                        .archiveWhenIdle(Duration.ofHours(1))
                        .sweepBatchSize(sweepBatchSize)
                        .build()));
  }

  private List<String> archivedKeys() {
    List<String> keys = new ArrayList<>();
    for (TierEvent e : f.rec.events()) {
      if (e instanceof TierEvent.Moved m && m.to() == Tier.COLD) {
        keys.add(m.key());
      }
    }
    return keys;
  }

  /**
   * Failed COLD calls the store made, except {@code count}: the metrics binding's background stats
   * refresh (every 200 ms here) counts COLD on its own schedule, so those failures say nothing
   * about sweeps backing off.
   */
  private long coldErrors() {
    long n = 0;
    for (BackendOperation op : BackendOperation.values()) {
      if (op != BackendOperation.COUNT) {
        n += f.rec.count("backend cold " + op.label() + " error");
      }
    }
    return n;
  }

  /**
   * Sweeps until {@code expected} memories were archived in all, or 30 s passed. A step that failed
   * backs off on the store's clock, so the clock moves on between sweeps that did not succeed.
   */
  private void sweepUntilArchived(TieredMemory store, ManualClock clock, int expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (archivedKeys().size() < expected && System.nanoTime() < deadline) {
      SweepResult r = store.sweep();
      if (!r.succeeded()) {
        clock.advance(Duration.ofMinutes(6)); // past the longest back-off
        LocalServers.sleep(250);
      }
    }
  }

  @Test
  void chromaStoppedThenRestarted() {
    ManualClock clock = new ManualClock(Instant.now());
    TieredMemory store = open("chroma_stop", clock);
    store.put("z0", "archived before the outage");
    store.put("z1", "archived before the outage, deleted during it");
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep().archived()).isEqualTo(2);
    for (int i = 0; i < 30; i++) {
      store.put("a" + i, "archived memory number " + i);
    }
    store.put("d0", "deleted while Chroma is down");
    servers.signal(Server.CHROMA, "TERM");
    try {
      clock.advance(Duration.ofHours(2));
      SweepResult sweep = store.sweep();
      System.out.println("[ChromaFaultIT] a sweep while Chroma is down: " + sweep);
      assertThat(sweep.archived()).isZero();
      assertThat(sweep.demoted()).as("HOT to WARM still works").isEqualTo(31);
      assertThat(sweep.failed()).isPositive();
      assertThat(archivedKeys()).containsOnly("z0", "z1");
      // Failed steps back off (on the store's clock). The back-off is per step, not per tier: the
      // second sweep may still call Chroma from steps that had nothing to do in the first (the
      // archive's failure left journal notes to settle). Once every step that needs Chroma has
      // failed, a sweep right after calls it no more.
      assertThat(store.sweep().failed()).isPositive();
      long coldErrors = coldErrors();
      SweepResult third = store.sweep();
      assertThat(third.failed()).isPositive();
      assertThat(coldErrors()).as("Chroma calls while backing off").isEqualTo(coldErrors);
      // Nothing left WARM: every memory is still there, and readable.
      for (int i = 0; i < 30; i++) {
        assertThat(f.warm.peek("a" + i)).as("a" + i + " in WARM").isNotNull();
      }
      assertThat(store.get("a0").map(Memory::content)).contains("archived memory number 0");
      // Writes do not need COLD.
      long start = System.nanoTime();
      store.put("b0", "written while Chroma is down");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      // WARM knows which keys exist: a key in no tier is a miss without asking Chroma; an
      // archived one cannot be read, and the error says which tier failed.
      assertThat(store.get("nowhere")).isEmpty();
      assertThatThrownBy(() -> store.get("z0"))
          .isInstanceOf(TieredMemoryException.class)
          .hasMessageContaining("get of key 'z0' failed in the COLD tier (chroma)");
      // Search fails as a whole, saying which backend failed (a partial result would hide the
      // archive without the caller knowing: List<SearchHit> has no room for a flag).
      assertThatThrownBy(() -> store.search("archived memory", 5))
          .isInstanceOf(TieredMemoryException.class)
          .hasMessageStartingWith("search failed in the COLD tier (chroma)");
      // Deletes take effect in WARM; an archived copy Chroma still holds is never read again and
      // goes with a sweep once Chroma is back.
      assertThat(store.delete("d0")).isTrue();
      assertThat(store.delete("z1")).isTrue();
      assertThat(store.get("z1")).isEmpty();
    } finally {
      servers.restartChroma();
    }
    assertThat(store.get("d0")).isEmpty();
    assertThat(f.cold.peek("z1")).as("left by the delete while Chroma was down").isNotNull();
    // The backlog drains: everything idle is archived (a0 was read: it stays in WARM), and the
    // deleted memory's archived copy goes.
    sweepUntilArchived(store, clock, 31);
    assertThat(f.cold.peek("z1")).isNull();
    Set<String> archived = new TreeSet<>(archivedKeys());
    assertThat(archived).hasSize(31).doesNotContain("a0");
    for (String key : archived) {
      if (!key.equals("z1")) {
        assertThat(f.cold.peek(key)).as(key + " in COLD").isNotNull();
        assertThat(f.warm.peek(key)).as(key + " left WARM").isNull();
      }
    }
    for (int i = 0; i < 30; i++) {
      assertThat(store.get("a" + i).map(Memory::content)).contains("archived memory number " + i);
    }
    assertThat(store.get("z0").map(Memory::content)).contains("archived before the outage");
    assertThat(store.get("b0").map(Memory::content)).contains("written while Chroma is down");
  }

  /**
   * Chroma killed ({@code kill -9}) while a sweep archives 300 memories, 10 per batch, once the
   * first batch is archived. Each memory left WARM only after Chroma acknowledged its copy: after
   * the restart every memory is readable, and every one reported archived is in Chroma.
   */
  @Test
  void chromaKilledMidArchive() throws Exception {
    ManualClock clock = new ManualClock(Instant.now());
    TieredMemory store = open("chroma_kill", clock, 10);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add("m" + i);
      store.put("m" + i, "memory number " + i);
    }
    clock.advance(Duration.ofHours(2));
    CompletableFuture<SweepResult> sweep = CompletableFuture.supplyAsync(store::sweep);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (f.rec.events("archived") < 10 && !sweep.isDone() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
    long seen = f.rec.events("archived");
    servers.signal(Server.CHROMA, "KILL");
    System.out.println(
        "[ChromaFaultIT] killed Chroma after "
            + seen
            + " archives seen, "
            + f.rec.events("archived")
            + " once it was dead");
    SweepResult interrupted = sweep.get(30, TimeUnit.SECONDS);
    Set<String> archivedBeforeKill = new TreeSet<>(archivedKeys());
    System.out.println(
        "[ChromaFaultIT] sweep killed mid-way: "
            + interrupted
            + ", "
            + archivedBeforeKill.size()
            + " archived");
    assertThat(interrupted.failed()).as("the sweep saw Chroma die").isPositive();
    assertThat(archivedBeforeKill.size()).isBetween(10, 299);
    for (String key : keys) {
      if (!archivedBeforeKill.contains(key)) {
        assertThat(f.warm.peek(key)).as(key + " not archived: still in WARM").isNotNull();
      }
    }
    servers.restartChroma();
    for (String key : archivedBeforeKill) {
      assertThat(f.cold.peek(key))
          .as(key + " archived before the kill, in Chroma after")
          .isNotNull();
    }
    sweepUntilArchived(store, clock, 300);
    assertThat(new TreeSet<>(archivedKeys())).hasSize(300);
    for (int i = 0; i < 300; i++) {
      assertThat(store.get("m" + i).map(Memory::content)).contains("memory number " + i);
    }
  }

  /**
   * While Chroma is down, the background flush of COLD read statistics fails every interval. It
   * must say so once per outage (a WARNING with the cause), not once per interval: an outage of an
   * hour with the default 1 s interval logged 3,600 stack traces before the fix. The three backends
   * now share core's access buffer, which logs for them.
   */
  @Test
  void backgroundFlushWarnsOncePerOutage() {
    Duration interval = Duration.ofSeconds(1);
    java.util.List<java.util.logging.LogRecord> records =
        java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.logging.Logger jul =
        java.util.logging.Logger.getLogger("io.tieredmemory.core.spi.AccessBuffer");
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    try {
      ManualClock clock = new ManualClock(Instant.now());
      f = new Fixture(servers, "chroma_log", interval);
      TieredMemory store =
          f.open(
              b ->
                  b.clock(clock)
                      // the put's HOT copies are in before the sweep that archives all three
                      .readMoves(ReadMoves.CALLER)
                      .policy(
                          TieringPolicy.custom()
                              .neverPromote()
                              .demoteWhenIdle(Duration.ofMinutes(1))
                              .archiveWhenIdle(Duration.ofHours(1))
                              .rehydrate(false, false)
                              .build()));
      for (int i = 0; i < 3; i++) {
        store.put("c" + i, "cold memory " + i);
      }
      clock.advance(Duration.ofHours(2));
      assertThat(store.sweep().archived()).isEqualTo(3);
      // Read from COLD (buffered statistics) and kill Chroma between two background flushes.
      long sinceStart = System.nanoTime() - f.coldCreatedNanos;
      long toNextTick = interval.toNanos() - sinceStart % interval.toNanos();
      if (toNextTick < Duration.ofMillis(400).toNanos()) {
        LocalServers.sleep(toNextTick / 1_000_000 + 100);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(store.get("c" + i)).isPresent(); // a COLD hit, not rehydrated
      }
      servers.signal(Server.CHROMA, "KILL");
      LocalServers.sleep(interval.multipliedBy(4).toMillis()); // four failed flushes
      long warnings =
          records.stream()
              .filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
              .filter(r -> r.getMessage().contains("ChromaTierStore[collection="))
              .filter(r -> r.getMessage().contains("writing access statistics"))
              .count();
      assertThat(warnings).as("WARNINGs of failed background flushes in one outage").isEqualTo(1);
      servers.restartChroma();
      LocalServers.sleep(interval.multipliedBy(2).toMillis());
      assertThat(records.stream().map(java.util.logging.LogRecord::getMessage))
          .anyMatch(m -> m.contains("works again"));
    } finally {
      jul.removeHandler(handler);
    }
  }

  /** What a search or a read of an archived memory says while COLD is down: which tier failed. */
  @Test
  void searchAndGetNameTheTierThatFailed() {
    ManualClock clock = new ManualClock(Instant.now());
    TieredMemory store = open("chroma_msg", clock);
    store.put("k", "some memory");
    store.put("old", "archived memory");
    f.hot.remove("old");
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep().archived()).isEqualTo(2);
    servers.signal(Server.CHROMA, "TERM");
    assertThatThrownBy(() -> store.search("memory", 5))
        .isInstanceOf(TieredMemoryException.class)
        .hasMessageContaining("COLD tier (chroma)");
    assertThatThrownBy(() -> store.get("old"))
        .isInstanceOf(TieredMemoryException.class)
        .hasMessageContaining("COLD tier (chroma)");
  }
}
