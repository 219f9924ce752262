package io.tieredmemory.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  /** Runs one random op on {@code store} through {@code recorder}. */
  private static void randomOp(
      HistoryRecorder recorder, Map<String, String> store, String process, Random random, int i) {
    String key = "k" + random.nextInt(4);
    switch (random.nextInt(4)) {
      case 0 -> {
        String value = process + "-" + i;
        HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.PUT, value);
        store.put(key, value);
        call.ok();
      }
      case 1 -> {
        HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.DELETE, null);
        call.ok(store.remove(key) != null);
      }
      default -> {
        HistoryRecorder.Invocation call = recorder.invoke(process, key, OpKind.GET, null);
        call.ok(Optional.ofNullable(store.get(key)));
      }
    }
  }

  @Test
  void history_ofThreadsOnAnAtomicMap_isLinearizable() throws Exception {
    HistoryRecorder recorder = HistoryRecorder.inMemory();
    Map<String, String> store = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String process = "t" + t;
      Random random = new Random(t);
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 500; i++) {
                  randomOp(recorder, store, process, random, i);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    History history = recorder.history();
    CheckResult result = LinearizabilityChecker.withDefaults().check(history);

    assertThat(history.ops()).hasSize(4_000).allMatch(Op::determinate);
    assertThat(result.ok()).as(result.describe(0)).isTrue();
    Set<Long> instants = new HashSet<>();
    history
        .ops()
        .forEach(
            op ->
                assertThat(instants.add(op.invokedAt()) && instants.add(op.completedAt()))
                    .isTrue());
  }

  @Test
  void history_ofStoreServingStaleReads_isCaught() {
    HistoryRecorder recorder = HistoryRecorder.inMemory();
    String cached = null; // a read cache nobody invalidates
    for (String value : List.of("a", "b")) {
      recorder.invoke("writer", "k", OpKind.PUT, value).ok();
      HistoryRecorder.Invocation get = recorder.invoke("reader", "k", OpKind.GET, null);
      cached = cached == null ? value : cached;
      get.ok(Optional.of(cached));
    }

    CheckResult result = LinearizabilityChecker.withDefaults().check(recorder.history());

    assertThat(result.verdict()).isEqualTo(CheckResult.Verdict.VIOLATION);
    assertThat(result.counterexample().ops())
        .extracting(Op::describe)
        .containsExactly("put(\"a\")", "put(\"b\")", "get() -> \"a\"");
  }

  @Test
  void history_withUncompletedAndFailedCalls_marksThemIndeterminate() {
    HistoryRecorder recorder = HistoryRecorder.inMemory();
    recorder.invoke("p0", "k", OpKind.PUT, "never answered");
    recorder.invoke("p1", "k", OpKind.DELETE, null).failed(new IllegalStateException("timeout"));

    assertThat(recorder.history().ops())
        .extracting(Op::status)
        .containsExactly(Op.Status.PENDING, Op.Status.FAILED);
  }

  @Test
  void invocation_completedTwice_isRefused() {
    HistoryRecorder.Invocation call =
        HistoryRecorder.inMemory().invoke("p0", "k", OpKind.GET, null);
    call.ok(Optional.empty());

    assertThatThrownBy(() -> call.ok(Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already completed");
  }

  @Test
  void invocation_completedAsAnotherKind_isRefused() {
    HistoryRecorder.Invocation call =
        HistoryRecorder.inMemory().invoke("p0", "k", OpKind.GET, null);

    assertThatThrownBy(() -> call.ok(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("op 1 is a get, not a delete");
  }

  @Test
  void invoke_putWithoutValue_isRefused() {
    assertThatThrownBy(() -> HistoryRecorder.inMemory().invoke("p0", "k", OpKind.PUT, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input");
  }

  @Test
  void search_recordedWithHits_andFailedSearchLeftOut() {
    HistoryRecorder recorder = HistoryRecorder.inMemory();
    recorder.invoke("p0", "k", OpKind.PUT, "v").ok();
    recorder.invokeSearch("p1", "q").ok(Map.of("k", "v"));
    recorder.invokeSearch("p1", "q").failed(new RuntimeException("down"));

    assertThat(recorder.history().searches())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.hits()).containsEntry("k", "v");
              assertThat(s.invokedAt())
                  .isGreaterThan(recorder.history().ops().get(0).completedAt());
            });
  }
}
