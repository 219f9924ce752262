package io.tieredmemory.spring.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tiered-memory.*} properties of the auto-configured store. Defaults are the library's
 * ({@code TieringPolicy.defaults()}, {@code TieredMemory.Builder.DEFAULT_SWEEP_INTERVAL}).
 */
@ConfigurationProperties("tiered-memory")
public class TieredMemoryProperties {

  /**
   * Name of the store: the "store" tag of every metric. 1-64 letters, digits, '.', '_' or '-'.
   * Defaults to spring.application.name, else "default".
   */
  private @Nullable String name;

  /** How often the store sweeps in the background (demotions, archives, clean-up). */
  private Duration sweepEvery = Duration.ofMinutes(1);

  /** Reads of a WARM memory within promote-window that promote it to HOT. */
  private int promoteAfterReads = 3;

  /** The window in which promote-after-reads reads must fall. */
  private Duration promoteWindow = Duration.ofMinutes(10);

  /** A HOT memory not read for this long is demoted to WARM by the next sweep. */
  private Duration demoteWhenIdle = Duration.ofMinutes(30);

  /** How many memories HOT may hold after a sweep (least recently read demoted first). */
  private long hotCapacity = 10_000;

  /**
   * A WARM memory not read for this long is archived to COLD by the next sweep; at least
   * demote-when-idle.
   */
  private Duration archiveWhenIdle = Duration.ofDays(7);

  public @Nullable String getName() {
    return name;
  }

  public void setName(@Nullable String name) {
    this.name = name;
  }

  public Duration getSweepEvery() {
    return sweepEvery;
  }

  public void setSweepEvery(Duration sweepEvery) {
    this.sweepEvery = sweepEvery;
  }

  public int getPromoteAfterReads() {
    return promoteAfterReads;
  }

  public void setPromoteAfterReads(int promoteAfterReads) {
    this.promoteAfterReads = promoteAfterReads;
  }

  public Duration getPromoteWindow() {
    return promoteWindow;
  }

  public void setPromoteWindow(Duration promoteWindow) {
    this.promoteWindow = promoteWindow;
  }

  public Duration getDemoteWhenIdle() {
    return demoteWhenIdle;
  }

  public void setDemoteWhenIdle(Duration demoteWhenIdle) {
    this.demoteWhenIdle = demoteWhenIdle;
  }

  public long getHotCapacity() {
    return hotCapacity;
  }

  public void setHotCapacity(long hotCapacity) {
    this.hotCapacity = hotCapacity;
  }

  public Duration getArchiveWhenIdle() {
    return archiveWhenIdle;
  }

  public void setArchiveWhenIdle(Duration archiveWhenIdle) {
    this.archiveWhenIdle = archiveWhenIdle;
  }
}
