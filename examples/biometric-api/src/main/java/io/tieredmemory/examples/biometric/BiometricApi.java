package io.tieredmemory.examples.biometric;

import io.tieredmemory.core.policy.TieringPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the biometric API, by default with its agent simulator, printing the live view's URL and a
 * one-line summary every {@value #SUMMARY_SECONDS} seconds.
 *
 * <pre>
 * java -jar examples/biometric-api/target/biometric-api.jar --duration 60
 * live view: http://127.0.0.1:8080/memory/
 * </pre>
 *
 * <p>Exit status: 0 after a run or {@code --help}; 2 for a bad argument or setting (the message
 * names it); 1 if the service could not start (port taken, a server unreachable).
 */
public final class BiometricApi {
  static final String PROGRAM = "biometric-api";
  static final int SUMMARY_SECONDS = 5;

  private BiometricApi() {}

  /** See {@link ApiOptions#USAGE}. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Runs until the duration ends or the JVM is asked to stop; returns the exit status.
   *
   * @param env the environment to read the settings from
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ApiOptions options;
    try {
      options = ApiOptions.parse(args);
    } catch (ApiOptions.UsageException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      err.println();
      err.println(ApiOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(ApiOptions.USAGE);
      return 0;
    }
    ServiceConfig config;
    try {
      config = config(options, env);
    } catch (ServiceConfig.ConfigException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      return 2;
    }
    BiometricService.Settings settings =
        BiometricService.Settings.demo(config).withFaultRate(options.effectiveFaultRate());
    BiometricService service;
    try {
      service = BiometricService.start(settings);
    } catch (IOException | RuntimeException e) {
      err.println(PROGRAM + ": could not start: " + e.getMessage());
      Throwable cause = e.getCause();
      if (cause != null
          && cause.getMessage() != null
          && !String.valueOf(e.getMessage()).contains(cause.getMessage())) {
        err.println(PROGRAM + ":   caused by: " + cause);
      }
      return 1;
    }
    new Run(service, options, settings, out).runUntilStopped();
    return 0;
  }

  private static ServiceConfig config(ApiOptions options, Map<String, String> env)
      throws ServiceConfig.ConfigException {
    Properties file = new Properties();
    if (options.config().isPresent()) {
      try (Reader r = Files.newBufferedReader(options.config().get())) {
        file.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new ServiceConfig.ConfigException(
            "--config " + options.config().get() + " could not be read: " + e.getMessage());
      }
    }
    ServiceConfig config = ServiceConfig.load(env, file);
    if (options.real()) {
      config.requireReal();
    }
    if (options.port().isPresent()) {
      config = config.withPort(options.port().getAsInt());
    }
    return config;
  }

  /** One run: the service, the simulator, the summary ticker, and their orderly stop. */
  private static final class Run {
    private final BiometricService service;
    private final ApiOptions options;
    private final PrintStream out;
    private final SimulatedAgent agent;
    private final ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, PROGRAM + "-summary");
              t.setDaemon(true);
              return t;
            });
    private final CountDownLatch stop = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private boolean stopped; // guarded by this

    Run(
        BiometricService service,
        ApiOptions options,
        BiometricService.Settings settings,
        PrintStream out) {
      this.service = service;
      this.options = options;
      this.out = out;
      this.agent =
          options.simulator()
              ? new SimulatedAgent(
                  service.uri(),
                  42,
                  settings.policy().archive().idle().plus(settings.sweepEvery().multipliedBy(2)))
              : null;
      out.println(
          PROGRAM
              + ": serving "
              + service.uri()
              + " (store '"
              + BiometricService.STORE_NAME
              + "': "
              + settings.config().describeTiers()
              + ")");
      out.println("live view: " + service.liveView());
      out.println(
          "history: type a key (such as bio:u-1:heart_rate:<millis>, from a webhook's answer) in"
              + " the live view's history box, or GET "
              + service.uri()
              + "memory/history?key=<key>");
      out.println("policy: " + describe(settings.policy(), settings.sweepEvery()));
      if (agent != null) {
        out.println(
            "simulator: "
                + SimulatedAgent.USERS
                + " users on "
                + Source.values().length
                + " platforms, "
                + SimulatedAgent.TICKS_PER_SECOND
                + " webhooks/s (a few invalid), ~"
                + SimulatedAgent.TICKS_PER_SECOND * SimulatedAgent.READS_PER_TICK
                + " reads/s, 1 search/s"
                + (settings.faultRate() > 0
                    ? String.format(
                        Locale.ROOT,
                        "; %.1f%% of WARM reads fail on purpose (--fault-rate 0 turns that off)",
                        settings.faultRate() * 100)
                    : ""));
      }
      out.println(
          "try: curl -s '"
              + service.uri().resolve("/memories?query=how+fast+was+the+pulse+of+u-01&k=3")
              + "'   (more in examples/biometric-api/README.md)");
      out.flush();
    }

    void runUntilStopped() {
      Thread hook = new Thread(this::stop, PROGRAM + "-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      if (agent != null) {
        agent.start();
      }
      ticker.scheduleAtFixedRate(
          () -> {
            out.println(ProgressLine.render(service.registry(), elapsed()));
            out.flush();
          },
          SUMMARY_SECONDS,
          SUMMARY_SECONDS,
          TimeUnit.SECONDS);
      try {
        if (options.duration().isPresent()) {
          stop.await(options.duration().get().toMillis(), TimeUnit.MILLISECONDS);
        } else {
          stop.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running or ran; nothing to remove.
      }
    }

    /** Stops everything once; called by the run itself or by the shutdown hook (Ctrl-C). */
    void stop() {
      synchronized (this) {
        if (stopped) {
          return;
        }
        stopped = true;
      }
      stop.countDown();
      ticker.shutdownNow();
      if (agent != null) {
        agent.close();
      }
      String last = ProgressLine.render(service.registry(), elapsed());
      service.close();
      out.println("stopped: " + last);
      if (agent != null && agent.failures() > 0) {
        out.println(
            "simulator: "
                + agent.failures()
                + " requests got no answer (last: "
                + agent.lastFailure()
                + ")");
      }
      out.flush();
    }

    private Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }
  }

  static String describe(TieringPolicy p, Duration sweepEvery) {
    return p.describe() + " | sweep every " + sweepEvery.toMillis() + "ms";
  }
}
