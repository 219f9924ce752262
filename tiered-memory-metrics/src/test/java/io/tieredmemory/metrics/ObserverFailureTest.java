package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A registry whose meters throw on every record never fails a store operation. */
class ObserverFailureTest {

  /** Every counter and timer it makes throws when used. */
  static final class BrokenRegistry extends SimpleMeterRegistry {
    @Override
    protected Counter newCounter(Meter.Id id) {
      return new Counter() {
        @Override
        public void increment(double amount) {
          throw new IllegalStateException("broken counter");
        }

        @Override
        public double count() {
          return 0;
        }

        @Override
        public Meter.Id getId() {
          return id;
        }
      };
    }

    @Override
    protected Timer newTimer(
        Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
      Timer real = super.newTimer(id, config, pauseDetector);
      return new Timer() {
        @Override
        public void record(long amount, TimeUnit unit) {
          throw new IllegalStateException("broken timer");
        }

        @Override
        public <T> T record(java.util.function.Supplier<T> f) {
          throw new IllegalStateException("broken timer");
        }

        @Override
        public <T> T recordCallable(java.util.concurrent.Callable<T> f) {
          throw new IllegalStateException("broken timer");
        }

        @Override
        public void record(Runnable f) {
          throw new IllegalStateException("broken timer");
        }

        @Override
        public long count() {
          return 0;
        }

        @Override
        public double totalTime(TimeUnit unit) {
          return 0;
        }

        @Override
        public double max(TimeUnit unit) {
          return 0;
        }

        @Override
        public TimeUnit baseTimeUnit() {
          return real.baseTimeUnit();
        }

        @Override
        public io.micrometer.core.instrument.distribution.HistogramSnapshot takeSnapshot() {
          return real.takeSnapshot();
        }

        @Override
        public Meter.Id getId() {
          return id;
        }
      };
    }
  }

  @Test
  void brokenMeters_neverFailReadsWritesMovesOrSweeps() {
    ManualClock clock = new ManualClock();
    try (TieredMemory store =
        TieredMemory.builder("broken")
            .clock(clock)
            .discoverObservers(false)
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(1, Duration.ofMinutes(1))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofMinutes(2))
                    .build())
            .observer(TieredMemoryMetrics.of(new BrokenRegistry()))
            .build()) {
      store.put("a", "x");
      assertThat(store.get("a")).isPresent();
      clock.advance(Duration.ofMinutes(5));
      assertThat(store.sweep().archived()).isEqualTo(1);
      assertThat(store.get("a")).isPresent();
      assertThat(store.search("x", 1)).hasSize(1);
      assertThat(store.delete("a")).isTrue();
    }
  }
}
