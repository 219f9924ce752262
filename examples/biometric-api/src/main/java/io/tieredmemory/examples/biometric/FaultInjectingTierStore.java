package io.tieredmemory.examples.biometric;

import io.tieredmemory.core.spi.ForwardingTierStore;
import io.tieredmemory.core.spi.HistoryLog;
import io.tieredmemory.core.spi.TierStore;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A tier that fails a fraction of its single-key reads before they reach the backend, so that the
 * demo shows what a backend failure looks like everywhere it surfaces: a 503 from {@code GET
 * /memories/{key}}, {@code tiered_memory_requests_total{result="error"}}, a red {@code
 * backend_failed} entry in the live view. Nothing is written or lost: a failed read never touched
 * the backend, and every other call goes straight through.
 *
 * <pre>{@code
 * TierStore warm = FaultInjectingTierStore.wrap(InProcessTiers.warm(embedder), 0.005);
 * }</pre>
 */
final class FaultInjectingTierStore extends ForwardingTierStore {
  private final Faults faults;

  private FaultInjectingTierStore(TierStore delegate, Faults faults) {
    super(delegate);
    this.faults = faults;
  }

  /**
   * {@code delegate} failing {@code rate} of its reads (0 returns it unchanged). Every other call,
   * batches, searches, the directory's other calls and the journal included, goes straight through.
   */
  static TierStore wrap(TierStore delegate, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be between 0 and 1, was " + rate);
    }
    if (rate == 0) {
      return delegate;
    }
    return new FaultInjectingTierStore(delegate, new Faults(rate));
  }

  /** Faults injected so far by a tier {@link #wrap} returned (0 for an unwrapped one). */
  static long injected(TierStore tier) {
    if (tier instanceof FaultInjectingTierStore f) {
      return f.faults.injected.sum();
    }
    return 0;
  }

  @Override
  protected <T> T forward(String method, Supplier<T> call) {
    faults.maybeFail(method);
    return call.get();
  }

  /**
   * The history straight from the tier: it fails memory reads, and the history log's {@code read}
   * (a memory's timeline, {@code GET /memory/history}) is not one.
   */
  @Override
  public Optional<HistoryLog> history() {
    return delegate().history();
  }

  @Override
  public String toString() {
    return delegate() + " (failing " + faults.rate + " of reads)";
  }

  /** The rate and the count of one wrapped tier. */
  private static final class Faults {
    final double rate;
    final LongAdder injected = new LongAdder();

    Faults(double rate) {
      this.rate = rate;
    }

    /** Fails single-key reads: {@code read}, and the directory's {@code locate} (WARM's). */
    void maybeFail(String method) {
      if ((method.equals("read") || method.equals("locate"))
          && ThreadLocalRandom.current().nextDouble() < rate) {
        injected.increment();
        throw new InjectedFaultException(
            "read failed on purpose (the demo injects faults; --fault-rate 0 turns them off)");
      }
    }
  }

  /** The exception of an injected fault; its name says where it comes from. */
  static final class InjectedFaultException extends RuntimeException {
    InjectedFaultException(String message) {
      super(message, null, false, false);
    }
  }
}
