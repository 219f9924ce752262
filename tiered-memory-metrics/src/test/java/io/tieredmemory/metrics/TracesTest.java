package io.tieredmemory.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.TieredMemoryException;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.testkit.FaultyTierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's observations as OpenTelemetry spans, through Micrometer Tracing's OpenTelemetry
 * bridge and the OpenTelemetry SDK: names, GenAI memory attributes, tier, result, moves, parents,
 * errors, and record ids only on opt-in.
 */
class TracesTest {
  private static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> STORE_ID =
      AttributeKey.stringKey("gen_ai.memory.store.id");
  private static final AttributeKey<String> RECORD_ID =
      AttributeKey.stringKey("gen_ai.memory.record.id");
  private static final AttributeKey<String> RECORD_COUNT =
      AttributeKey.stringKey("gen_ai.memory.record.count");
  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("tiered_memory.operation");
  private static final AttributeKey<String> TIER = AttributeKey.stringKey("tiered_memory.tier");
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("tiered_memory.result");
  private static final AttributeKey<String> FROM =
      AttributeKey.stringKey("tiered_memory.move.from");
  private static final AttributeKey<String> TO = AttributeKey.stringKey("tiered_memory.move.to");
  private static final AttributeKey<String> REASON =
      AttributeKey.stringKey("tiered_memory.move.reason");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .setSampler(Sampler.alwaysOn())
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .build();
  private final Tracer tracer = tracer(provider);
  private final ObservationRegistry registry = ObservationRegistry.create();
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private TieredMemory store;

  TracesTest() {
    registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
  }

  private static Tracer tracer(SdkTracerProvider provider) {
    OtelCurrentTraceContext context = new OtelCurrentTraceContext();
    return new OtelTracer(
        provider.get("tiered-memory-test"),
        context,
        event -> {},
        new OtelBaggageManager(context, List.of(), List.of()));
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
    provider.close();
  }

  /**
   * Promotes on the 2nd WARM read in 10 min, demotes after 1 min idle, sweeps only when told; the
   * moves reads cause are made on the reading thread (WARM here says it is remote, which would put
   * them on the store's own threads: see {@link #aPromotionMadeInTheBackground_isATraceOfItsOwn}).
   */
  private TieredMemory store(TieredMemoryObservations observations) {
    return store(observations, ReadMoves.CALLER);
  }

  private TieredMemory store(TieredMemoryObservations observations, ReadMoves readMoves) {
    store =
        TieredMemory.builder("agent")
            .readMoves(readMoves)
            .clock(clock)
            .hot(InProcessTiers.hot())
            .warm(warm)
            .cold(InProcessTiers.cold(Embedder.hashing()))
            .policy(
                TieringPolicy.custom()
                    .promoteAfter(2, Duration.ofMinutes(10))
                    .demoteWhenIdle(Duration.ofMinutes(1))
                    .archiveWhenIdle(Duration.ofDays(30))
                    .build())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .observer(observations)
            .build();
    return store;
  }

  /** Runs {@code call} inside a span of the test's own, returned. */
  private <T> Span inCallerSpan(Supplier<T> call) {
    Span caller = tracer.nextSpan().name("caller").start();
    try (Tracer.SpanInScope ignored = tracer.withSpan(caller)) {
      call.get();
    } finally {
      caller.end();
    }
    return caller;
  }

  private List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  private SpanData span(String name) {
    List<SpanData> named = spans().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named '%s' in %s", name, spans()).hasSize(1);
    return named.get(0);
  }

  private static void assertChildOf(SpanData child, Span parent) {
    assertThat(child.getTraceId()).isEqualTo(parent.context().traceId());
    assertThat(child.getParentSpanId()).isEqualTo(parent.context().spanId());
  }

