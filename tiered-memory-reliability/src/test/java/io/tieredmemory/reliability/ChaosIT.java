package io.tieredmemory.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.spi.Location;
import io.tieredmemory.core.spi.ReconcileJournal;
import io.tieredmemory.testkit.history.CheckResult;
import io.tieredmemory.testkit.history.History;
import io.tieredmemory.testkit.history.HistoryReader;
import io.tieredmemory.testkit.history.HistoryRecorder;
import io.tieredmemory.testkit.history.HistoryWriter;
import io.tieredmemory.testkit.history.LinearizabilityChecker;
import io.tieredmemory.testkit.history.OpKind;
import io.tieredmemory.testkit.history.SearchCheck;
import io.tieredmemory.testservers.LocalServers;
import io.tieredmemory.testservers.LocalServers.Server;
import io.tieredmemory.testservers.OwnServers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The linearizability checker over two JVM processes on real Redis, PostgreSQL and Chroma, while
 * things go wrong: each cycle kills one process with {@code kill -9} in the middle of a sweep's
 * archive and starts it again, kills Redis and starts it again empty, and restarts PostgreSQL.
 * Every process records its history to a file; at the end the test settles the tiers, reads every
 * key, merges the files (instants are {@code System.nanoTime()}, one clock for every JVM of the
 * host) and checks each key's history.
 *
 * <p>{@code -Dtm.chaos.seconds=N} (default 60, the short form {@code ./scripts/test.sh} runs;
 * {@code ./scripts/chaos.sh [seconds]} runs a long one): the cycle takes 45 s and repeats.
 */
@OwnServers
class ChaosIT {
  private static final int THREADS = 3;
  private static final int KEYS = 64;

  private final LocalServers servers;
  private Path dir;
  private final List<Process> workers = new ArrayList<>();

  ChaosIT(LocalServers servers) {
    this.servers = servers;
  }

  @BeforeEach
  void start() throws IOException {
    dir = Files.createTempDirectory("tm-chaos.");
  }

  /** Kills the workers still running; {@link OwnServers} stops the servers after the class. */
  @AfterEach
  void stop() {
    for (Process p : workers) {
      p.destroyForcibly();
    }
  }

  @Test
  void twoProcessesUnderKillsAndRestarts_everyKeyIsLinearizable() throws Exception {
    long seconds = Long.getLong("tm.chaos.seconds", 60);
    String id = Long.toHexString(System.nanoTime());
    long deadline = System.currentTimeMillis() + seconds * 1000;
    List<Path> histories = new ArrayList<>();
    List<String> log = new ArrayList<>();
    String[] live = {start("A1", id, deadline, histories), start("B1", id, deadline, histories)};
    int generation = 1;
    long cycleStart = System.currentTimeMillis();
    System.out.println("[ChaosIT] histories and logs in " + dir);
    // A cycle runs only if it ends before the workers do (its last fault is at +37 s).
    while (cycleStart + 40_000 <= deadline) {
      // A process killed in the middle of an archive batch: the journal note is written, the COLD
      // copy is not (or is), the WARM mark is not. It starts again as a new process.
      sleepUntil(cycleStart + 10_000, deadline);
      int victim = generation % 2 == 1 ? 0 : 1;
      String name = live[victim];
      Path arm = dir.resolve("arm-" + name);
      Files.writeString(arm, "kill me mid-archive");
      Path inArchive = dir.resolve("in-archive-" + name);
      long armDeadline = System.currentTimeMillis() + 15_000;
      while (!Files.exists(inArchive) && System.currentTimeMillis() < armDeadline) {
        Thread.sleep(20);
      }
      boolean midArchive = Files.exists(inArchive);
      kill(name);
      log.add(name + " killed " + (midArchive ? "mid-archive" : "(no archive within 15 s)"));
      generation++;
      live[victim] = start(name.charAt(0) + Integer.toString(generation), id, deadline, histories);
      assertThat(midArchive)
          .as("a sweep archived within 15 s, so %s died mid-archive", name)
          .isTrue();

      sleepUntil(cycleStart + 25_000, deadline);
      servers.signal(Server.REDIS, "KILL");
      Thread.sleep(2_000);
      servers.restartRedis();
      log.add("redis killed, restarted empty 2 s later");

      sleepUntil(cycleStart + 35_000, deadline);
      servers.stopPostgres();
      servers.startPostgres();
      log.add("postgresql restarted");
      cycleStart += 45_000;
    }
    for (Process p : workers) {
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("a worker ended by its deadline").isTrue();
    }

    // Settle (no fault now), then read every key once more: the final state must be explained too.
    Path finalHistory = dir.resolve("final.history");
    histories.add(finalHistory);
    List<String> invariants;
    // The final reads' rehydrations are made before each read returns: one still under way would
    // leave a COLD copy WARM no longer points to, and its journal note, for settled() to see.
    try (ChaosStore chaos = new ChaosStore(addresses(), id, "final", null, null, ReadMoves.CALLER);
        HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(finalHistory))) {
      for (int i = 0; i < 5; i++) {
        chaos.store.sweep();
      }
      for (int k = 0; k < KEYS; k++) {
        String key = "key-" + k;
        HistoryRecorder.Invocation call = recorder.invoke("final", key, OpKind.GET, null);
        call.ok(chaos.store.get(key).map(Memory::content));
      }
      for (int i = 0; i < 3; i++) {
        chaos.store.sweep();
      }
      invariants = settled(chaos);
    }

