package io.tieredmemory.testkit.history;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Appends history events to a file in the line format {@link HistoryReader} reads, one write per
 * event, so that a process killed with {@code kill -9} leaves every event it recorded (the kernel
 * holds what was written) and at worst a truncated last line, which the reader drops. It does not
 * fsync: a power loss may lose a tail, a killed process does not.
 *
 * <pre>{@code
 * try (HistoryRecorder recorder =
 *     HistoryRecorder.appendingTo(HistoryWriter.open(dir.resolve("jvm-1.history")))) {
 *   ... // workload
 * }
 * }</pre>
 */
public final class HistoryWriter implements AutoCloseable {
  private final Path file;
  private final OutputStream out;

  private HistoryWriter(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /**
   * Opens {@code file} for appending, creating it with a header line when it is new or empty. A
   * truncated last line left by a killed writer is cut off first, so that it cannot run into the
   * next event; give each process run its own file all the same, op ids restart at 1.
   */
  public static HistoryWriter open(Path file) throws IOException {
    dropTruncatedLine(file);
    // Unbuffered: each event is one write(2), in the kernel before the op is allowed to run.
    OutputStream out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    HistoryWriter writer = new HistoryWriter(file, out);
    if (Files.size(file) == 0) {
      writer.append(HistoryFormat.HEADER);
    }
    return writer;
  }

  /**
   * Writes a whole history to {@code file} (replacing it), events in instant order: to keep a
   * failing in-process history for replay with {@link HistoryReader#read}.
   */
  public static void write(Path file, History history) throws IOException {
    Files.deleteIfExists(file);
    List<Timed> events = new ArrayList<>();
    for (Op op : history.ops()) {
      events.add(
          new Timed(
              op.invokedAt(),
              0,
              HistoryFormat.invoke(
                  op.invokedAt(),
                  op.process(),
                  op.id(),
                  op.kind().label(),
                  op.key(),
                  op.kind() == OpKind.PUT ? op.value() : null)));
      switch (op.status()) {
        case OK -> events.add(new Timed(op.completedAt(), 1, HistoryFormat.ok(op)));
        case FAILED ->
            events.add(
                new Timed(op.completedAt(), 1, HistoryFormat.fail(op.completedAt(), op, "failed")));
        case PENDING -> {}
      }
    }
    for (SearchOp s : history.searches()) {
      String invoke =
          HistoryFormat.invoke(
              s.invokedAt(), s.process(), s.id(), HistoryFormat.SEARCH, s.query(), null);
      events.add(new Timed(s.invokedAt(), 0, invoke));
      events.add(new Timed(s.completedAt(), 1, HistoryFormat.ok(s)));
    }
    events.sort(Comparator.comparingLong(Timed::at).thenComparingInt(Timed::order));
    try (HistoryWriter writer = open(file)) {
      for (Timed event : events) {
        writer.append(event.line());
      }
    }
  }

  private static void dropTruncatedLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long end = channel.size();
      ByteBuffer one = ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        channel.read(one, end - 1);
        if (one.get(0) == '\n') {
          break;
        }
        end--;
      }
      if (end < channel.size()) {
        channel.truncate(end);
      }
    }
  }

  private record Timed(long at, int order, String line) {}

  /**
   * Appends one line (a newline is added) in a single write.
   *
   * @throws UncheckedIOException when the write fails; the event is then not recorded
   */
  synchronized void append(String line) {
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not append to " + file, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
