package io.tieredmemory.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tiered-memory.decisions.*} properties: the decision feed attached to each store, the
 * source of the {@code tieredmemory} Actuator endpoint's recent decisions and of the live view's
 * event stream.
 */
@ConfigurationProperties("tiered-memory.decisions")
public class TieredMemoryDecisionsProperties {

  /** Whether to attach a decision feed to each auto-configured store. */
  private boolean enabled = true;

  /**
   * Recent decisions remembered per store: replayed to a new live-view client and shown by the
   * tieredmemory endpoint. At least 1.
   */
  private int history = 100;

  /**
   * Show keys as they are in decisions instead of hashed ("k:" and 12 hex digits). Keys may be
   * personal data: reveal them only to those who may see them.
   */
  private boolean revealKeys;

  /** Include every put in the decisions (by default only movements, deletes, failures, sweeps). */
  private boolean includePuts;

  /**
   * Include what each search and adapter read returned to the agent ("recalled" decisions). Turn
   * off, or raise the history, when searches far outnumber movements.
   */
  private boolean includeRecalls = true;

  /**
   * Write each store's decisions to its WARM tier's event log and show what the log holds, when the
   * tier keeps one (PostgreSQL, in-process): a reconnecting live view misses nothing, and every
   * instance sharing the tiers shows every instance's decisions in one order.
   */
  private boolean durable = true;

  /** Decisions a durable feed keeps in the log (the newest); at least 1. */
  private int retain = 10_000;

  public boolean isDurable() {
    return durable;
  }

  public void setDurable(boolean durable) {
    this.durable = durable;
  }

  public int getRetain() {
    return retain;
  }

  public void setRetain(int retain) {
    if (retain < 1) {
      throw new IllegalArgumentException(
          "tiered-memory.decisions.retain must be at least 1, was " + retain);
    }
    this.retain = retain;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getHistory() {
    return history;
  }

  public void setHistory(int history) {
    if (history < 1) {
      throw new IllegalArgumentException("history must be >= 1, was " + history);
    }
    this.history = history;
  }

  public boolean isRevealKeys() {
    return revealKeys;
  }

  public void setRevealKeys(boolean revealKeys) {
    this.revealKeys = revealKeys;
  }

  public boolean isIncludePuts() {
    return includePuts;
  }

  public void setIncludePuts(boolean includePuts) {
    this.includePuts = includePuts;
  }

  public boolean isIncludeRecalls() {
    return includeRecalls;
  }

  public void setIncludeRecalls(boolean includeRecalls) {
    this.includeRecalls = includeRecalls;
  }
}
