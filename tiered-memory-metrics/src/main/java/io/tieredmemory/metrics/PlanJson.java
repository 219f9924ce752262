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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

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

  /** Keys of stores without a feed: hashed with a salt of this class's own, one per JVM. */
  static final UnaryOperator<String> OWN_SALT = saltedHash();

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 1000;

  /**
   * The {@code limit} parameter: absent means {@link #DEFAULT_LIMIT}.
   *
   * @throws IllegalArgumentException naming the parameter and the value unless it is an integer
   *     from 0 to {@link #MAX_LIMIT}
   */
  static int limit(@Nullable String param) {
    if (param == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(param.trim());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be an integer from 0 to " + MAX_LIMIT + ", was '" + printable(param) + "'");
    }
    return limit;
  }

  /** At most 40 characters of a parameter, control characters replaced, for an error message. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 40; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 40 ? out + "..." : out.toString();
  }

  /**
   * {@code {"stores":[...]}}: the plan of each store, keys labelled by its feed ({@code feedOf} may
   * return null: then hashed with {@link #OWN_SALT}). A store closed meanwhile is left out.
   */
  static String document(
      List<TieredMemory> stores, int limit, Function<String, @Nullable DecisionFeed> feedOf) {
    StringBuilder b = new StringBuilder("{\"stores\":[");
    boolean first = true;
    for (TieredMemory store : stores) {
      SweepPlan plan;
      try {
        plan = store.plan(limit);
      } catch (IllegalStateException e) {
        continue; // closed meanwhile
      }
      if (!first) {
        b.append(',');
      }
      first = false;
      DecisionFeed feed = feedOf.apply(store.name());
      b.append(write(store, plan, feed != null ? feed::keyLabel : OWN_SALT));
    }
    return b.append("]}").toString();
  }

  /** Hashes keys with a new random salt. */
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