  @Test
  void requests_areSpans_afterTheGenAiMemoryConventions_childrenOfTheCallersSpan() {
    TieredMemory s = store(TieredMemoryObservations.of(registry));
    Span caller =
        inCallerSpan(
            () -> {
              s.put("k", "the first text");
              clock.advance(Duration.ofSeconds(1));
              s.put("k", "the second text");
              s.get("k");
              s.get("missing");
              s.search("second text", 5);
              return s.delete("k");
            });

    List<SpanData> mine = spans().stream().filter(x -> !x.getName().equals("caller")).toList();
    assertThat(mine)
        .extracting(SpanData::getName)
        .containsExactly(
            "create_memory agent",
            "update_memory agent",
            "search_memory agent",
            "search_memory agent",
            "search_memory agent",
            "delete_memory agent");
    assertThat(mine)
        .allSatisfy(
            x -> {
              assertChildOf(x, caller);
              assertThat(x.getAttributes().get(STORE_ID)).isEqualTo("agent");
              assertThat(x.getAttributes().get(RECORD_ID)).as("record ids are opt-in").isNull();
              assertThat(x.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
            });
    SpanData create = mine.get(0);
    assertThat(create.getAttributes().get(OPERATION_NAME)).isEqualTo("create_memory");
    assertThat(create.getAttributes().get(OPERATION)).isEqualTo("put");
    assertThat(create.getAttributes().get(TIER)).isEqualTo("warm");
    assertThat(create.getAttributes().get(RESULT)).isEqualTo("success");
    assertThat(mine.get(1).getAttributes().get(OPERATION_NAME)).isEqualTo("update_memory");
    SpanData hit = mine.get(2);
    assertThat(hit.getAttributes().get(OPERATION_NAME)).isEqualTo("search_memory");
    assertThat(hit.getAttributes().get(OPERATION)).isEqualTo("get");
    assertThat(hit.getAttributes().get(TIER)).isEqualTo("hot");
    assertThat(hit.getAttributes().get(RESULT)).isEqualTo("hit");
    SpanData miss = mine.get(3);
    assertThat(miss.getAttributes().get(TIER)).isEqualTo("none");
    assertThat(miss.getAttributes().get(RESULT)).isEqualTo("miss");
    SpanData search = mine.get(4);
    assertThat(search.getAttributes().get(OPERATION)).isEqualTo("search");
    assertThat(search.getAttributes().get(RESULT)).isEqualTo("hit");
    assertThat(search.getAttributes().get(TIER)).isEqualTo("warm");
    assertThat(search.getAttributes().get(RECORD_COUNT)).isEqualTo("1");
    SpanData delete = mine.get(5);
    assertThat(delete.getAttributes().get(OPERATION_NAME)).isEqualTo("delete_memory");
    assertThat(delete.getAttributes().get(RESULT)).isEqualTo("success");
    for (SpanData x : mine) {
      assertThat(x.getStartEpochNanos()).isLessThanOrEqualTo(x.getEndEpochNanos());
      assertThat(x.getStartEpochNanos())
          .isGreaterThanOrEqualTo(span("caller").getStartEpochNanos());
      assertThat(x.getEndEpochNanos()).isLessThanOrEqualTo(span("caller").getEndEpochNanos());
    }
  }

  @Test
  void aSweepDemotion_isAMoveSpanUnderTheSweep_andAPromotionASiblingOfTheReadThatCausedIt() {
    TieredMemory s = store(TieredMemoryObservations.of(registry));
    s.put("k", "some text");
    clock.advance(Duration.ofMinutes(2));
    Span sweeping = inCallerSpan(s::sweep);
    SpanData sweep = span("sweep agent");
    assertChildOf(sweep, sweeping);
    assertThat(sweep.getAttributes().get(RESULT)).isEqualTo("success");
    SpanData demote = span("demote agent");
    assertThat(demote.getParentSpanId()).isEqualTo(sweep.getSpanId());
    assertThat(demote.getAttributes().get(FROM)).isEqualTo("hot");
    assertThat(demote.getAttributes().get(TO)).isEqualTo("warm");
    assertThat(demote.getAttributes().get(REASON)).isEqualTo("hot_idle");
    assertThat(demote.getAttributes().get(RESULT)).isEqualTo("success");
    assertThat(demote.getAttributes().get(RECORD_COUNT)).isEqualTo("1");
    assertThat(demote.getAttributes().get(RECORD_ID)).isNull();
    assertThat(demote.getAttributes().get(OPERATION_NAME)).isNull();

    exporter.reset();
    Span reading =
        inCallerSpan(
            () -> {
              s.get("k");
              return s.get("k"); // the 2nd WARM read in the window promotes
            });
    List<SpanData> gets =
        spans().stream().filter(x -> x.getName().equals("search_memory agent")).toList();
    assertThat(gets).hasSize(2).allSatisfy(g -> assertChildOf(g, reading));
    assertThat(gets).allSatisfy(g -> assertThat(g.getAttributes().get(TIER)).isEqualTo("warm"));
    SpanData promote = span("promote agent");
    assertChildOf(promote, reading);
    assertThat(promote.getAttributes().get(FROM)).isEqualTo("warm");
    assertThat(promote.getAttributes().get(TO)).isEqualTo("hot");
    assertThat(promote.getAttributes().get(REASON)).isEqualTo("read_frequency");
    assertThat(promote.getStartEpochNanos()).isGreaterThanOrEqualTo(gets.get(1).getEndEpochNanos());
    assertThat(s.get("k")).isPresent();
  }

  @Test
  void aPromotionMadeInTheBackground_isATraceOfItsOwn() throws InterruptedException {
    TieredMemory s = store(TieredMemoryObservations.of(registry), ReadMoves.BACKGROUND);
    s.put("k", "some text");
    clock.advance(Duration.ofMinutes(2));
    s.sweep(); // demoted: WARM only
    exporter.reset();
    Span reading =
        inCallerSpan(
            () -> {
              s.get("k");
              return s.get("k"); // due: promoted after get returned, on the store's thread
            });
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (spans().stream().noneMatch(x -> x.getName().equals("promote agent"))
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    SpanData promote = span("promote agent");
    assertThat(promote.getParentSpanContext().isValid()).as("a root span").isFalse();
    assertThat(promote.getTraceId()).isNotEqualTo(reading.context().traceId());
    assertThat(promote.getAttributes().get(REASON)).isEqualTo("read_frequency");
    assertThat(promote.getAttributes().get(RESULT)).isEqualTo("success");
  }

  @Test
  void recordIds_areOnSpans_onlyWhenOptedIn() {
    TieredMemory s = store(TieredMemoryObservations.builder(registry).recordIds(true).build());
    s.put("user-42/likes", "tea");
    s.get("user-42/likes");
    clock.advance(Duration.ofMinutes(2));
    s.sweep();
    assertThat(span("create_memory agent").getAttributes().get(RECORD_ID))
        .isEqualTo("user-42/likes");
    assertThat(span("search_memory agent").getAttributes().get(RECORD_ID))
        .isEqualTo("user-42/likes");
    assertThat(span("demote agent").getAttributes().get(RECORD_ID)).isEqualTo("user-42/likes");
    assertThat(span("sweep agent").getAttributes().get(RECORD_ID)).isNull();
  }

  @Test
  void aTierThatThrows_endsTheSpanWithAnError_andTheCallerStillGetsTheException() {
    TieredMemory s = store(TieredMemoryObservations.of(registry));
    s.put("k", "v");
    s.sweep(); // no demotion yet: HOT still holds k
    exporter.reset();
    warm.failing().set(true);
    Span caller =
        inCallerSpan(
            () -> {
              assertThatThrownBy(() -> s.get("cold-key")).isInstanceOf(TieredMemoryException.class);
              assertThatThrownBy(() -> s.put("k", "w")).isInstanceOf(TieredMemoryException.class);
              return null;
            });
    warm.failing().set(false);
    List<SpanData> failed = spans().stream().filter(x -> !x.getName().equals("caller")).toList();
    assertThat(failed)
        .extracting(SpanData::getName)
        .containsExactly("search_memory agent", "upsert_memory agent");
    assertThat(failed)
        .allSatisfy(
            x -> {
              assertChildOf(x, caller);
              assertThat(x.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(x.getAttributes().get(RESULT)).isEqualTo("error");
              assertThat(x.getAttributes().get(TIER)).isEqualTo("none");
              assertThat(x.getAttributes().get(ERROR_TYPE))
                  .isEqualTo(TieredMemoryException.class.getName());
              assertThat(x.getEvents()).anyMatch(e -> e.getName().equals("exception"));
            });
  }

  @Test
  void anErrorThrownByATier_stillEndsTheSpan_once() {
    TieredMemory s = store(TieredMemoryObservations.of(registry));
    warm.before(
        "locate",
        () -> {
          throw new AssertionError("a tier's bug");
        });
    assertThatThrownBy(() -> s.get("k")).isInstanceOf(AssertionError.class);
    warm.before("locate", null);
    SpanData get = span("search_memory agent");
    assertThat(get.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(get.getAttributes().get(ERROR_TYPE)).isEqualTo(AssertionError.class.getName());
    assertThat(get.getAttributes().get(RESULT)).isEqualTo("error");
    assertThat(tracer.currentSpan()).as("no scope left open on this thread").isNull();
  }
}
