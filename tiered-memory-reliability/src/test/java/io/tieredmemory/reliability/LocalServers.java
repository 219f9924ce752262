package io.tieredmemory.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
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
final class LocalServers implements AutoCloseable {

  /** A server kind and its directory name under the run directory. */
  enum Server {
    REDIS("redis"),
    POSTGRES("postgres"),
    CHROMA("chroma");

    final String dir;

    Server(String dir) {
      this.dir = dir;
    }
  }

  private static final long START_TIMEOUT_SECONDS = 120;

  private final Path repo;
  private final Path faults;
  private final Path runDir;
  private final Set<Server> started;
  private final Set<Long> suspended = new LinkedHashSet<>();
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
  static LocalServers start(Server... servers) {
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

  int port(Server server) {
    return Integer.parseInt(read(runDir.resolve(server.dir).resolve("port")).trim());
  }

  String redisUrl() {
    return "redis://127.0.0.1:" + port(Server.REDIS);
  }

  /** The JDBC URL of the test database, without parameters. */
  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port(Server.POSTGRES) + "/tiered_memory_test";
  }

  String pgUser() {
    return "tiered";
  }

  String pgPassword() {
    return "tiered";
  }

  URI chromaUrl() {
    return URI.create("http://127.0.0.1:" + port(Server.CHROMA));
  }

  Path runDir() {
    return runDir;
  }

  /** The server's PID as servers.sh recorded it, if that process is still the one recorded. */
  long pid(Server server) {
    String[] f = read(runDir.resolve(server.dir).resolve("pid")).trim().split("\\s+");
    long pid = Long.parseLong(f[0]);
    String start = f.length > 1 ? f[1] : "";
    if (!start.equals(startTime(pid)) || zombie(pid)) {
      throw new IllegalStateException(
          server + " (pid " + pid + ") is not running, or the PID now belongs to another process");
    }
    return pid;
  }

  boolean alive(Server server) {
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
  void signal(Server server, String signal) {
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
   * connection from a child process; stopping only the postmaster would leave them answering).
   */
  void suspend(Server server) {
    long pid = pid(server);
    List<Long> all = new ArrayList<>();
    all.add(pid);
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> all.add(d.pid())));
    for (long p : all) {
      kill("STOP", p);
      synchronized (suspended) {
        suspended.add(p);
      }
    }
  }

  /** {@code kill -CONT} of everything {@link #suspend} stopped. Safe to call twice. */
  void resumeAll() {
    List<Long> all;
    synchronized (suspended) {
      all = new ArrayList<>(suspended);
      suspended.clear();
    }
    for (long p : all) {
      try {
        kill("CONT", p);
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }

  /** Starts Redis again on the same port, empty (servers.sh runs it without persistence). */
  void restartRedis() {
    if (alive(Server.REDIS)) {
      throw new IllegalStateException("redis is still running");
    }
    bash("TM_REDIS_PORT=" + port(Server.REDIS) + " tm_start_redis");
  }

  /** {@code pg_ctl stop -m fast}; the data directory stays. */
  void stopPostgres() {
    bash("tmr_stop_postgres");
  }

  /** {@code pg_ctl start} on the same data directory and port. */
  void startPostgres() {
    bash("tmr_start_postgres");
  }

  /** Chroma again on the same data directory and port, once it is down. */
  void restartChroma() {
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
  static String startTime(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return f[19];
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException e) {
      return true;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code tm.repo.root} (set by the pom), else the first parent with scripts/lib/servers.sh. */
  static Path repoRoot() {
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
