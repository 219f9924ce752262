package io.tieredmemory.core.policy;

import io.tieredmemory.core.internal.Durations;
import io.tieredmemory.core.internal.Validation;
import java.time.Duration;

/**
 * The rules that move memories between tiers. Each rule is a small validated record; a policy is
 * their combination plus the batch size sweeps use.
 *
 * <pre>{@code
 * TieringPolicy policy = TieringPolicy.custom()
 *     .promoteAfter(3, Duration.ofMinutes(10))
 *     .demoteWhenIdle(Duration.ofMinutes(30))
 *     .hotCapacity(10_000)
 *     .archiveWhenIdle(Duration.ofDays(7))
 *     .build();
 * }</pre>
 *
 * @param promotion WARM to HOT
 * @param demotion HOT to WARM
 * @param archive WARM to COLD
 * @param rehydration COLD to WARM
 * @param sweepBatchSize how many candidates a sweep fetches per round trip, at least 1
 * @param maxMovesPerSweep an upper bound on the moves of each kind in one sweep, at least 1
 */
public record TieringPolicy(
    PromotionRule promotion,
    DemotionRule demotion,
    ArchiveRule archive,
    RehydrationRule rehydration,
    int sweepBatchSize,
    int maxMovesPerSweep) {

  /** Validates every field. */
  public TieringPolicy {
    Validation.requireNonNull("promotion", promotion);
    Validation.requireNonNull("demotion", demotion);
    Validation.requireNonNull("archive", archive);
    Validation.requireNonNull("rehydration", rehydration);
    Validation.requireAtLeast("sweepBatchSize", sweepBatchSize, 1);
    Validation.requireAtLeast("maxMovesPerSweep", maxMovesPerSweep, 1);
    if (archive.idle().compareTo(demotion.idle()) < 0) {
      throw new IllegalArgumentException(
          "archive.idle must be >= demotion.idle, was " + archive.idle() + " < " + demotion.idle());
    }
  }

  /**
   * Defaults for agent memory: promote after 3 reads in 10 minutes, demote after 30 minutes idle or
   * above 10,000 hot memories, archive after 7 days idle, rehydrate on read; sweeps move up to
   * 10,000 memories of each kind in batches of 500.
   */
  public static TieringPolicy defaults() {
    return custom().build();
  }

  /**
   * The policy in words, for logs and status pages: {@code "promote after 3 reads in 10m | demote
   * when hot idle 30m or over 10000 | archive when warm idle 7d | rehydrate on read"}.
   */
  public String describe() {
    return (promotion.enabled()
            ? "promote after "
                + promotion.reads()
                + " reads in "
                + Durations.human(promotion.window())
            : "never promote")
        + " | demote when hot idle "
        + Durations.human(demotion.idle())
        + " or over "
        + demotion.capacity()
        + " | archive when warm idle "
        + Durations.human(archive.idle())
        + " | "
        + (!rehydration.enabled()
            ? "no rehydration"
            : rehydration.promoteToHot() ? "rehydrate on read to hot" : "rehydrate on read");
  }

  /** A builder starting from the defaults. */
  public static Builder custom() {
    return new Builder();
  }

  /** A builder starting from {@code base}. */
  public static Builder from(TieringPolicy base) {
    Builder b = new Builder();
    b.promotion = base.promotion;
    b.demotion = base.demotion;
    b.archive = base.archive;
    b.rehydration = base.rehydration;
    b.sweepBatchSize = base.sweepBatchSize;
    b.maxMovesPerSweep = base.maxMovesPerSweep;
    return b;
  }

  /** Builds a {@link TieringPolicy}; every setter validates its argument at once. */
  public static final class Builder {
    private PromotionRule promotion = PromotionRule.defaults();
    private DemotionRule demotion = DemotionRule.defaults();
    private ArchiveRule archive = ArchiveRule.defaults();
    private RehydrationRule rehydration = RehydrationRule.defaults();
    private int sweepBatchSize = 500;
    private int maxMovesPerSweep = 10_000;

    private Builder() {}

    /** Promote WARM to HOT after {@code reads} reads within {@code window}. */
    public Builder promoteAfter(int reads, Duration window) {
      this.promotion = new PromotionRule(reads, window);
      return this;
    }

    /** Never promote WARM to HOT on reads (HOT then holds only what puts write). */
    public Builder neverPromote() {
      this.promotion = PromotionRule.never();
      return this;
    }

    /** Demote HOT to WARM after {@code idle} without a read. */
    public Builder demoteWhenIdle(Duration idle) {
      this.demotion = new DemotionRule(idle, demotion.capacity());
      return this;
    }

    /** Demote least recently read memories while HOT holds more than {@code capacity}. */
    public Builder hotCapacity(long capacity) {
      this.demotion = new DemotionRule(demotion.idle(), capacity);
      return this;
    }

    /** Archive WARM to COLD after {@code idle} without a read. */
    public Builder archiveWhenIdle(Duration idle) {
      this.archive = new ArchiveRule(idle);
      return this;
    }

    /** Whether cold reads move memories back to WARM, and also to HOT. */
    public Builder rehydrate(boolean enabled, boolean promoteToHot) {
      this.rehydration = new RehydrationRule(enabled, promoteToHot);
      return this;
    }

    /** Candidates fetched per round trip during a sweep. */
    public Builder sweepBatchSize(int size) {
      this.sweepBatchSize = Validation.requireAtLeast("sweepBatchSize", size, 1);
      return this;
    }

    /** An upper bound on the moves of each kind in one sweep. */
    public Builder maxMovesPerSweep(int max) {
      this.maxMovesPerSweep = Validation.requireAtLeast("maxMovesPerSweep", max, 1);
      return this;
    }

    /** Builds the policy; checks the rules against each other. */
    public TieringPolicy build() {
      return new TieringPolicy(
          promotion, demotion, archive, rehydration, sweepBatchSize, maxMovesPerSweep);
    }
  }
}
