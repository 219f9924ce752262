package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Input validation, lifecycle and round trips on the in-process default store. */
class TieredMemoryStoreTest {

  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00.123456Z");

  private final MutableClock clock = new MutableClock(T0);
  private final TieredMemory store =
      TieredMemory.builder("store-test").discoverObservers(false).clock(clock).build();

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ------------------------------------------------------------------ key validation

  static Stream<Arguments> invalidKeyCalls() {
    List<Arguments> out = new ArrayList<>();
    String[] keys = {null, "", "  ", "a\u0000b", "tab\tkey", "\uD800", "k".repeat(513)};
    List<Arguments> ops =
        List.of(
            arguments(named("put", op((s, k) -> s.put(k, "content")))),
            arguments(named("put+metadata", op((s, k) -> s.put(k, "content", Map.of("a", "b"))))),
            arguments(named("get", op((s, k) -> s.get(k)))),
            arguments(named("delete", op((s, k) -> s.delete(k)))),
            arguments(named("getAll", op((s, k) -> s.getAll(single(k))))));
    for (Arguments o : ops) {
      for (String key : keys) {
        out.add(arguments(o.get()[0], key));
      }
    }
    return out.stream();
  }

  private static List<String> single(String k) {
    List<String> l = new ArrayList<>();
    l.add(k);
    return l;
  }

