package io.tieredmemory.testkit.history;

import io.tieredmemory.testkit.history.HistoryFormat.Event;
import io.tieredmemory.testkit.history.HistoryFormat.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads history files written by {@link HistoryWriter} and merges them into one {@link History}.
 *
 * <p>A file whose process was killed ends in an invocation without completion (the op becomes
 * {@link Op.Status#PENDING}) and maybe a truncated line, which is dropped: the writer writes a line
 * before the op runs or after it returned, so a lost invocation never ran and a lost completion
 * leaves the op uncertain, as it is. Any other malformed line is an error.
 *
 * <pre>{@code
 * History merged = HistoryReader.read(dir.resolve("jvm-1.history"), dir.resolve("jvm-2.history"));
 * }</pre>
 *
 * <p>Files are merged by instant, so they must share a clock ({@link System#nanoTime()} on one
 * host), and process names must differ between files (an op is identified by process and id).
 */
public final class HistoryReader {
  private HistoryReader() {}

  /** Reads and merges {@code files}. */
  public static History read(Path... files) throws IOException {
    return read(Arrays.asList(files));
  }

  /**
   * Reads and merges {@code files}.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed event, or a process
   *     and op id found in two files
   */
  public static History read(List<Path> files) throws IOException {
    List<Op> ops = new ArrayList<>();
    List<SearchOp> searches = new ArrayList<>();
    Map<String, Path> owner = new HashMap<>();
    for (Path file : files) {
      History part = parse(Files.readAllBytes(file), file.toString());
      for (Op op : part.ops()) {
        Path first = owner.putIfAbsent(op.process() + '#' + op.id(), file);
        if (first != null && !first.equals(file)) {
          throw new IllegalArgumentException(
              "op "
                  + op.id()
                  + " of process "
                  + HistoryFormat.quote(op.process())
                  + " is in "
                  + first
                  + " and "
                  + file
                  + ": give the processes of each JVM distinct names");
        }
      }
      ops.addAll(part.ops());
      searches.addAll(part.searches());
    }
    return new History(ops, searches);
  }

  /** Parses one file's bytes; {@code source} names it in errors. */
  static History parse(byte[] bytes, String source) {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--; // an unterminated last line was cut short by a kill: the writer ends every line
    }
    String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1);
    Map<String, Event> invoked = new LinkedHashMap<>();
    Set<String> completed = new HashSet<>();
    List<Op> ops = new ArrayList<>();
    List<SearchOp> searches = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      try {
        Event event = HistoryFormat.parse(line);
        String id = event.process() + '#' + event.id();
        if (event.type().equals(HistoryFormat.INVOKE)) {
          if (event.kind().equals(HistoryFormat.SEARCH)) {
            single(event, 0);
          } else {
            input(event); // checked here, where the line number is known
          }
          if (invoked.putIfAbsent(id, event) != null) {
            throw new IllegalArgumentException(
                "op " + event.id() + " invoked twice: start a new file for each process run");
          }
          continue;
        }
        Event call = invoked.get(id);
        if (call == null || !completed.add(id)) {
          throw new IllegalArgumentException(
              "op "
                  + event.id()
                  + (call == null ? " completed before it was invoked" : " completed twice"));
        }
        if (!call.kind().equals(event.kind()) || !call.key().equals(event.key())) {
          throw new IllegalArgumentException(
              "op " + event.id() + " completes a " + event.kind() + " invoked as a " + call.kind());
        }
        if (call.kind().equals(HistoryFormat.SEARCH)) {
          if (event.type().equals(HistoryFormat.OK)) {
            searches.add(search(call, event));
          }
        } else {
          ops.add(op(call, event));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    invoked.forEach(
        (id, call) -> {
          if (!completed.contains(id) && !call.kind().equals(HistoryFormat.SEARCH)) {
            OpKind kind = OpKind.fromLabel(call.kind());
            ops.add(
                Op.pending(call.id(), call.process(), call.key(), kind, input(call), call.at()));
          }
        });
    return new History(ops, searches);
  }

  private static Op op(Event call, Event done) {
    OpKind kind = OpKind.fromLabel(call.kind());
    String input = input(call);
    if (done.type().equals(HistoryFormat.FAIL)) {
      return Op.failed(call.id(), call.process(), call.key(), kind, input, call.at(), done.at());
    }
    Token out = Objects.requireNonNull(single(done, 1));
    return switch (kind) {
      case PUT ->
          Op.put(
              call.id(),
              call.process(),
              call.key(),
              Objects.requireNonNull(input), // input(call) is non-null for a put
              call.at(),
              done.at());
      case GET ->
          Op.get(
              call.id(),
              call.process(),
              call.key(),
              out.quoted() ? Optional.of(out.text()) : absent(HistoryFormat.bare(out, "read")),
              call.at(),
              done.at());
      case DELETE ->
          Op.delete(call.id(), call.process(), call.key(), flag(out), call.at(), done.at());
    };
  }

  private static @Nullable String input(Event call) {
    if (!call.kind().equals(OpKind.PUT.label())) {
      single(call, 0);
      return null;
    }
    return HistoryFormat.quoted(Objects.requireNonNull(single(call, 1)), "value");
  }

  /** The event's only value; null when {@code count} is 0. */
  private static @Nullable Token single(Event event, int count) {
    if (event.values().size() != count) {
      throw new IllegalArgumentException(
          event.type()
              + " of a "
              + event.kind()
              + " takes "
              + count
              + " value(s) after the key, found "
              + event.values().size());
    }
    return count == 0 ? null : event.values().get(0);
  }

  private static Optional<String> absent(String word) {
    if (!word.equals(HistoryFormat.ABSENT)) {
      throw new IllegalArgumentException("read must be a string or absent, was " + word);
    }
    return Optional.empty();
  }

  private static boolean flag(Token token) {
    String word = HistoryFormat.bare(token, "existed");
    if (!word.equals("true") && !word.equals("false")) {
      throw new IllegalArgumentException("existed must be true or false, was " + word);
    }
    return word.equals("true");
  }

  private static SearchOp search(Event call, Event done) {
    List<Token> values = done.values();
    if (values.size() % 2 != 0) {
      throw new IllegalArgumentException("search hits must be key and value pairs");
    }
    Map<String, String> hits = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i += 2) {
      hits.put(
          HistoryFormat.quoted(values.get(i), "hit key"),
          HistoryFormat.quoted(values.get(i + 1), "hit value"));
    }
    return new SearchOp(call.id(), call.process(), call.key(), hits, call.at(), done.at());
  }
}
