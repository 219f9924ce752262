package io.tieredmemory.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A search serves only current versions: a COLD copy WARM no longer points to (the memory was
 * rewritten since it was archived, and the copy not yet reconciled) is never a hit, WARM's newer
 * version stands in for it, and COLD is asked for more candidates until {@code k} current ones are
 * in, so stale copies at the top of COLD's ranking cannot push a current archived memory out of the
 * results. Without stale copies or overlapping rehydrations, each tier is asked once.
 */
class SearchCurrentCopiesTest {
  private final ManualClock clock = new ManualClock();
  private final FaultyTierStore hot = new FaultyTierStore(InProcessTiers.hot());
  private final FaultyTierStore warm = new FaultyTierStore(InProcessTiers.warm(Embedder.hashing()));
  private final FaultyTierStore cold = new FaultyTierStore(InProcessTiers.cold(Embedder.hashing()));
  private TieredMemory store;

  @BeforeEach
  void open() {
    store = LocalTiers.sweepingStore("search-current", hot, warm, cold, clock).build();
    store.put("old-note", "glacier ice core samples from the arctic expedition");
    store.put("kept-note", "glacier ice core drilling in the arctic");
    hot.remove("old-note");
    hot.remove("kept-note");
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep().archived()).isEqualTo(2);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aStaleColdCopyAtTheTopOfColdsRanking_isReplaced_andColdIsAskedForMore() {
    // Rewritten while archived: WARM holds version 2, COLD still the archived version 1, which
    // matches the query best, until a sweep reconciles it.
    store.put("old-note", "budget meeting moved to thursday");
    hot.remove("old-note");
    assertThat(cold.peek("old-note")).as("the stale copy, not yet reconciled").isNotNull();
    long coldSearches = cold.calls("search");

    List<SearchHit> hits = store.search("glacier ice core samples from the arctic expedition", 1);

    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).memory().key()).isEqualTo("kept-note");
    assertThat(hits.get(0).tier()).isEqualTo(Tier.COLD);
    assertThat(cold.calls("search"))
        .as("COLD's first answer was the stale copy: asked again, for more")
        .isGreaterThanOrEqualTo(coldSearches + 2);

    List<SearchHit> both = store.search("glacier ice core samples from the arctic expedition", 5);
    assertThat(both)
        .as("the rewritten memory appears in its current version only, from WARM")
        .filteredOn(h -> h.memory().key().equals("old-note"))
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.tier()).isEqualTo(Tier.WARM);
              assertThat(h.memory().content()).isEqualTo("budget meeting moved to thursday");
            });
  }

  @Test
  void withNothingStale_eachTierIsAskedOnce() {
    long[] before = {warm.calls("search"), cold.calls("search")};
    List<SearchHit> hits = store.search("glacier ice core drilling in the arctic", 2);
    assertThat(hits).extracting(h -> h.memory().key()).containsExactly("kept-note", "old-note");
    assertThat(hits).extracting(SearchHit::tier).containsOnly(Tier.COLD);
    assertThat(new long[] {warm.calls("search"), cold.calls("search")})
        .containsExactly(before[0] + 1, before[1] + 1);
  }
}
