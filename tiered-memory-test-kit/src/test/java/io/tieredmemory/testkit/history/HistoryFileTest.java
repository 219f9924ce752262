package io.tieredmemory.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line format: round trips, kill -9 leftovers, merging files of several processes. */
class HistoryFileTest {
  /** Values that would break a naive format: separators, quotes, escapes, line breaks, unicode. */
  private static final List<String> AWKWARD =
      List.of(
          "",
          "plain",
          "two words",
          "\"quoted\"",
          "back\\slash \\n not a newline",
          "line\nbreak\r\nand\ttab",
          "absent",
          "true",
          "\u0000\u0007\u007f",
          "caf\u00e9 \u65e5\u672c \ud83d\ude00",
          "lone \ud800 surrogate \udc00",
          "#not a comment");

  @TempDir Path dir;

  private History recordEverything(HistoryRecorder recorder) {
    for (String value : AWKWARD) {
      String key = "key " + value;
      recorder.invoke("p " + value, key, OpKind.PUT, value).ok();
      recorder.invoke("p0", key, OpKind.GET, null).ok(Optional.of(value));
      recorder.invoke("p0", key, OpKind.DELETE, null).ok(true);
      recorder.invoke("p0", key, OpKind.GET, null).ok(Optional.empty());
    }
    recorder.invoke("p1", "k", OpKind.PUT, "lost").failed(new IllegalStateException("boom\nbang"));
    recorder.invoke("p1", "k", OpKind.DELETE, null).failed(new RuntimeException());
    recorder.invoke("p2", "k", OpKind.PUT, "in flight");
    Map<String, String> hits = new LinkedHashMap<>();
    AWKWARD.forEach(v -> hits.put("key " + v, v));
    recorder.invokeSearch("p3", "who \"likes\" caf\u00e9").ok(hits);
    recorder.invokeSearch("p3", "failed").failed(new RuntimeException("down"));
    return recorder.history();
  }

  @Nested
  class RoundTrip {
    @Test
    void read_ofRecordedFile_equalsRecordedHistory() throws IOException {
      Path file = dir.resolve("one.history");
      History recorded;
      try (HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(file))) {
        recorded = recordEverything(recorder);
      }

      History read = HistoryReader.read(file);

      assertThat(read).isEqualTo(recorded);
      assertThat(read.ops()).filteredOn(op -> op.status() == Op.Status.PENDING).hasSize(1);
      assertThat(read.searches()).hasSize(1);
      assertThat(read.searches().get(0).hits().keySet())
          .containsExactlyElementsOf(AWKWARD.stream().map(v -> "key " + v).toList());
    }

    @Test
    void write_ofWholeHistory_readsBackEqual() throws IOException {
      History recorded = recordEverything(HistoryRecorder.inMemory());
      Path file = dir.resolve("saved.history");

      HistoryWriter.write(file, recorded);

      assertThat(HistoryReader.read(file)).isEqualTo(recorded);
    }

    @Test
    void write_simulatedHistory_staysLinearizableAfterReading() throws IOException {
      History simulated = History.of(new RegisterSimulator(3, 8, 0.05).run("k", 300));
      Path file = dir.resolve("simulated.history");

      HistoryWriter.write(file, simulated);

      assertThat(HistoryReader.read(file)).isEqualTo(simulated);
      assertThat(LinearizabilityChecker.withDefaults().check(HistoryReader.read(file)).ok())
          .isTrue();
    }

    @Test
    void file_isOneReadableEventPerLine() throws IOException {
      Path file = dir.resolve("readable.history");
      try (HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(file))) {
        recorder.invoke("p0", "user:1", OpKind.PUT, "two words").ok();
        recorder.invoke("p0", "user:1", OpKind.GET, null).ok(Optional.empty());
      }

      List<String> lines = Files.readAllLines(file);

