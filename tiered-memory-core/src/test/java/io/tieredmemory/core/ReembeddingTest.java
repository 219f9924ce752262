package io.tieredmemory.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.ScoredMemory;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Moving an archive to a tier with a new embedder: everything moved, resumable, progress told. */
class ReembeddingTest {
  private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
  private static final Embedder OLD = Embedder.hashing(16);
  private static final Embedder NEW = Embedder.hashing(32);

  private final TierStore source = InProcessTiers.cold(OLD);
  private final TierStore target = InProcessTiers.cold(NEW);

  /** 200 memories with content only, and 50 with their writer's 16-float embedding. */
  private void fill() {
    for (int i = 0; i < 250; i++) {
      float[] own = i % 5 == 0 ? OLD.embed("own " + i) : null;
      Memory m =
          new Memory("k" + i, "memory number " + i, Map.of("i", "" + i), T0, T0, 1000 + i, own);
      source.copyIn(new StoredMemory(m, i, T0.toEpochMilli() + i));
    }
  }

  @Test
  void run_movesEverything_withVersionsAndStatistics_reportingProgress() {
    fill();
    List<Reembedding.Progress> seen = new ArrayList<>();

    Reembedding.Result r =
        Reembedding.from(source).to(target, NEW).batchSize(100).progress(seen::add).run();

    assertThat(r).isEqualTo(new Reembedding.Result(250, 50, 3));
    assertThat(seen)
        .extracting(Reembedding.Progress::moved, Reembedding.Progress::remaining)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(100L, 150L),
            org.assertj.core.groups.Tuple.tuple(200L, 50L),
            org.assertj.core.groups.Tuple.tuple(250L, 0L));
    assertThat(source.count()).isZero();
    assertThat(target.count()).isEqualTo(250);
    for (int i = 0; i < 250; i++) {
      StoredMemory s = target.peek("k" + i);
      assertThat(s.version()).isEqualTo(1000 + i);
      assertThat(s.accessCount()).isEqualTo(i);
      assertThat(s.lastAccessMillis()).isEqualTo(T0.toEpochMilli() + i);
      assertThat(s.memory().content()).isEqualTo("memory number " + i);
      assertThat(s.memory().metadata()).containsEntry("i", "" + i);
      if (i % 5 == 0) {
        // The writer's embedding, made again by the new embedder from the content.
        assertThat(s.memory().embedding()).containsExactly(NEW.embed("memory number " + i));
      } else {
        assertThat(s.memory().hasEmbedding()).isFalse();
      }
    }
    // Searchable in the new space.
    String q = "memory number 7";
    List<ScoredMemory> hits = target.vectorSearch().orElseThrow().search(NEW.embed(q), q, 250);
    assertThat(hits)
        .filteredOn(h -> h.memory().key().equals("k7"))
        .singleElement()
        .satisfies(h -> assertThat(h.similarity()).isCloseTo(1.0, within(1e-6)));
  }

  @Test
  void aRunStoppedMidway_resumesWhereItStopped_losingNothing() {
    fill();
    RuntimeException stop = new RuntimeException("stopped after one batch");

    assertThatThrownBy(
            () ->
                Reembedding.from(source)
                    .to(target, NEW)
                    .batchSize(100)
                    .progress(
                        p -> {
                          throw stop;
                        })
                    .run())
        .isSameAs(stop);
    assertThat(source.count() + target.count()).isEqualTo(250);
    assertThat(target.count()).isEqualTo(100);

    Reembedding.Result rest = Reembedding.from(source).to(target, NEW).batchSize(100).run();

    assertThat(rest.moved()).isEqualTo(150);
    assertThat(source.count()).isZero();
    assertThat(target.count()).isEqualTo(250);
  }

  @Test
  void ownEmbeddings_replacesTheWritersEmbeddings() {
    fill();
    float[] marker = new float[32];
    marker[3] = 1;

    Reembedding.from(source).to(target, NEW).ownEmbeddings(m -> marker).run();

    assertThat(target.peek("k5").memory().embedding()).containsExactly(marker);
    assertThat(target.peek("k6").memory().hasEmbedding()).isFalse();
  }

  @Test
  void anEmbeddingWithoutText_needsOwnEmbeddings_andStaysInTheSource() {
    Memory bare = new Memory("bare", "", Map.of(), T0, T0, 5, OLD.embed("x"));
    source.copyIn(new StoredMemory(bare, 0, T0.toEpochMilli()));

    assertThatThrownBy(() -> Reembedding.from(source).to(target, NEW).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("memory 'bare' has its writer's embedding and no content");
    assertThat(source.peek("bare")).isNotNull();
    assertThat(target.peek("bare")).isNull();

    assertThatThrownBy(
            () -> Reembedding.from(source).to(target, NEW).ownEmbeddings(m -> new float[3]).run())
        .hasMessage(
            "the new embedding of 'bare' must have 32 dimensions (the new embedder's), had 3");
  }

  @Test
  void aTargetHoldingANewerVersion_stopsTheRun_namingTheKey() {
    source.copyIn(new StoredMemory(new Memory("k", "old", Map.of(), T0, T0, 5), 0, 0));
    target.copyIn(new StoredMemory(new Memory("k", "newer", Map.of(), T0, T0, 9), 0, 0));

    assertThatThrownBy(() -> Reembedding.from(source).to(target, NEW).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("left in the source: [k]");
    assertThat(source.peek("k").version()).isEqualTo(5);
  }

  @Test
  void badArguments_areRefusedByName() {
    assertThatThrownBy(() -> Reembedding.from(source).run())
        .hasMessage("target must be set: Reembedding.from(source).to(target, embedder)");
    assertThatThrownBy(() -> Reembedding.from(source).to(source, NEW).run())
        .hasMessage("source and target must be different tier backends");
    assertThatThrownBy(() -> Reembedding.from(source).batchSize(0))
        .hasMessage("batchSize must be between 1 and 10000, was 0");
    assertThatThrownBy(() -> Reembedding.from(null)).hasMessageContaining("source");
    assertThat(Reembedding.from(source).to(target, NEW).run())
        .isEqualTo(new Reembedding.Result(0, 0, 0));
  }
}
