package io.tieredmemory.metrics;

import io.tieredmemory.core.PlannedMove;
import io.tieredmemory.core.SweepPlan;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.internal.Durations;
import io.tieredmemory.core.policy.MoveReason;
import io.tieredmemory.core.policy.TieringPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A store's {@link SweepPlan} as JSON, for {@code /memory/plan} and the live view: keys hashed as
 * the decision feed hashes them (or as they are when its {@code revealKeys} is set), never content.
 *
 * <pre>{@code
 * {"store":"agent","computedAt":"2024-05-01T12:00:00Z","limit":20,"complete":true,
 *  "truncated":false,"totalMoves":2,"totals":{"hot_idle":1,"warm_idle":1},"keptInHot":0,
 *  "coldCopiesToReconcile":0,"budgetReached":[],"skippedSteps":[],
 *  "summary":"demote 1 (idle > 30m), archive 1 (idle > 7d)",
 *  "moves":[{"key":"k:1f2e3d4c5b6a","version":1714564800000000,"from":"hot","to":"warm",
 *            "reason":"hot_idle","detail":"idle 31m"}, ...]}
 * }</pre>
 */
final class PlanJson {
  private PlanJson() {}

  /** Hashes keys with a salt of its own: for an endpoint without a feed to share a salt with. */
  static UnaryOperator<String> saltedHash() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return key -> {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(salt);
        byte[] digest = sha.digest(key.getBytes(StandardCharsets.UTF_8));
        return "k:" + HexFormat.of().formatHex(digest, 0, 6);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JVM", e);
      }
    };
  }

  static String write(TieredMemory store, SweepPlan plan, UnaryOperator<String> keyLabel) {
    StringBuilder b = new StringBuilder(256 + plan.moves().size() * 128);
    b.append('{');
    Json.field(b, "store", store.name()).append(',');
    Json.field(b, "computedAt", plan.computedAt().toString()).append(',');
    Json.field(b, "limit", plan.limit()).append(',');
    b.append("\"complete\":").append(plan.complete()).append(',');
    b.append("\"truncated\":").append(plan.truncated()).append(',');
    Json.field(b, "totalMoves", plan.totalMoves()).append(',');
    b.append("\"totals\":{");
    boolean first = true;
    for (Map.Entry<MoveReason, Integer> e : plan.totals().entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      Json.field(b, e.getKey().label(), e.getValue());
    }
    b.append("},");
    Json.field(b, "keptInHot", plan.keptInHot()).append(',');
    Json.field(b, "coldCopiesToReconcile", plan.coldCopiesToReconcile()).append(',');
    b.append("\"budgetReached\":[");
    first = true;
    for (MoveReason r : plan.budgetReached()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      Json.string(b, r.label());
    }
    b.append("],\"skippedSteps\":[");
    first = true;
    for (String s : plan.skippedSteps()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      Json.string(b, s);
    }
    b.append("],");
    Json.field(b, "summary", summary(store.policy(), plan)).append(',');
    b.append("\"moves\":[");
    first = true;
    for (PlannedMove m : plan.moves()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append('{');
      Json.field(b, "key", keyLabel.apply(m.key())).append(',');
      Json.field(b, "version", m.version()).append(',');
      Json.field(b, "from", m.from().label()).append(',');
      Json.field(b, "to", m.to().label()).append(',');
      Json.field(b, "reason", m.reason().label()).append(',');
      Json.field(b, "detail", m.detail());
      b.append('}');
    }
    return b.append("]}").toString();
  }

  /**
   * The plan in one line: {@code "archive 120 (idle > 7d), demote 14 (idle > 30m), demote 3 (over
   * capacity 10000)"}, or {@code "nothing to move"}.
   */
  static String summary(TieringPolicy policy, SweepPlan plan) {
    StringBuilder s = new StringBuilder();
    part(
        s,
        plan.total(MoveReason.WARM_IDLE),
        "archive",
        "idle > " + Durations.human(policy.archive().idle()),
        plan.budgetReached().contains(MoveReason.WARM_IDLE));
    part(
        s,
        plan.total(MoveReason.HOT_IDLE),
        "demote",
        "idle > " + Durations.human(policy.demotion().idle()),
        plan.budgetReached().contains(MoveReason.HOT_IDLE));
    part(
        s,
        plan.total(MoveReason.HOT_CAPACITY),
        "demote",
        "over capacity " + policy.demotion().capacity(),
        plan.budgetReached().contains(MoveReason.HOT_CAPACITY));
    part(s, plan.total(MoveReason.STALE_COPY), "drop", "stale hot copies", false);
    if (s.length() == 0) {
      s.append("nothing to move");
    }
    if (!plan.skippedSteps().isEmpty()) {
      s.append(" (skipped: ").append(String.join(", ", plan.skippedSteps())).append(')');
    }
    return s.toString();
  }

  private static void part(StringBuilder s, int n, String verb, String why, boolean more) {
    if (n == 0) {
      return;
    }
    if (s.length() > 0) {
      s.append(", ");
    }
    s.append(verb).append(' ').append(n).append(more ? "+" : "").append(" (").append(why);
    s.append(')');
  }
}
