package io.tieredmemory.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.internal.Validation;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The live view's parts, to serve it from a web framework instead of {@link TieredMemoryEndpoint}
 * (the Spring Boot starter does): the page, its stats document and, for its event stream, the
 * {@link DecisionFeed.Entry entries} of a feed.
 *
 * <p>The page fetches <em>relative</em> URLs: serve it at {@code <base>/} (with the trailing
 * slash), the stats document at {@code <base>/stats} and the decisions as Server-Sent Events at
 * {@code <base>/events}, one event per entry: {@code id} any increasing id, {@code event} the
 * entry's {@link DecisionFeed.Entry#kind() kind}, {@code data} its {@link DecisionFeed.Entry#json()
 * json}. The decisions of several stores may share one stream: each entry names its store.
 */
public final class LiveView {
  private static final byte[] PAGE = load();

  private LiveView() {}

  private static byte[] load() {
    try (InputStream in = LiveView.class.getResourceAsStream("live/index.html")) {
      if (in == null) {
        throw new IllegalStateException("the live view is missing from the jar (live/index.html)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("could not read the live view from the jar", e);
    }
  }

  /** The page (UTF-8 HTML), a new copy on each call. */
  public static byte[] page() {
    return PAGE.clone();
  }

  /**
   * The stats document of {@code stores} ({@code /memory/stats} of {@link TieredMemoryEndpoint}),
   * as JSON: per store, what each tier holds, requests, movements and policy, read from the store's
   * meters in {@code registry} (so the stores must be bound to it, e.g. with {@link
   * TieredMemoryMetrics#of(MeterRegistry)}; counts of a store that is not read as -1 or absent).
   *
   * @param names the meter names the stores were bound with
   * @param eventsDropped decisions dropped by slow subscribers, reported as {@code eventsDropped}
   */
  public static String statsJson(
      MeterRegistry registry, MetricNames names, List<TieredMemory> stores, long eventsDropped) {
    Validation.requireNonNull("registry", registry);
    Validation.requireNonNull("names", names);
    Validation.requireNonNull("stores", stores);
    return StatsJson.write(registry, names, stores, eventsDropped);
  }

  /**
   * The plan document of {@code stores} ({@code /memory/plan} of {@link TieredMemoryEndpoint}), as
   * JSON: per store, what its next sweep would move now and why ({@link TieredMemory#plan(int)}),
   * the first {@code limit} moves listed, all counted, with a {@code summary} in words ({@code
   * "archive 120 (idle > 7d), demote 14 (idle > 30m)"}), which the live view shows. Keys are
   * labelled as each store's decision feed labels them ({@link DecisionFeed#keyLabel}); a store
   * without a feed gets them hashed with a salt of this JVM's own. Calls each store's {@code plan}:
   * costs about a sweep's candidate reads.
   *
   * @param limit the request's {@code limit} parameter as given, null for the default (20)
   * @param feedOf the feed of a store, by store name, or null
   * @throws IllegalArgumentException if {@code limit} is not an integer from 0 to 1000 (the message
   *     names the parameter and the value; answer it with 400)
   */
  public static String planJson(
      List<TieredMemory> stores,
      @Nullable String limit,
      Function<String, @Nullable DecisionFeed> feedOf) {
    Validation.requireNonNull("stores", stores);
    Validation.requireNonNull("feedOf", feedOf);
    return PlanJson.document(stores, PlanJson.limit(limit), feedOf);
  }

  /**
   * JSON: where the memory {@code key} lives now and how it got there ({@link
   * TieredMemory#history(String)}), from the first of {@code stores} (or the store named {@code
   * store}) that knows it, as {@code /memory/history} answers it; its key labelled as the store's
   * decision feed labels keys ({@link DecisionFeed#keyLabel}). Serve it only behind credentials, or
   * with a feed that hashes keys.
   *
   * @param key the request's {@code key} parameter as given, or null
   * @param store the request's {@code store} parameter as given, or null for every store
   * @param feedOf the feed of a store, by store name, or null
   * @return the HTTP status to answer (200, or 400, 404, 501, 503) and the body: the JSON for 200,
   *     otherwise a line of text saying why
   */
  public static Map.Entry<Integer, String> historyJson(
      List<TieredMemory> stores,
      @Nullable String key,
      @Nullable String store,
      Function<String, @Nullable DecisionFeed> feedOf) {
    Validation.requireNonNull("stores", stores);
    Validation.requireNonNull("feedOf", feedOf);
    HistoryJson.Answer a = HistoryJson.answer(stores, key, store, feedOf);
    return Map.entry(a.status(), a.body());
  }
}