    History history = HistoryReader.read(histories);
    Map<String, Long> byProcess = new TreeMap<>();
    history.ops().forEach(op -> byProcess.merge(op.process().split("-t")[0], 1L, Long::sum));
    long failed = history.ops().stream().filter(op -> op.status().name().equals("FAILED")).count();
    long pending =
        history.ops().stream().filter(op -> op.status().name().equals("PENDING")).count();
    System.out.printf(
        "[ChaosIT] %d s, %d ops (%d failed, %d never completed) by process %s, %d searches; %s%n",
        seconds, history.ops().size(), failed, pending, byProcess, history.searches().size(), log);

    // Thousands of operations per busy key, hundreds of them failed (indeterminate) during the
    // outages: a search needs tens of millions of steps (~25 million a second), above the
    // default budget sized for short histories.
    CheckResult result =
        LinearizabilityChecker.withBudget(
                new LinearizabilityChecker.Budget(Duration.ofMinutes(5), 500_000_000L))
            .check(history);
    assertThat(result.ok()).as("%s%nhistories kept in %s", result.describe(seconds), dir).isTrue();
    SearchCheck.Result searches = SearchCheck.check(history);
    assertThat(searches.ok()).as(searches.describe(seconds)).isTrue();
    assertThat(invariants).as("after settling").isEmpty();
    assertThat((long) history.ops().size()).as("operations recorded").isGreaterThan(seconds * 20);
  }

  private ChaosStore.Servers addresses() {
    return new ChaosStore.Servers(
        servers.port(Server.REDIS),
        servers.jdbcUrl(),
        servers.pgUser(),
        servers.pgPassword(),
        servers.chromaUrl());
  }

  /** What the settled tiers hold: every COLD copy is the one WARM points to; no note is left. */
  private static List<String> settled(ChaosStore chaos) {
    List<String> problems = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      keys.add("key-" + k);
    }
    Map<String, Location> where = chaos.warm.directory().orElseThrow().peekLocations(keys);
    for (String key : keys) {
      var inCold = chaos.cold.peek(key);
      var inHot = chaos.hot.peek(key);
      var inWarm = chaos.warm.peek(key);
      Location l = where.get(key);
      if (inCold != null && !new Location.Archived(inCold.version()).equals(l)) {
        problems.add(key + ": COLD holds v" + inCold.version() + ", WARM points to " + l);
      }
      if (inHot != null && (inWarm == null || inWarm.version() != inHot.version())) {
        problems.add(key + ": HOT holds v" + inHot.version() + ", WARM " + l);
      }
    }
    ReconcileJournal journal = chaos.warm.journal().orElseThrow();
    for (Tier t : List.of(Tier.HOT, Tier.COLD)) {
      Map<String, Long> notes = journal.notes(t, 100);
      if (!notes.isEmpty()) {
        problems.add("journal notes about " + t + " left: " + notes);
      }
    }
    return problems;
  }

  private String start(String name, String id, long deadline, List<Path> histories)
      throws IOException {
    Path history = dir.resolve(name + ".history");
    histories.add(history);
    ChaosStore.Servers s = addresses();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    Path argFile = dir.resolve(name + ".args");
    Files.writeString(argFile, "-cp \"" + testClasspath().replace("\\", "\\\\") + "\"");
    command.add("@" + argFile);
    command.add(ChaosWorker.class.getName());
    command.addAll(
        List.of(
            name,
            history.toString(),
            Long.toString(deadline),
            Long.toString(name.hashCode()),
            Integer.toString(s.redisPort()),
            s.jdbcUrl(),
            s.pgUser(),
            s.pgPassword(),
            s.chroma().toString(),
            id,
            Integer.toString(THREADS),
            Integer.toString(KEYS),
            dir.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    workers.add(p);
    names.put(name, p);
    return name;
  }

  private final Map<String, Process> names = new TreeMap<>();

  /** {@code kill -9} of one worker, waiting until it is gone. */
  private void kill(String name) throws InterruptedException {
    Process p = names.get(name);
    p.destroyForcibly(); // SIGKILL on Linux
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * The test classpath, for the worker JVMs: surefire and failsafe put it in {@code
   * surefire.test.class.path} (absolute paths, with a trailing separator to drop).
   */
  private static String testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return Arrays.stream(cp.split(Pattern.quote(File.pathSeparator)))
        .filter(s -> !s.isBlank())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static void sleepUntil(long epochMillis, long deadline) throws InterruptedException {
    long until = Math.min(epochMillis, deadline);
    long left = until - System.currentTimeMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
  }
}
