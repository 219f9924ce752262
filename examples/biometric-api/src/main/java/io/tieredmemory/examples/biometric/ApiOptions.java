package io.tieredmemory.examples.biometric;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The command line of {@link BiometricApi}.
 *
 * @param duration how long to run; empty means until Ctrl-C
 * @param real whether every tier must be a real server (from the {@code TM_*} variables)
 * @param port the port, overriding {@code DEMO_PORT}
 * @param simulator whether the built-in agent simulator runs
 * @param faultRate the fraction of WARM reads that fail on purpose; empty means the default
 * @param config a properties file with the same names as the environment variables
 * @param help whether {@code --help} was asked for
 */
record ApiOptions(
    Optional<Duration> duration,
    boolean real,
    OptionalInt port,
    boolean simulator,
    OptionalDouble faultRate,
    Optional<Path> config,
    boolean help) {

  /** The fraction of WARM reads that fail while the simulator runs, unless told otherwise. */
  static final double DEFAULT_SIMULATOR_FAULT_RATE = 0.02;

  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: biometric-api [--duration SECONDS] [--real] [--port N] [--no-simulator]",
          "                     [--fault-rate R] [--config FILE] [--help]",
          "",
          "A biometric webhook API that keeps its readings in tiered-memory (hot/warm/cold),",
          "with /metrics, /memory/stats, /memory/events, the live view /memory/ and /health on",
          "the same port. A built-in agent simulator sends webhooks and reads memories.",
          "",
          "  --duration SECONDS  stop after this many seconds (default: run until Ctrl-C)",
          "  --real              use real Redis, PostgreSQL and Chroma from TM_REDIS_URL,",
          "                      TM_PG_JDBC_URL, TM_PG_USER, TM_PG_PASSWORD, TM_CHROMA_URL",
          "                      (without it, each tier whose variable is set is real and",
          "                      the others are in process)",
          "  --port N            listen on port N (default: DEMO_PORT, else 8080; 0 = any free)",
          "  --no-simulator      serve only; no simulated traffic",
          "  --fault-rate R      fail this fraction (0..1) of WARM reads on purpose, to show",
          "                      errors in metrics and the live view (default: "
              + DEFAULT_SIMULATOR_FAULT_RATE
              + " with the",
          "                      simulator, 0 without)",
          "  --config FILE       read settings from a properties file (same names as the",
          "                      environment variables; the environment wins)",
          "  --help              print this help and exit",
          "",
          "Environment: DEMO_PORT, DEMO_BIND (default 127.0.0.1), DEMO_REVEAL_KEYS, TM_REDIS_URL,",
          "TM_PG_JDBC_URL, TM_PG_USER, TM_PG_PASSWORD, TM_CHROMA_URL (see README.md).");

  /** Thrown for a bad command line; the message names the offending argument. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** The fault rate in force: as given, else the default for whether the simulator runs. */
  double effectiveFaultRate() {
    return faultRate.orElse(simulator ? DEFAULT_SIMULATOR_FAULT_RATE : 0);
  }

  /**
   * Parses {@code args}; accepts {@code --name value} and {@code --name=value}.
   *
   * @throws UsageException naming the argument that is unknown, lacks a value or is invalid
   */
  static ApiOptions parse(String... args) throws UsageException {
    Optional<Duration> duration = Optional.empty();
    boolean real = false;
    OptionalInt port = OptionalInt.empty();
    boolean simulator = true;
    OptionalDouble faultRate = OptionalDouble.empty();
    Optional<Path> config = Optional.empty();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--real", "--no-simulator" -> {
          if (value != null) {
            throw new UsageException(name + " takes no value, was given '" + value + "'");
          }
          if (name.equals("--real")) {
            real = true;
          } else {
            simulator = false;
          }
        }
        case "--duration", "--port", "--fault-rate", "--config" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--duration" -> duration = Optional.of(Duration.ofSeconds(seconds(value)));
            case "--port" -> port = OptionalInt.of(port(value));
            case "--fault-rate" -> faultRate = OptionalDouble.of(rate(value));
            default -> {
              if (value.isBlank()) {
                throw new UsageException("--config needs a file name, was ''");
              }
              config = Optional.of(Path.of(value));
            }
          }
        }
        default -> throw new UsageException("unknown argument '" + arg + "'");
      }
    }
    return new ApiOptions(duration, real, port, simulator, faultRate, config, help);
  }

  private static long seconds(String value) throws UsageException {
    try {
      long s = Long.parseLong(value.trim());
      if (s >= 1 && s <= 9_000_000_000L) {
        return s;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "--duration must be a positive whole number of seconds, was '" + value + "'");
  }

  private static int port(String value) throws UsageException {
    try {
      int p = Integer.parseInt(value.trim());
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--port must be a port number 0-65535, was '" + value + "'");
  }

  private static double rate(String value) throws UsageException {
    try {
      double r = Double.parseDouble(value.trim());
      if (r >= 0 && r <= 1) {
        return r;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--fault-rate must be a number from 0 to 1, was '" + value + "'");
  }
}
