package io.tieredmemory.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.core.SearchHit;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.Tier;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.policy.TieringPolicy;
import io.tieredmemory.embeddings.RetrievalSet.Fact;
import io.tieredmemory.embeddings.RetrievalSet.Question;
import io.tieredmemory.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the retrieval set through a store: writes the memories where a {@link Placement} says
 * (archiving through the policy, on a manual clock), asks every question with {@code search(q, 5)}
 * and scores where the labeled memory came.
 */
final class RetrievalEvaluation {
  private RetrievalEvaluation() {}

  /** How many results each question asks for. */
  static final int K = 5;

  /** Where the memories are when the questions are asked. */
  enum Placement {
    /** Every memory in WARM (searched in process). */
    WARM,
    /** Every memory archived to COLD. */
    COLD,
    /** Every other memory archived to COLD, the rest in WARM. */
    MIXED
  }

  /**
   * The scores of one set of questions.
   *
   * @param questions how many questions were asked
   * @param top1 how many found their memory first
   * @param top5 how many found it among the first {@link #K}
   * @param reciprocalRanks the sum of 1/rank over the questions that found it in the first K
   * @param misses the questions that did not find it in the first K, with their memory's key
   */
  record Scores(int questions, int top1, int top5, double reciprocalRanks, List<String> misses) {
    double recall1() {
      return (double) top1 / questions;
    }

    double recall5() {
      return (double) top5 / questions;
    }

    /** Mean reciprocal rank over the first K results (0 for a question whose memory is not in). */
    double mrr() {
      return reciprocalRanks / questions;
    }
  }

  /** One row of the table: an embedder, a placement, a kind of question and its scores. */
  record Row(String embedder, String placement, String kind, Scores scores) {}

  /**
   * Archives a memory after 2 hours without a read (HOT demotes after 30 minutes); never promotes,
   * so searches and the test's reads leave the memories where they are.
   */
  static TieringPolicy policy() {
    return TieringPolicy.custom()
        .neverPromote()
        .demoteWhenIdle(Duration.ofMinutes(30))
        .archiveWhenIdle(Duration.ofHours(2))
        .build();
  }

  /**
   * Builds the store ({@code builder} with the tiers and embedder already set) on a manual clock,
   * writes {@code facts} and archives those {@code placement} sends to COLD.
   */
  static TieredMemory fill(TieredMemory.Builder builder, Placement placement, List<Fact> facts) {
    ManualClock clock = new ManualClock();
    TieredMemory store =
        builder
            .clock(clock)
            .policy(policy())
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
    try {
      List<Fact> archived = new ArrayList<>();
      List<Fact> kept = new ArrayList<>();
      for (int i = 0; i < facts.size(); i++) {
        boolean cold = placement == Placement.COLD || (placement == Placement.MIXED && i % 2 == 0);
        (cold ? archived : kept).add(facts.get(i));
      }
      archived.forEach(f -> store.put(f.key(), f.text()));
      if (!archived.isEmpty()) {
        archive(store, clock);
      }
      kept.forEach(f -> store.put(f.key(), f.text()));
      assertThat(store.stats().tier(Tier.COLD).items())
          .as("memories archived to COLD (%s)", placement)
          .isEqualTo(archived.size());
      return store;
    } catch (RuntimeException | AssertionError e) {
      store.close();
      throw e;
    }
  }

  private static void archive(TieredMemory store, ManualClock clock) {
    clock.advance(Duration.ofHours(3));
    for (int round = 0; round < 20; round++) {
      SweepResult r = store.sweep();
      assertThat(r.failed()).as("sweep failures").isZero();
      if (r.demoted() == 0 && r.archived() == 0) {
        return;
      }
    }
  }

  /** Asks every question; checks that a COLD-only store answers from COLD. */
  static Scores score(TieredMemory store, Placement placement, List<Question> questions) {
    int top1 = 0;
    int top5 = 0;
    double rr = 0;
    List<String> misses = new ArrayList<>();
    for (Question q : questions) {
      List<SearchHit> hits = store.search(q.text(), K);
      if (placement == Placement.COLD) {
        assertThat(hits).extracting(SearchHit::tier).containsOnly(Tier.COLD);
      }
      boolean found = false;
      for (int i = 0; i < hits.size() && !found; i++) {
        if (hits.get(i).memory().key().equals(q.key())) {
          top1 += i == 0 ? 1 : 0;
          top5++;
          rr += 1.0 / (i + 1);
          found = true;
        }
      }
      if (!found) {
        misses.add(q.text() + " -> " + q.key());
      }
    }
    return new Scores(questions.size(), top1, top5, rr, List.copyOf(misses));
  }

  /** The rows as a Markdown table, as docs/search.md shows them. */
  static String table(List<Row> rows) {
    StringBuilder sb =
        new StringBuilder(
            "| embedder | memories in | questions | recall@1 | recall@5 | MRR@5 |\n"
                + "|---|---|---|---:|---:|---:|\n");
    for (Row r : rows) {
      Scores s = r.scores();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s (%d) | %.2f | %.2f | %.2f |%n",
              r.embedder(),
              r.placement(),
              r.kind(),
              s.questions(),
              s.recall1(),
              s.recall5(),
              s.mrr()));
    }
    return sb.toString();
  }
}
