package io.tieredmemory.testkit.interleavings;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Runs workers on real threads but one at a time, switching only at scheduling points (every tier
 * call, every lock, every operation's call and return) and choosing the next worker with a seeded
 * {@link Random}. Everything the workers decide draws from the same random source in the same
 * order, so a seed replays one execution exactly: the operations, the injected faults and the
 * interleaving.
 *
 * <p>Blocking must go through the scheduler ({@link Mutex}): a worker blocked elsewhere (say on a
 * JVM lock another worker holds across a scheduling point) stalls the run, which then fails after
 * {@link #STALL_SECONDS} naming the stuck workers.
 */
final class Scheduler {
  static final int STALL_SECONDS = 20;

  private final Random random;
  private final LongConsumer clockStep;
  private final int maxClockStepMicros;
  private final List<Worker> workers = new ArrayList<>();
  private final Semaphore control = new Semaphore(0);
  private final ThreadLocal<Worker> current = new ThreadLocal<>();
  private long steps;
  private volatile Throwable failure;

  /**
   * @param seed the seed of every choice
   * @param clockStep advances the store's clock by the given microseconds (called at each step)
   * @param maxClockStepMicros the largest step of the clock per scheduling point
   */
  Scheduler(long seed, LongConsumer clockStep, int maxClockStepMicros) {
    this.random = new Random(seed);
    this.clockStep = clockStep;
    this.maxClockStepMicros = maxClockStepMicros;
  }

  /** The random source every choice of the run must draw from (only from a running worker). */
  Random random() {
    return random;
  }

  /** Whether the calling thread is a worker of this scheduler (setup code runs unscheduled). */
  boolean managed() {
    return current.get() != null;
  }

  /** Scheduling points taken so far. */
  long steps() {
    return steps;
  }

  private final class Worker implements Runnable {
    final String name;
    final Runnable body;
    final Semaphore turn = new Semaphore(0);
    Thread thread;
    Mutex blockedOn;
    boolean done;

    Worker(String name, Runnable body) {
      this.name = name;
      this.body = body;
    }

    @Override
    public void run() {
      current.set(this);
      try {
        turn.acquireUninterruptibly();
        body.run();
      } catch (Throwable t) {
        if (failure == null) {
          failure = t;
        }
      } finally {
        done = true;
        control.release();
      }
    }
  }

  /** Adds a worker; call before {@link #run}. */
  void worker(String name, Runnable body) {
    workers.add(new Worker(name, body));
  }

  /**
   * Runs every worker to completion, one at a time. Rethrows the first failure of a worker.
   *
   * @throws IllegalStateException on a deadlock (every unfinished worker waits for a {@link Mutex})
   *     or a stall
   */
  void run() throws Throwable {
    for (Worker w : workers) {
      w.thread = new Thread(w, "sched-" + w.name);
      w.thread.setDaemon(true);
      w.thread.start();
    }
    try {
      while (true) {
        List<Worker> runnable = new ArrayList<>();
        boolean anyLeft = false;
        for (Worker w : workers) {
          if (!w.done) {
            anyLeft = true;
            if (w.blockedOn == null) {
              runnable.add(w);
            }
          }
        }
        if (!anyLeft) {
          break;
        }
        if (runnable.isEmpty()) {
          throw new IllegalStateException("deadlock: every worker waits for a lock: " + blocked());
        }
        Worker next = runnable.get(random.nextInt(runnable.size()));
        if (maxClockStepMicros > 0) {
          clockStep.accept(random.nextInt(maxClockStepMicros + 1));
        }
        steps++;
        next.turn.release();
        if (!control.tryAcquire(STALL_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "worker " + next.name + " neither yielded nor finished: " + stack(next));
        }
        if (failure != null) {
          throw failure;
        }
      }
    } finally {
      for (Worker w : workers) {
        if (!w.done) {
          w.thread.interrupt();
        }
      }
    }
  }

  private String blocked() {
    StringBuilder b = new StringBuilder();
    for (Worker w : workers) {
      if (!w.done) {
        b.append(w.name).append(" on ").append(w.blockedOn).append("; ");
      }
    }
    return b.toString();
  }

  private static String stack(Worker w) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement e : w.thread.getStackTrace()) {
      b.append("\n  at ").append(e);
    }
    return b.toString();
  }

  /** A scheduling point: lets the scheduler run another worker before this one goes on. */
  void pause() {
    Worker me = current.get();
    if (me == null) {
      return;
    }
    control.release();
    me.turn.acquireUninterruptibly();
  }

  /** A lock whose waiting goes through the scheduler. Not reentrant. */
  final class Mutex {
    private final String name;
    private Worker owner;
    private final Deque<Worker> waiters = new ArrayDeque<>();

    Mutex(String name) {
      this.name = name;
    }

    void lock() {
      Worker me = current.get();
      if (me == null) {
        if (owner != null) {
          throw new IllegalStateException("setup code found " + name + " held by " + owner.name);
        }
        return; // unscheduled setup: nothing else runs
      }
      pause();
      if (owner == me) {
        throw new IllegalStateException(name + " is already held by " + me.name);
      }
      if (owner == null) {
        owner = me;
        return;
      }
      waiters.add(me);
      me.blockedOn = this;
      pause(); // not chosen again until unlock hands the lock over
    }

    void unlock() {
      Worker me = current.get();
      if (me == null) {
        return;
      }
      if (owner != me) {
        throw new IllegalStateException(name + " released by " + me.name + ", held by " + owner);
      }
      Worker next = waiters.poll();
      owner = next;
      if (next != null) {
        next.blockedOn = null;
      }
    }

    @Override
    public String toString() {
      return name + (owner == null ? "" : " (held by " + owner.name + ")");
    }
  }
}
