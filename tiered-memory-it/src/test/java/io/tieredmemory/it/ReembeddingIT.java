package io.tieredmemory.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.MemoryWrite;
import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.Reembedding;
import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.SearchRequest;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Changing the model of an archive on the real servers: memories archived to Chroma with one
 * embedder are moved by {@link Reembedding} into a collection of a new embedder, and a store
 * reopened on it with the new embedder reads and searches them all.
 */
class ReembeddingIT {
  private static final Embedder OLD = Embedder.hashing(256);
  private static final Embedder NEW = Embedder.hashing(64);
  private static final int MEMORIES = 30;

  private static TieredMemory store(RealTiers t, Embedder embedder, TierStore cold, ManualClock c) {
    TierStore warm =
        PostgresTierStore.builder(t.pool)
            .table("tm_" + t.id.toLowerCase(Locale.ROOT))
            .embedder(embedder)
            .build();
    return TieredMemory.builder("reembed")
        // the scenario counts where memories are after each read: moves reads cause are made before
        // get returns
        .readMoves(ReadMoves.CALLER)
        .discoverObservers(false)
        .disableScheduledSweeps()
        .clock(c)
        .embedder(embedder)
        .hot(t.hot())
        .warm(warm)
        .cold(cold)
        .policy(
            TieringPolicy.custom()
                .neverPromote()
                .demoteWhenIdle(Duration.ofSeconds(30))
                .archiveWhenIdle(Duration.ofMinutes(1))
                .rehydrate(true, false)
                .build())
        .build();
  }

  @Test
  void anArchiveMovedToANewModel_isReadAndSearchedWhole() throws Exception {
    try (RealTiers t = new RealTiers("reembed")) {
      ManualClock clock = new ManualClock();
      TierStore oldCold = ChromaTierStore.builder(t.chroma, OLD).collection("tm-" + t.id).build();
      try (TieredMemory before = store(t, OLD, oldCold, clock)) {
        for (int i = 0; i < MEMORIES; i++) {
          MemoryWrite w = MemoryWrite.of("note:" + i, "archived note number " + i + " on tides");
          before.put(i % 3 == 0 ? w.withEmbedding(OLD.embed("writer " + i)) : w);
        }
        clock.advance(Duration.ofMinutes(5));
        before.sweep();
        assertThat(before.tier(Tier.COLD).count()).isEqualTo(MEMORIES);
      }

      TierStore source = ChromaTierStore.builder(t.chroma, OLD).collection("tm-" + t.id).build();
      TierStore target =
          ChromaTierStore.builder(t.chroma, NEW).collection("tm-" + t.id + "-new").build();
      List<Reembedding.Progress> progress = new ArrayList<>();
      Reembedding.Result r =
          Reembedding.from(source).to(target, NEW).batchSize(8).progress(progress::add).run();
      source.close();

      assertThat(r.moved()).isEqualTo(MEMORIES);
      assertThat(r.ownReembedded()).isEqualTo(10);
      assertThat(progress).hasSize(4);
      assertThat(progress.get(progress.size() - 1).remaining()).isZero();

      try (TieredMemory after = store(t, NEW, target, clock)) {
        assertThat(after.tier(Tier.COLD).count()).isEqualTo(MEMORIES);
        String q = "archived note number 7 on tides";
        List<SearchHit> hits = after.search(SearchRequest.text(q, MEMORIES));
        assertThat(hits).hasSize(MEMORIES);
        assertThat(hits).extracting(SearchHit::tier).containsOnly(Tier.COLD);
        assertThat(hits.get(0).memory().key()).isEqualTo("note:7");
        assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-4));
        for (int i = 0; i < MEMORIES; i++) {
          Memory m = after.get("note:" + i).orElseThrow();
          assertThat(m.content()).isEqualTo("archived note number " + i + " on tides");
          if (i % 3 == 0) {
            assertThat(m.embedding()).containsExactly(NEW.embed(m.content()));
          } else {
            assertThat(m.hasEmbedding()).isFalse();
          }
        }
        // Every read brought its memory back to WARM, embedding and all.
        assertThat(after.tier(Tier.WARM).count()).isEqualTo(MEMORIES);
        assertThat(after.tier(Tier.COLD).count()).isZero();
      }
    }
  }
}
