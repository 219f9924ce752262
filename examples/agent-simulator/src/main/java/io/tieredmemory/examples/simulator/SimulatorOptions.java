package io.tieredmemory.examples.simulator;

import java.time.Duration;
import java.util.Optional;

/**
 * The command line of {@link AgentSimulator}.
 *
 * @param duration how long to run; empty means until interrupted
 * @param seed the seed of the workload's random choices
 * @param help whether {@code --help} was asked for
 */
public record SimulatorOptions(Optional<Duration> duration, long seed, boolean help) {

  /** The seed used when none is given. */
  public static final long DEFAULT_SEED = 42;

  /** The usage text printed by {@code --help} and after a bad argument. */
  public static final String USAGE =
      String.join(
          System.lineSeparator(),
          "usage: agent-simulator [--duration SECONDS] [--seed N] [--help]",
          "",
          "Simulates an AI agent's memory on an in-process hot/warm/cold store (no servers)",
          "and prints once a second what each tier holds and how memories moved.",
          "",
          "  --duration SECONDS  stop after this many whole seconds (default: run until Ctrl-C)",
          "  --seed N            seed of the workload's random choices (default: "
              + DEFAULT_SEED
              + ")",
          "  --help              print this help and exit");

  /** Thrown for a bad command line; the message names the offending argument. */
  public static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code args}. Accepts {@code --name value} and {@code --name=value}.
   *
   * @throws UsageException naming the argument that is unknown, lacks a value or is invalid
   */
  public static SimulatorOptions parse(String... args) throws UsageException {
    Optional<Duration> duration = Optional.empty();
    long seed = DEFAULT_SEED;
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
        case "--duration", "--seed" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          if (name.equals("--duration")) {
            duration = Optional.of(Duration.ofSeconds(parseSeconds(value)));
          } else {
            seed = parseSeed(value);
          }
        }
        default -> throw new UsageException("unknown argument '" + arg + "'");
      }
    }
    return new SimulatorOptions(duration, seed, help);
  }

  private static long parseSeconds(String value) throws UsageException {
    try {
      long seconds = Long.parseLong(value.trim());
      // The upper bound keeps Duration arithmetic (toNanos) far from overflow: over 290 years.
      if (seconds >= 1 && seconds <= 9_000_000_000L) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below with the same message as an out-of-range value
    }
    throw new UsageException(
        "--duration must be a positive whole number of seconds, was '" + value + "'");
  }

  private static long parseSeed(String value) throws UsageException {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--seed must be a whole number, was '" + value + "'");
    }
  }
}
