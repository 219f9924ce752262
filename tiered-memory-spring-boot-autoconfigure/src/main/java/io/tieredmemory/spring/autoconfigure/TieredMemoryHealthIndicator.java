package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TierView;
import io.tieredmemory.core.TieredMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The store's health, from what its own calls saw ({@link TierView#up()}), never a call to a tier:
 * {@code UP} when every tier answers, {@link #DEGRADED} when HOT or COLD does not (reads and writes
 * still work; Boot's default HTTP mapping answers 200 for it), {@code DOWN} when WARM, the system
 * of record, does not. Details: the store's name and, per tier, its kind, state and failures in a
 * row.
 */
public class TieredMemoryHealthIndicator implements HealthIndicator {
  /** HOT or COLD is failing: the store still reads and writes, through WARM. */
  public static final Status DEGRADED =
      new Status("DEGRADED", "HOT or COLD is failing; reads and writes go on through WARM");

  private final TieredMemory store;

  /** The health of {@code store}. */
  public TieredMemoryHealthIndicator(TieredMemory store) {
    this.store = store;
  }

  @Override
  public Health health() {
    Status status = Status.UP;
    Map<String, Object> tiers = new LinkedHashMap<>();
    for (Tier t : Tier.values()) {
      TierView view = store.tier(t);
      boolean up = view.up();
      if (!up) {
        status = t == Tier.WARM || status == Status.DOWN ? Status.DOWN : DEGRADED;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("kind", view.kind());
      d.put("status", up ? "UP" : "DOWN");
      d.put("failuresInRow", view.failuresInRow());
      tiers.put(t.label(), d);
    }
    return Health.status(status)
        .withDetail("name", store.name())
        .withDetail("tiers", tiers)
        .build();
  }
}
