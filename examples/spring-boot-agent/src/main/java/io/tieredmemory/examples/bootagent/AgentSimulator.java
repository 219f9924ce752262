package io.tieredmemory.examples.bootagent;

import io.tieredmemory.core.TieredMemory;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * A simulated agent working on the store, so that the metrics, the health and the live view have
 * something to show ({@code agent.simulator.enabled=true}): it learns new facts, recalls a few
 * favourites often (they are promoted to HOT), forgets to recall most (they are demoted, then
 * archived to COLD), now and then recalls an old one (it is rehydrated from COLD) and searches.
 * Each step is one call of the store, on one thread, {@code agent.simulator.pause-millis} apart.
 */
@Component
@ConditionalOnBooleanProperty("agent.simulator.enabled")
class AgentSimulator implements SmartLifecycle {
  private static final String[] TOPICS = {
    "prefers answers in French",
    "works on the billing service",
    "is allergic to peanuts",
    "deploys on Fridays",
    "likes short replies",
    "uses Kotlin at work",
    "lives in Lyon",
    "has a cat named Miso",
    "reads about databases",
    "is learning Rust"
  };

  private final TieredMemory memory;
  private final long pauseMillis;
  private final AtomicLong steps = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  AgentSimulator(
      TieredMemory memory,
      @org.springframework.beans.factory.annotation.Value("${agent.simulator.pause-millis:20}")
          long pauseMillis) {
    this.memory = memory;
    this.pauseMillis = pauseMillis;
  }

  /** Steps taken so far. */
  long steps() {
    return steps.get();
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::run, "agent-simulator");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void run() {
    SplittableRandom random = new SplittableRandom(42);
    int learned = 0;
    while (running) {
      try {
        step(random, learned);
        if (learned < 10_000 && random.nextInt(4) == 0) {
          learned++;
        }
        steps.incrementAndGet();
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a tier down: the store reports it (metrics, health); the agent goes on
      }
    }
  }

  private void step(SplittableRandom random, int learned) {
    int dice = random.nextInt(100);
    if (dice < 25 || learned < 5) {
      String topic = TOPICS[learned % TOPICS.length];
      memory.put(
          "user:" + learned + ":fact", "user " + learned + " " + topic, Map.of("source", "chat"));
    } else if (dice < 80) {
      // the favourites: a handful of users recalled again and again
      memory.get("user:" + random.nextInt(Math.min(learned, 5)) + ":fact");
    } else if (dice < 95) {
      // anyone learned so far, old ones included
      memory.get("user:" + random.nextInt(learned) + ":fact");
    } else {
      memory.search(TOPICS[random.nextInt(TOPICS.length)], 3);
    }
  }
}