  private static BiConsumer<TieredMemory, String> op(BiConsumer<TieredMemory, String> c) {
    return c;
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("invalidKeyCalls")
  void operation_invalidKey(BiConsumer<TieredMemory, String> call, String key) {
    assertThatThrownBy(() -> call.accept(store, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key ");
  }

  @Test
  void put_oversizedContent() {
    try (TieredMemory small =
        TieredMemory.builder("small")
            .discoverObservers(false)
            .limits(MemoryLimits.defaults().withMaxContentLength(16))
            .build()) {
      assertThatThrownBy(() -> small.put("k", "x".repeat(17)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("content must be at most 16 chars, was 17");
      assertThat(small.get("k")).isEmpty();
    }
  }

  @Test
  void put_nullContent() {
    assertThatThrownBy(() -> store.put("k", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("content must not be null");
  }

  @Test
  void put_invalidMetadata_nothingStored() {
    assertThatThrownBy(() -> store.put("k", "v", Map.of("tm_version", "9")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("metadata key must not start with the reserved prefix");
    assertThatThrownBy(() -> store.put("k", "v", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("metadata must not be null");

    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void putAll_oneInvalid_nothingWritten() {
    List<MemoryWrite> writes =
        List.of(
            new MemoryWrite("good", "fine", new HashMap<>()),
            new MemoryWrite("bad\n", "fine", new HashMap<>()));

    assertThatThrownBy(() -> store.putAll(writes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key must not contain control characters");
    assertThat(store.get("good")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 1001, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void search_kOutOfRange(int k) {
    assertThatThrownBy(() -> store.search("query", k))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k must be between 1 and 1000, was " + k);
  }

  @Test
  void search_kBounds() {
    store.put("k", "some text");

    assertThat(store.search("some text", 1)).hasSize(1);
    assertThat(store.search("some text", 1000)).hasSize(1);
  }

  @Test
  void search_nullText() {
    assertThatThrownBy(() -> store.search(null, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must not be null");
  }

  // ------------------------------------------------------------------ close

  static Stream<Arguments> operations() {
    return Stream.of(
        arguments(named("put", call(s -> s.put("k", "v")))),
        arguments(named("put+metadata", call(s -> s.put("k", "v", Map.of("a", "b"))))),
        arguments(
            named(
                "putAll",
                call(s -> s.putAll(List.of(new MemoryWrite("k", "v", new HashMap<>())))))),
        arguments(named("get", call(s -> s.get("k")))),
        arguments(named("getAll", call(s -> s.getAll(List.of("k"))))),
        arguments(named("delete", call(s -> s.delete("k")))),
        arguments(named("search", call(s -> s.search("v", 3)))),
        arguments(named("sweep", call(TieredMemory::sweep))),
        arguments(named("stats", call(TieredMemory::stats))));
  }

  private static Consumer<TieredMemory> call(Consumer<TieredMemory> c) {
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void operation_afterClose(Consumer<TieredMemory> op) {
    store.put("k", "v");
    store.close();

    ThrowingCallable afterClose = () -> op.accept(store);

    assertThatThrownBy(afterClose)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'store-test'")
        .hasMessageContaining("closed");
  }

  @Test
  void close_twice() {
    store.close();

    assertThatCode(store::close).doesNotThrowAnyException();
  }

  @Test
  void close_identityStillAvailable() {
    store.close();

    assertThat(store.name()).isEqualTo("store-test");
    assertThat(store.clock()).isSameAs(clock);
  }

  // ------------------------------------------------------------------ round trips

  static Stream<Arguments> trickyValues() {
    return Stream.of(
        arguments("sql", "x'; DROP TABLE memories;-- \" \\' \\\\"),
        arguments("lua", "redis.call('FLUSHALL'); return KEYS[1]"),
        arguments("emoji", "\uD83D\uDE00 \uD83C\uDDEB\uD83C\uDDF7 \uD83D\uDC68\u200D\uD83D\uDC69"),
        arguments("newlines", "line1\nline2\r\nline3\ttabbed\u0000nul\u007f"),
        arguments("accents", "caf\u00e9 na\u00efve \u00c6r\u00f8 e\u0301 \u65e5\u672c"),
        arguments("json", "{\"a\": [1, 2, {\"b\": null}], \"c\": \"\\u0000\"}"),
        arguments("format", "%s %n %d ${jndi:ldap://x} {{template}}"),
        arguments("empty", ""),
        arguments("whitespace", "  \n  "),
        arguments("100k", "abc\uD83D\uDE00\n".repeat(100_000 / 6)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trickyValues")
  void putThenGet_sameContentAndMetadata(String name, String value) {
    String key = "tricky:" + name;
    String metaValue = value.length() > 4096 ? "abc\uD83D\uDE00\n".repeat(600) : value;
    Map<String, String> metadata = Map.of("value", metaValue, "lua", "redis.call('DEL', KEYS[1])");

    Memory put = store.put(key, value, metadata);
    Memory got = store.get(key).orElseThrow();

    assertThat(put.content()).isEqualTo(value);
    assertThat(got.key()).isEqualTo(key);
    assertThat(got.content().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    assertThat(got.metadata()).isEqualTo(metadata);
    assertThat(got.metadata().get("value").getBytes(StandardCharsets.UTF_8))
        .isEqualTo(metaValue.getBytes(StandardCharsets.UTF_8));
    assertThat(got.version()).isEqualTo(put.version());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x'; DROP TABLE t;--",
        "redis.call('FLUSHALL')",
        "\uD83D\uDE00",
        "caf\u00e9",
        "a b",
        "*",
        "user:42:{tag}"
      })
  void putThenGet_trickyKey(String key) {
    store.put(key, "content of " + key);

    assertThat(store.get(key)).map(Memory::content).contains("content of " + key);
    assertThat(store.getAll(List.of(key))).containsOnlyKeys(key);
    assertThat(store.delete(key)).isTrue();
    assertThat(store.get(key)).isEmpty();
  }

  @Test
  void put_metadataIsImmutableCopy() {
    Map<String, String> metadata = new HashMap<>();
    metadata.put("source", "chat");

    Memory put = store.put("k", "v", metadata);
    metadata.put("source", "changed");

    assertThat(put.metadata()).isEqualTo(Map.of("source", "chat"));
    assertThat(store.get("k").orElseThrow().metadata()).isEqualTo(Map.of("source", "chat"));
    assertThatThrownBy(() -> put.metadata().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void put_updateReplacesContent() {
    store.put("k", "first", Map.of("n", "1"));
    store.put("k", "second", Map.of("m", "2"));

    Memory got = store.get("k").orElseThrow();
    assertThat(got.content()).isEqualTo("second");
    assertThat(got.metadata()).isEqualTo(Map.of("m", "2"));
  }

  @Test
  void get_absent() {
    assertThat(store.get("never-written")).isEmpty();
    assertThat(store.getAll(List.of("never-written"))).isEmpty();
    assertThat(store.delete("never-written")).isFalse();
  }

  // ------------------------------------------------------------------ versions and timestamps

  @Test
  void put_firstVersionIsWallClockMicros() {
    Memory m = store.put("k", "v");

    assertThat(m.version()).isEqualTo(T0.getEpochSecond() * 1_000_000L + T0.getNano() / 1000);
  }

  @Test
  void put_versionsStrictlyIncrease_clockStill() {
    long previous = 0;
    for (int i = 0; i < 5; i++) {
      long version = store.put("k", "v" + i).version();
      assertThat(version).isGreaterThan(previous);
      previous = version;
    }
    assertThat(store.get("k").orElseThrow().version()).isEqualTo(previous);
  }

  @Test
  void put_versionsStrictlyIncrease_clockGoesBack() {
    long first = store.put("k", "v1").version();
    clock.advance(Duration.ofHours(-1));

    long second = store.put("k", "v2").version();
    clock.advance(Duration.ofHours(-1));
    long third = store.put("k", "v3").version();

    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    assertThat(store.get("k").orElseThrow().content()).isEqualTo("v3");
  }

  @Test
  void put_versionsStrictlyIncrease_clockAdvances() {
    long first = store.put("k", "v1").version();
    clock.advance(Duration.ofSeconds(1));

    long second = store.put("k", "v2").version();

    assertThat(second).isEqualTo(first + 1_000_000L);
  }

  @Test
  void put_createdAtKeptUpdatedAtMoves() {
    Memory first = store.put("k", "v1");
    clock.advance(Duration.ofMinutes(5));
    Memory second = store.put("k", "v2");
    clock.advance(Duration.ofMinutes(5));
    Memory third = store.put("k", "v3");

    assertThat(first.createdAt()).isEqualTo(T0);
    assertThat(first.updatedAt()).isEqualTo(T0);
    assertThat(second.createdAt()).isEqualTo(T0);
    assertThat(second.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(third.createdAt()).isEqualTo(T0);
    assertThat(third.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    Memory got = store.get("k").orElseThrow();
    assertThat(got.createdAt()).isEqualTo(T0);
    assertThat(got.updatedAt()).isEqualTo(third.updatedAt());
  }

  @Test
  void put_afterDelete_newCreatedAt() {
    store.put("k", "v1");
    store.delete("k");
    clock.advance(Duration.ofMinutes(1));

    Memory again = store.put("k", "v2");

    assertThat(again.createdAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void putAll_storesEach() {
    List<Memory> stored =
        store.putAll(
            List.of(
                new MemoryWrite("a", "first", new HashMap<>(Map.of("x", "1"))),
                new MemoryWrite("b", "second", new HashMap<>())));

    assertThat(stored).extracting(Memory::key).containsExactly("a", "b");
    assertThat(store.getAll(List.of("a", "b", "missing")))
        .containsOnlyKeys("a", "b")
        .extractingByKey("a")
        .extracting(Memory::metadata)
        .isEqualTo(Map.of("x", "1"));
  }
}
