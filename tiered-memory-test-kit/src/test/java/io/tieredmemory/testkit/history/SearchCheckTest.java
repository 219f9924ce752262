package io.tieredmemory.testkit.history;

import static io.tieredmemory.testkit.history.Histories.history;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Searches may lag, but never return what was certainly gone before they began. */
class SearchCheckTest {
  private static SearchCheck.Result search(Histories ops, long start, long end, String value) {
    SearchOp search = new SearchOp(100, "s", "query", Map.of("k", value), start, end);
    return SearchCheck.check(ops.build(), List.of(search));
  }

  @Test
  void check_latestValue_isFine() {
    assertThat(search(history().put("p0", "a", 0, 1), 2, 3, "a").ok()).isTrue();
  }

  @Test
  void check_valueOverwrittenDuringTheSearch_isFine() {
    assertThat(search(history().put("p0", "a", 0, 1).put("p0", "b", 3, 6), 4, 5, "a").ok())
        .isTrue();
  }

  @Test
  void check_valueWrittenDuringTheSearch_isFine() {
    assertThat(search(history().put("p0", "a", 3, 6), 2, 4, "a").ok()).isTrue();
  }

  @Test
  void check_valueOverwrittenBeforeTheSearch_isStale() {
    SearchCheck.Result result =
        search(history().put("p0", "a", 0, 1).put("p0", "b", 2, 3), 4, 5, "a");

    assertThat(result.ok()).isFalse();
    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.put()).map(Op::value).contains("a");
              assertThat(v.overwrite()).map(Op::value).contains("b");
            });
    assertThat(result.describe(9))
        .startsWith("Stale search hits: 1 of 1 hits in 1 searches (seed 9)")
        .contains("search 100 by \"s\" for \"query\" [4, 5] returned \"k\" = \"a\"")
        .contains("put(\"a\") (op 1 by \"p0\", [0, 1])")
        .contains("was overwritten before the search began by put(\"b\") (op 2 by \"p0\", [2, 3])");
  }

  @Test
  void check_valueDeletedBeforeTheSearch_isStale() {
    assertThat(search(history().put("p0", "a", 0, 1).delete("p0", true, 2, 3), 4, 5, "a").ok())
        .isFalse();
  }

  @Test
  void check_overwriteConcurrentWithThePut_doesNotCount() {
    // b may have been applied before a, so a can still be current.
    assertThat(search(history().put("p0", "a", 0, 5).put("p1", "b", 1, 2), 6, 7, "a").ok())
        .isTrue();
  }

  @Test
  void check_failedOverwrite_doesNotCount() {
    assertThat(search(history().put("p0", "a", 0, 1).failedDelete("p0", 2, 3), 4, 5, "a").ok())
        .isTrue();
  }

  @Test
  void check_failedPutOfTheValue_mayStillTakeEffect() {
    assertThat(search(history().failedPut("p0", "a", 0, 1).put("p1", "b", 2, 3), 4, 5, "a").ok())
        .isTrue();
  }

  @Test
  void check_valueNobodyWrote_isReported() {
    SearchCheck.Result result = search(history().put("p0", "a", 0, 1), 2, 3, "zzz");

    assertThat(result.violations()).singleElement().satisfies(v -> assertThat(v.put()).isEmpty());
    assertThat(result.describe(1))
        .contains("no put of that value to that key was invoked before the search completed");
  }

  @Test
  void check_valueWrittenOnlyAfterTheSearch_isReported() {
    assertThat(search(history().put("p0", "a", 10, 11), 2, 3, "a").ok()).isFalse();
  }

  @Test
  void check_recordedSearches_areCheckedFromTheHistory() {
    HistoryRecorder recorder = HistoryRecorder.inMemory();
    recorder.invoke("p0", "k", OpKind.PUT, "a").ok();
    recorder.invoke("p0", "k", OpKind.DELETE, null).ok(true);
    recorder.invokeSearch("p1", "q").ok(Map.of("k", "a"));

    SearchCheck.Result result = SearchCheck.check(recorder.history());

    assertThat(result.searches()).isEqualTo(1);
    assertThat(result.ok()).isFalse();
  }
}
