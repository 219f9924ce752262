package io.tieredmemory.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Real servers owned by one test class: started with {@code scripts/lib/servers.sh} in a run
 * directory of their own (a fresh {@code /tmp/tm-reliability.*}), on free loopback ports, so that
 * killing, stopping or hanging them never disturbs another test or the servers {@code
 * ./scripts/test.sh} started. Every process is addressed by the PID servers.sh recorded (checked
 * against its {@code /proc} start time, so a reused PID is never signalled), never by name.
 *
 * <p>A test class gets its own with {@link OwnServers}, which starts them before the class and
 * closes them after it; by hand:
 *
 * <pre>{@code
 * try (LocalServers servers = LocalServers.start(Server.REDIS, Server.POSTGRES)) {
 *   servers.signal(Server.REDIS, "KILL");   // kill -9 <redis pid>
 *   servers.restartRedis();                  // same port, empty
 * }                                          // SIGCONT to anything suspended, then tm_stop_all
 * }</pre>
 *
 * <p>Restarts keep the port and, for PostgreSQL and Chroma, the data directory; they run the same
 * command lines as servers.sh ({@code src/test/bash/faults.sh}). A JVM shutdown hook stops the
 * servers if the test JVM exits without {@link #close()}.
 */
public final class LocalServers implements AutoCloseable {

  /** A server kind and its directory name under the run directory. */
  public enum Server {
    REDIS("redis"),
    POSTGRES("postgres"),
    CHROMA("chroma");

    final String dir;

    Server(String dir) {
      this.dir = dir;
    }
  }

  private static final long START_TIMEOUT_SECONDS = 120;
  private static final Duration SUSPEND_TIMEOUT = Duration.ofSeconds(5);

  private final Path repo;
  private final Path faults;
  private final Path runDir;
  private final Set<Server> started;

  /** PID to /proc start time of every process {@link #suspend} stopped, in the order stopped. */
  private final Map<Long, String> suspended = new LinkedHashMap<>();

  private final Thread shutdownHook;
  private boolean closed;

  private LocalServers(Path repo, Path runDir, Set<Server> started) {
    this.repo = repo;
    this.faults = repo.resolve("tiered-memory-reliability/src/test/bash/faults.sh");
    this.runDir = runDir;
    this.started = started;
    this.shutdownHook = new Thread(this::stopQuietly, "tm-reliability-servers-stop");
  }

  /** Starts {@code servers} in a new run directory; on failure stops whatever did start. */
  public static LocalServers start(Server... servers) {
    Path repo = repoRoot();
    Path runDir;
    try {
      // servers.sh creates it (and marks it owned, so tm_stop_all removes it): pick a fresh name.
      Path probe = Files.createTempDirectory("tm-reliability.");
      Files.delete(probe);
      runDir = probe;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<Server> set = EnumSet.noneOf(Server.class);
    set.addAll(List.of(servers));
    LocalServers s = new LocalServers(repo, runDir, set);
    Runtime.getRuntime().addShutdownHook(s.shutdownHook);
    StringBuilder script = new StringBuilder();
    for (Server server : set) {
      script
          .append(
              switch (server) {
                case REDIS -> "tm_start_redis";
                case POSTGRES -> "tm_start_postgres";
                case CHROMA -> "tm_start_chroma";
              })
          .append(" && ");
    }
    script.append("true");
    try {
      s.bash(script.toString());
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  // ------------------------------------------------------------------ addresses

  public int port(Server server) {
    return Integer.parseInt(read(runDir.resolve(server.dir).resolve("port")).trim());
  }

  public String redisUrl() {
    return "redis://127.0.0.1:" + port(Server.REDIS);
  }

  /** The JDBC URL of the test database, without parameters. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port(Server.POSTGRES) + "/tiered_memory_test";
  }

  public String pgUser() {
    return "tiered";
  }

  public String pgPassword() {
    return "tiered";
  }

  public URI chromaUrl() {
    return URI.create("http://127.0.0.1:" + port(Server.CHROMA));
  }

  public Path runDir() {
    return runDir;
  }

  /** The server's PID as servers.sh recorded it, if that process is still the one recorded. */
  public long pid(Server server) {
    String[] f = read(runDir.resolve(server.dir).resolve("pid")).trim().split("\\s+");
    long pid = Long.parseLong(f[0]);
    String start = f.length > 1 ? f[1] : "";
    if (!start.equals(startTime(pid)) || zombie(pid)) {
      throw new IllegalStateException(
          server + " (pid " + pid + ") is not running, or the PID now belongs to another process");
    }
    return pid;
  }

  public boolean alive(Server server) {
    try {
      pid(server);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ faults

  /**
   * {@code kill -<signal>} of the server's recorded PID ({@code KILL}, {@code TERM}); for KILL and
   * TERM, waits until the process is gone.
   */
  public void signal(Server server, String signal) {
    long pid = pid(server);
    String start = startTime(pid);
    kill(signal, pid);
    if (signal.equals("KILL") || signal.equals("TERM")) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (start.equals(startTime(pid)) && !zombie(pid)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(server + " (pid " + pid + ") survived SIGTERM for 30s");
        }
        sleep(20);
      }
    }
  }

  /**
   * {@code kill -STOP} of the server and every process it started (PostgreSQL serves each
   * connection from a child process; stopping only the postmaster would leave them answering), and
   * returns only once every thread of each of them is stopped.
   *
   * <p>{@code kill} returns as soon as the signal is queued: the process stops only when one of its
   * threads next runs, and until that thread has told the others, they keep serving requests (a
   * Chroma search answered in 38 ms "while suspended" on a loaded 2-core machine), and a postmaster
   * that has not stopped yet keeps forking backends that a single listing of its children misses.
   * So this stops the server, waits until all its threads are stopped, then lists its descendants
   * in {@code /proc} and stops the new ones, until a listing taken after everything stopped so far
   * was seen stopped finds nothing new. That converges: a stopped process cannot fork, so each
   * round can only find children forked before their parent stopped, and those are finite. The
   * listing has to come after the wait, not before: a process seen running, then stopped, may have
   * forked in between. Fails, naming the processes, if that takes more than {@link
   * #SUSPEND_TIMEOUT}; whatever it stopped is still resumed by {@link #resumeAll}.
   */
  public void suspend(Server server) {
    long root = pid(server);
    long deadline = System.nanoTime() + SUSPEND_TIMEOUT.toNanos();
    Map<Long, String> stopped = new LinkedHashMap<>();
    stop(root, startTime(root), stopped);
    if (!stopped.containsKey(root)) {
      throw new IllegalStateException(server + " (pid " + root + ") exited before it was stopped");
    }
    while (true) {
      awaitStopped(server, stopped, deadline);
      Map<Long, ProcStat> tree = descendants(root);
      List<ProcStat> fresh = new ArrayList<>();
      for (ProcStat p : tree.values()) {
        // Only children of a process already stopped: a running parent could reap a child and its
        // PID be reused between this listing and the kill; a stopped one reaps nothing. Deeper
        // ones come in the next round, once their parent is stopped.
        if (!stopped.containsKey(p.pid()) && stopped.containsKey(p.ppid())) {
          fresh.add(p);
        }
      }
      if (fresh.isEmpty()) {
        return;
      }
      for (ProcStat p : fresh) {
        stop(p.pid(), p.start(), stopped);
      }
    }
  }

  /**
   * {@code kill -CONT} of everything {@link #suspend} stopped, in the reverse order it stopped
   * them, so the server itself last. Children first because while a parent is stopped it cannot
   * reap a child that exited, so every PID continued still names the process that was stopped;
   * continuing the parent first would let it reap, and the PID be reused, before its turn. Safe to
   * call twice.
   */
  public void resumeAll() {
    List<Map.Entry<Long, String>> all = new ArrayList<>();
    synchronized (suspended) {
      suspended.forEach((pid, start) -> all.add(Map.entry(pid, start)));
      suspended.clear();
    }
    Collections.reverse(all);
    for (Map.Entry<Long, String> p : all) {
      if (!p.getValue().equals(startTime(p.getKey()))) {
        continue; // gone, and the PID perhaps someone else's now
      }
      try {
        kill("CONT", p.getKey());
      } catch (RuntimeException e) {
        // exited since the check
      }
    }
  }

  /** Starts Redis again on the same port, empty (servers.sh runs it without persistence). */
  public void restartRedis() {
    if (alive(Server.REDIS)) {
      throw new IllegalStateException("redis is still running");
    }
    bash("TM_REDIS_PORT=" + port(Server.REDIS) + " tm_start_redis");
  }

  /** {@code pg_ctl stop -m fast}; the data directory stays. */
  public void stopPostgres() {
    bash("tmr_stop_postgres");
  }

  /** {@code pg_ctl start} on the same data directory and port. */
  public void startPostgres() {
    bash("tmr_start_postgres");
  }

  /** Chroma again on the same data directory and port, once it is down. */
  public void restartChroma() {
    bash("tmr_start_chroma");
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs this anyway
    }
    stopQuietly();
  }

  private void stopQuietly() {
    resumeAll();
    try {
      bash("tm_stop_all");
    } catch (RuntimeException e) {
      System.err.println("[LocalServers] tm_stop_all failed: " + e.getMessage());
    }
  }

  /**
   * Runs {@code script} in bash after sourcing servers.sh and faults.sh, with this run directory
   * and none of the caller's {@code TM_*} server variables (so nothing points at other servers).
   */
  private void bash(String script) {
    String full =
        "source '"
            + repo.resolve("scripts/lib/servers.sh")
            + "' && source '"
            + faults
            + "' && "
            + script;
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", full);
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(
            k ->
                (k.startsWith("TM_") || k.startsWith("_TM_"))
                    && !k.equals("TM_TOOLS_DIR")
                    && !k.equals("TM_CHROMA_VERSION")
                    && !k.equals("TM_CHROMA_BINDINGS_VERSION"));
    env.put("TM_RUN_DIR", runDir.toString());
    pb.redirectErrorStream(true);
    pb.directory(repo.toFile());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + script);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "`"
                + script
                + "` failed (exit "
                + p.exitValue()
                + "):\n"
                + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + script, e);
    }
  }

  /**
   * SIGSTOP to {@code pid} if it is still the process started at {@code start}; records it in
   * {@code stopped} and in {@link #suspended}. A process that exited meanwhile is skipped: it
   * serves nothing.
   */
  private void stop(long pid, String start, Map<Long, String> stopped) {
    if (start.isEmpty() || !start.equals(startTime(pid))) {
      return;
    }
    synchronized (suspended) {
      suspended.putIfAbsent(pid, start);
    }
    stopped.put(pid, start);
    try {
      kill("STOP", pid);
    } catch (RuntimeException e) {
      if (start.equals(startTime(pid)) && !zombie(pid)) {
        throw e;
      }
    }
  }

  /** Waits until every thread of every process in {@code stopped} is stopped, or it is gone. */
  private static void awaitStopped(Server server, Map<Long, String> stopped, long deadline) {
    while (true) {
      List<String> running = new ArrayList<>();
      for (Map.Entry<Long, String> p : stopped.entrySet()) {
        String states = threadStates(p.getKey());
        if (p.getValue().equals(startTime(p.getKey())) && !states.matches("[TtZX]*")) {
          running.add(p.getKey() + " (" + comm(p.getKey()) + ", thread states " + states + ")");
        }
      }
      if (running.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            server
                + " not suspended: SIGSTOP sent, but after "
                + SUSPEND_TIMEOUT.toSeconds()
                + " s these still have threads not stopped (T): "
                + String.join(", ", running));
      }
      sleep(1);
    }
  }

  /** One line of /proc/PID/stat: what {@link #suspend} needs. */
  private record ProcStat(long pid, long ppid, String start) {}

  /**
   * Every process whose parent chain leads to {@code root}, from one pass over /proc (children
   * files under /proc/PID/task need CONFIG_PROC_CHILDREN; the parent field of stat is always
   * there).
   */
  private static Map<Long, ProcStat> descendants(long root) {
    Map<Long, List<ProcStat>> children = new HashMap<>();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
      for (Path dir : proc) {
        String[] f = statFields(dir.resolve("stat"));
        if (f.length > 19) {
          long pid = Long.parseLong(dir.getFileName().toString());
          long ppid = Long.parseLong(f[1]);
          children
              .computeIfAbsent(ppid, k -> new ArrayList<>())
              .add(new ProcStat(pid, ppid, f[19]));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Long, ProcStat> out = new LinkedHashMap<>();
    Deque<Long> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      for (ProcStat c : children.getOrDefault(todo.poll(), List.of())) {
        if (out.putIfAbsent(c.pid(), c) == null) {
          todo.add(c.pid());
        }
      }
    }
    return out;
  }

  /**
   * The state letter of each thread of {@code pid}, "" if it is gone. SIGSTOP stops a process one
   * thread at a time, so the main thread's state alone says nothing about the others.
   */
  private static String threadStates(long pid) {
    StringBuilder states = new StringBuilder();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Paths.get("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        String[] f = statFields(task.resolve("stat"));
        if (f.length > 0) {
          states.append(f[0]);
        }
      }
    } catch (IOException e) {
      return "";
    }
    return states.toString();
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Paths.get("/proc/" + pid + "/comm")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /**
   * The fields of a /proc stat file after the command name (which may hold spaces and parentheses):
   * [0] is field 3, the state; [1] the parent PID; [19] the start time. Empty if it is gone.
   */
  private static String[] statFields(Path stat) {
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return new String[0];
    }
  }

  private static void kill(String signal, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Field 22 of /proc/PID/stat (start time in clock ticks), or "" if the process is gone. */
  public static String startTime(long pid) {
    String[] f = statFields(Paths.get("/proc/" + pid + "/stat"));
    return f.length > 19 ? f[19] : "";
  }

  private static boolean zombie(long pid) {
    String[] f = statFields(Paths.get("/proc/" + pid + "/stat"));
    return f.length == 0 || f[0].equals("Z") || f[0].equals("X");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code tm.repo.root} (set by the pom), else the first parent with scripts/lib/servers.sh. */
  public static Path repoRoot() {
    String prop = System.getProperty("tm.repo.root");
    if (prop != null && !prop.isBlank()) {
      return Paths.get(prop).toAbsolutePath().normalize();
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/lib/servers.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find scripts/lib/servers.sh above " + Paths.get("").toAbsolutePath());
  }
}
