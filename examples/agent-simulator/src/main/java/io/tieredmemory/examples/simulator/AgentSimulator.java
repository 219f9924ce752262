package io.tieredmemory.examples.simulator;

import io.tieredmemory.core.policy.TieringPolicy;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The demo: a simulated AI agent writes, reads, searches and forgets memories in an embedded tiered
 * store, and once a second one line shows what each tier holds, how many memories were promoted,
 * demoted, archived and rehydrated, which tier served the reads, and the latest movement with its
 * reason. A summary follows at the end, whether the run ends by {@code --duration} or by Ctrl-C /
 * SIGTERM.
 *
 * <pre>
 * java -jar examples/agent-simulator/target/agent-simulator.jar --duration 10 --seed 7
 * </pre>
 *
 * <p>Exit status: 0 after a run or {@code --help}, 2 for a bad argument.
 */
public final class AgentSimulator {
  private static final String PROGRAM = "agent-simulator";
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  // The summary is printed once, by whichever of main and the shutdown hook gets there first.
  private static final Object FINISH_LOCK = new Object();
  private static boolean finished;

  private AgentSimulator() {}

  /** Parses the arguments and runs the simulation; see {@link SimulatorOptions#USAGE}. */
  public static void main(String[] args) {
    SimulatorOptions options;
    try {
      options = SimulatorOptions.parse(args);
    } catch (SimulatorOptions.UsageException e) {
      System.err.println(PROGRAM + ": " + e.getMessage());
      System.err.println();
      System.err.println(SimulatorOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(SimulatorOptions.USAGE);
      return;
    }
    PrintStream out = System.out;
    Simulation simulation = new Simulation(options.seed());
    // Ctrl-C or SIGTERM: stop the agent, then print the summary and close the store, so an
    // interrupted run ends as tidily as a timed one.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulation.requestStop();
                  try {
                    simulation.awaitStopped(SHUTDOWN_WAIT);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  finish(simulation, options, out);
                },
                PROGRAM + "-shutdown"));
    out.println(header(simulation.store().policy(), options));
    simulation.run(
        options.duration(), totals -> out.println(progressLine(totals)), totals -> false);
    finish(simulation, options, out);
  }

  /** Closes the store and prints the summary, once. */
  private static void finish(Simulation simulation, SimulatorOptions options, PrintStream out) {
    synchronized (FINISH_LOCK) {
      if (finished) {
        return;
      }
      finished = true;
      simulation.close(); // first, so that no sweep moves anything after the totals are taken
      out.println(summary(simulation.totals(), options.seed()));
      out.flush();
    }
  }

  /** The first line: the seed and the policy in force, so the moves that follow make sense. */
  static String header(TieringPolicy policy, SimulatorOptions options) {
    return String.format(
        Locale.ROOT,
        "%s (seed %d, %s): %s | sweep every %ds",
        PROGRAM,
        options.seed(),
        options.duration().map(d -> "for " + d.toSeconds() + "s").orElse("until Ctrl-C"),
        policy.describe(),
        Simulation.SWEEP_INTERVAL.toSeconds());
  }

  /** The once-a-second line. */
  static String progressLine(SimulationTotals t) {
    SimulationTotals.TierCounts tiers = t.tiers();
    SimulationTotals.MovementCounts m = t.movements();
    SimulationTotals.HitCounts h = t.hits();
    return String.format(
        Locale.ROOT,
        "t=%-4s hot=%d warm=%d cold=%d | promoted=%d demoted=%d archived=%d rehydrated=%d"
            + " evicted=%d | hits hot=%d warm=%d cold=%d miss=%d%s | last: %s",
        Math.round(t.elapsed().toMillis() / 1000.0) + "s",
        tiers.hot(),
        tiers.warm(),
        tiers.cold(),
        m.promoted(),
        m.demoted(),
        m.archived(),
        m.rehydrated(),
        m.evicted(),
        h.hot(),
        h.warm(),
        h.cold(),
        h.misses(),
        t.errors() == 0 ? "" : " | errors=" + t.errors(),
        t.lastMovement().orElse("no movement yet"));
  }

  /** The closing summary, several lines. */
  static String summary(SimulationTotals t, long seed) {
    SimulationTotals.TierCounts tiers = t.tiers();
    SimulationTotals.MovementCounts m = t.movements();
    SimulationTotals.HitCounts h = t.hits();
    SimulationTotals.AgentCounts a = t.agent();
    StringBuilder s = new StringBuilder();
    String nl = System.lineSeparator();
    s.append(
        String.format(
            Locale.ROOT,
            "--- summary after %.1fs (seed %d) ---",
            t.elapsed().toMillis() / 1000.0,
            seed));
    s.append(nl)
        .append(
            String.format(
                Locale.ROOT,
                "movements  promoted=%d demoted=%d archived=%d rehydrated=%d evicted=%d"
                    + " (%d sweeps)",
                m.promoted(),
                m.demoted(),
                m.archived(),
                m.rehydrated(),
                m.evicted(),
                m.sweeps()));
    s.append(nl)
        .append(
            String.format(
                Locale.ROOT,
                "gets       hot=%d warm=%d cold=%d miss=%d",
                h.hot(),
                h.warm(),
                h.cold(),
                h.misses()));
    s.append(nl)
        .append(
            String.format(
                Locale.ROOT,
                "agent      writes=%d (updates %d) reads=%d (recalls %d) searches=%d deletes=%d",
                a.writes(),
                a.updates(),
                a.reads(),
                a.recalls(),
                a.searches(),
                a.deletes()));
    s.append(nl)
        .append(
            String.format(
                Locale.ROOT,
                "tiers now  hot=%d warm=%d cold=%d",
                tiers.hot(),
                tiers.warm(),
                tiers.cold()));
    s.append(nl).append("errors     ").append(t.errors());
    t.lastError().ifPresent(e -> s.append(" (last: ").append(e).append(')'));
    return s.toString();
  }
}