      assertThat(lines).hasSize(5);
      assertThat(lines.get(0)).isEqualTo("# tiered-memory history v1");
      assertThat(lines.get(1)).matches("invoke -?\\d+ \"p0\" 1 put \"user:1\" \"two words\"");
      assertThat(lines.get(2)).matches("ok -?\\d+ \"p0\" 1 put \"user:1\" \"two words\"");
      assertThat(lines.get(4)).matches("ok -?\\d+ \"p0\" 2 get \"user:1\" absent");
    }
  }

  @Nested
  class KilledWriter {
    @Test
    void read_truncatedLastLine_isDroppedAndItsOpLeftPending() throws IOException {
      Path file = dir.resolve("killed.history");
      try (HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(file))) {
        recorder.invoke("p0", "k", OpKind.PUT, "v1").ok();
        recorder.invoke("p0", "k", OpKind.PUT, "v2");
      }
      String whole = Files.readString(file);
      String okLine = "ok 99999999999 \"p0\" 2 put \"k\" \"v2\"";
      for (int cut = 1; cut < okLine.length(); cut++) {
        Files.writeString(file, whole + okLine.substring(0, cut));

        History read = HistoryReader.read(file);

        assertThat(read.ops()).as("cut at %d", cut).hasSize(2);
        assertThat(read.ops().get(1).status()).as("cut at %d", cut).isEqualTo(Op.Status.PENDING);
      }
    }

    @Test
    void read_lastLineCutInsideMultibyteCharacter_isDropped() throws IOException {
      Path file = dir.resolve("utf8.history");
      byte[] invoke =
          "invoke 5 \"p0\" 1 put \"k\" \"\u65e5\u672c\"".getBytes(StandardCharsets.UTF_8);
      Files.write(file, Arrays.copyOf(invoke, invoke.length - 3));

      assertThat(HistoryReader.read(file).ops()).isEmpty();
    }

    @Test
    void open_afterKill_cutsTheFragmentBeforeAppending() throws IOException {
      Path file = dir.resolve("reopened.history");
      try (HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(file))) {
        recorder.invoke("run1", "k", OpKind.PUT, "v1").ok();
      }
      Files.writeString(file, "ok 12 \"run1\" 7 pu", StandardOpenOption.APPEND);

      try (HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(file))) {
        recorder.invoke("run2", "k", OpKind.GET, null).ok(Optional.of("v1"));
      }

      assertThat(HistoryReader.read(file).ops())
          .extracting(Op::process)
          .containsExactly("run1", "run2");
    }

    @Test
    void read_malformedLineBeforeTheEnd_isAnErrorNamingFileAndLine() throws IOException {
      Path file = dir.resolve("bad.history");
      Files.writeString(file, "# tiered-memory history v1\ninvoke 1 \"p0\" 1 put \"k\"\n");

      assertThatThrownBy(() -> HistoryReader.read(file))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(file + ":2: invoke of a put takes 1 value(s) after the key, found 0");
    }

    @Test
    void read_completionWithoutInvocation_isAnError() throws IOException {
      Path file = dir.resolve("orphan.history");
      Files.writeString(file, "ok 1 \"p0\" 1 get \"k\" absent\n");

      assertThatThrownBy(() -> HistoryReader.read(file))
          .hasMessage(file + ":1: op 1 completed before it was invoked");
    }
  }

  @Nested
  class Merging {
    @Test
    void read_twoProcessFiles_mergesByInstant() throws IOException {
      Path a = dir.resolve("a.history");
      Path b = dir.resolve("b.history");
      try (HistoryRecorder jvmA = HistoryRecorder.appendingTo(HistoryWriter.open(a));
          HistoryRecorder jvmB = HistoryRecorder.appendingTo(HistoryWriter.open(b))) {
        jvmA.invoke("a/t0", "k", OpKind.PUT, "x").ok();
        jvmB.invoke("b/t0", "k", OpKind.GET, null).ok(Optional.of("x"));
        jvmA.invoke("a/t0", "k", OpKind.DELETE, null).ok(true);
        jvmB.invoke("b/t0", "k", OpKind.GET, null).ok(Optional.of("x")); // stale
      }

      History merged = HistoryReader.read(a, b);

      assertThat(merged.ops())
          .extracting(Op::process)
          .containsExactly("a/t0", "b/t0", "a/t0", "b/t0");
      CheckResult result = LinearizabilityChecker.withDefaults().check(merged);
      assertThat(result.verdict()).isEqualTo(CheckResult.Verdict.VIOLATION);
    }

    @Test
    void read_sameProcessAndIdInTwoFiles_isAnError() throws IOException {
      Path a = dir.resolve("a.history");
      Path b = dir.resolve("b.history");
      for (Path file : List.of(a, b)) {
        try (HistoryRecorder recorder = HistoryRecorder.appendingTo(HistoryWriter.open(file))) {
          recorder.invoke("worker", "k", OpKind.GET, null).ok(Optional.empty());
        }
      }

      assertThatThrownBy(() -> HistoryReader.read(a, b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("give the processes of each JVM distinct names");
    }
  }

  @Test
  void quote_escapesOnlyWhatMust() {
    assertThat(HistoryFormat.quote("caf\u00e9 \"x\"\n")).isEqualTo("\"caf\u00e9 \\\"x\\\"\\n\"");
    assertThat(HistoryFormat.quote("\ud800")).isEqualTo("\"\\ud800\"");
  }
}
