package io.tieredmemory.examples.biometric;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * The one-line summary printed every few seconds, read from the same meters {@code /metrics}
 * exports (so the console, Prometheus and the live view always agree):
 *
 * <pre>
 * t=15s  tiers hot=14 warm=212 cold=38 | moves promoted=31 demoted=17 archived=38 rehydrated=2
 *   evicted=0 | gets hot=301 warm=96 cold=2 miss=9 error=1 | webhooks 201=150 4xx=7 5xx=0
 * </pre>
 */
final class ProgressLine {
  private static final String PREFIX = "tiered.memory";

  private ProgressLine() {}

  static String render(MeterRegistry r, Duration elapsed) {
    return String.format(
        Locale.ROOT,
        "t=%-4s tiers hot=%s warm=%s cold=%s | moves promoted=%d demoted=%d archived=%d"
            + " rehydrated=%d evicted=%d | gets hot=%d warm=%d cold=%d miss=%d error=%d"
            + " | webhooks 201=%d 4xx=%d 5xx=%d",
        Math.round(elapsed.toMillis() / 1000.0) + "s",
        items(r, "hot"),
        items(r, "warm"),
        items(r, "cold"),
        moves(r, "warm", "hot"),
        moves(r, "hot", "warm"),
        moves(r, "warm", "cold"),
        moves(r, "cold", "warm"),
        sum(r.find(PREFIX + ".evictions").counters()),
        gets(r, "hot", "hit"),
        gets(r, "warm", "hit"),
        gets(r, "cold", "hit"),
        gets(r, "none", "miss"),
        gets(r, "none", "error"),
        webhooks(r, 200, 300),
        webhooks(r, 400, 500),
        webhooks(r, 500, 600));
  }

  private static String items(MeterRegistry r, String tier) {
    Gauge g = r.find(PREFIX + ".items").tag("tier", tier).gauge();
    double v = g == null ? Double.NaN : g.value();
    return Double.isNaN(v) ? "?" : Long.toString(Math.round(v));
  }

  private static long moves(MeterRegistry r, String from, String to) {
    return sum(r.find(PREFIX + ".movements").tag("from", from).tag("to", to).counters());
  }

  /** Requests are function counters (counted per thread, summed when read), not counters. */
  private static long gets(MeterRegistry r, String tier, String result) {
    long n = 0;
    for (FunctionCounter c :
        r.find(PREFIX + ".requests")
            .tag("operation", "get")
            .tag("tier", tier)
            .tag("result", result)
            .functionCounters()) {
      n += Math.round(c.count());
    }
    return n;
  }

  private static long webhooks(MeterRegistry r, int fromStatus, int toStatus) {
    long n = 0;
    for (Counter c : r.find(WebhookMetrics.REQUESTS).counters()) {
      int status = Integer.parseInt(c.getId().getTag("status"));
      if (status >= fromStatus && status < toStatus) {
        n += Math.round(c.count());
      }
    }
    return n;
  }

  private static long sum(Iterable<Counter> counters) {
    long n = 0;
    for (Counter c : counters) {
      n += Math.round(c.count());
    }
    return n;
  }
}
