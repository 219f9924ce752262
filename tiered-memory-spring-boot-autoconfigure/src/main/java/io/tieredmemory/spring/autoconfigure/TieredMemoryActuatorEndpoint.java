package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.core.PlannedMove;
import io.tieredmemory.core.StoreStats;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TierStats;
import io.tieredmemory.core.TierView;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.metrics.DecisionFeed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code tieredmemory} Actuator endpoint: per store (every {@link TieredMemory} bean, by {@link
 * TieredMemory#name()}), what each tier holds, whether it answers, the policy and the latest
 * decisions of its {@link DecisionFeed} (keys hashed unless {@code
 * tiered-memory.decisions.reveal-keys=true}), what its next sweep would move ({@code plan}) and the
 * history entries it could not queue ({@code historyDropped}, {@code
 * tiered-memory.history.enabled}). {@code /actuator/tieredmemory} lists every store, {@code
 * /actuator/tieredmemory/{name}} one (404 if there is none of that name).
 */
@Endpoint(id = "tieredmemory")
public class TieredMemoryActuatorEndpoint {
  /** How many recent decisions each store shows, newest first. */
  static final int RECENT_DECISIONS = 50;

  /** How many of the next sweep's moves each store lists. */
  static final int PLANNED_MOVES = 20;

  private final ObjectProvider<TieredMemory> stores;
  private final ObjectProvider<TieredMemoryDecisionFeeds> feeds;

  /** The endpoint over every store of {@code stores}, with their decisions from {@code feeds}. */
  public TieredMemoryActuatorEndpoint(
      ObjectProvider<TieredMemory> stores, ObjectProvider<TieredMemoryDecisionFeeds> feeds) {
    this.stores = stores;
    this.feeds = feeds;
  }

  /** Every store, by name. */
  @ReadOperation
  public Map<String, Object> stores() {
    Map<String, Object> byName = new LinkedHashMap<>();
    stores.orderedStream().forEach(s -> byName.put(s.name(), describe(s)));
    return Map.of("stores", byName);
  }

  /** The store named {@code name}, or null (404). */
  @ReadOperation
  public @Nullable Map<String, Object> store(@Selector String name) {
    return stores
        .orderedStream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .map(this::describe)
        .orElse(null);
  }

  private Map<String, Object> describe(TieredMemory store) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", store.name());
    StoreStats stats = null;
    String statsError = null;
    try {
      stats = store.stats();
    } catch (RuntimeException e) {
      statsError = e.getClass().getName();
    }
    Map<String, Object> tiers = new LinkedHashMap<>();
    for (Tier t : Tier.values()) {
      TierView view = store.tier(t);
      Map<String, Object> tier = new LinkedHashMap<>();
      tier.put("kind", view.kind());
      tier.put("remote", view.remote());
      tier.put("searchable", view.searchable());
      tier.put("up", view.up());
      tier.put("failuresInRow", view.failuresInRow());
      if (stats != null) {
        TierStats ts = stats.tier(t);
        tier.put("items", ts.items());
        tier.put("bytes", ts.bytes());
      }
      tiers.put(t.label(), tier);
    }
    d.put("tiers", tiers);
    if (stats != null) {
      d.put("statsAt", stats.at().toString());
    } else {
      d.put("statsError", statsError);
    }
    d.put("policy", policy(store.policy()));
    d.put("decisions", decisions(store.name()));
    d.put("plan", plan(store));
    // History entries this instance could not queue for WARM (0 when history is off).
    d.put("historyDropped", store.historyDropped());
    return d;
  }

  /**
   * What the store's next sweep would move ({@link TieredMemory#plan(int)}): totals by reason, and
   * the first {@link #PLANNED_MOVES} moves with keys labelled as its decision feed labels them
   * (listed only when the store has a feed, so keys are never shown unhashed by accident).
   */
  private Map<String, Object> plan(TieredMemory store) {
    Map<String, Object> m = new LinkedHashMap<>();
    SweepPlan plan;
    try {
      plan = store.plan(PLANNED_MOVES);
    } catch (RuntimeException e) {
      m.put("error", e.getClass().getName());
      return m;
    }
    m.put("computedAt", plan.computedAt().toString());
    m.put("complete", plan.complete());
    m.put("totalMoves", plan.totalMoves());
    Map<String, Object> totals = new LinkedHashMap<>();
    plan.totals().forEach((reason, n) -> totals.put(reason.label(), n));
    m.put("totals", totals);
    m.put("keptInHot", plan.keptInHot());
    m.put("coldCopiesToReconcile", plan.coldCopiesToReconcile());
    m.put("budgetReached", plan.budgetReached().stream().map(MoveReason::label).toList());
    m.put("skippedSteps", plan.skippedSteps());
    TieredMemoryDecisionFeeds all = feeds.getIfAvailable();
    DecisionFeed feed = all == null ? null : all.feed(store.name()).orElse(null);
    if (feed != null) {
      List<Map<String, Object>> moves = new ArrayList<>();
      for (PlannedMove p : plan.moves()) {
        Map<String, Object> mv = new LinkedHashMap<>();
        mv.put("key", feed.keyLabel(p.key()));
        mv.put("version", p.version());
        mv.put("from", p.from().label());
        mv.put("to", p.to().label());
        mv.put("reason", p.reason().label());
        mv.put("detail", p.detail());
        moves.add(mv);
      }
      m.put("moves", moves);
    }
    return m;
  }

  static Map<String, Object> policy(TieringPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("description", p.describe());
    m.put("promoteAfterReads", p.promotion().enabled() ? p.promotion().reads() : null);
    m.put("promoteWindow", p.promotion().window().toString());
    m.put("demoteWhenIdle", p.demotion().idle().toString());
    m.put("hotCapacity", p.demotion().capacity());
    m.put("archiveWhenIdle", p.archive().idle().toString());
    m.put("rehydrate", p.rehydration().enabled());
    m.put("rehydrateToHot", p.rehydration().promoteToHot());
    m.put("sweepBatchSize", p.sweepBatchSize());
    m.put("maxMovesPerSweep", p.maxMovesPerSweep());
    return m;
  }

  private Map<String, Object> decisions(String store) {
    Map<String, Object> m = new LinkedHashMap<>();
    TieredMemoryDecisionFeeds all = feeds.getIfAvailable();
    DecisionFeed feed = all == null ? null : all.feed(store).orElse(null);
    m.put("enabled", feed != null);
    if (feed == null) {
      return m;
    }
    m.put("dropped", feed.dropped());
    List<Map<String, @Nullable Object>> recent = new ArrayList<>();
    for (DecisionFeed.Entry e : feed.recent(RECENT_DECISIONS)) {
      recent.add(e.fields());
    }
    Collections.reverse(recent);
    m.put("recent", recent);
    return m;
  }
}
