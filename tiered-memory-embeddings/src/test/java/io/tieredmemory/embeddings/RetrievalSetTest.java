package io.tieredmemory.embeddings;

import static io.tieredmemory.embeddings.RetrievalSet.OVERLAP;
import static io.tieredmemory.embeddings.RetrievalSet.PARAPHRASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tieredmemory.embeddings.RetrievalSet.Fact;
import io.tieredmemory.embeddings.RetrievalSet.Question;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The evaluation set is what it claims to be. */
class RetrievalSetTest {

  @Test
  void sizes_andLabels() {
    Map<String, Fact> memories =
        RetrievalSet.memories().stream().collect(Collectors.toMap(Fact::key, Function.identity()));

    assertThat(memories).hasSizeGreaterThanOrEqualTo(120);
    assertThat(RetrievalSet.memories().stream().map(Fact::text)).doesNotHaveDuplicates();
    assertThat(RetrievalSet.questions(PARAPHRASE)).hasSizeGreaterThanOrEqualTo(60);
    assertThat(RetrievalSet.questions(OVERLAP)).hasSizeGreaterThanOrEqualTo(15);
    assertThat(RetrievalSet.allQuestions().stream().map(Question::text)).doesNotHaveDuplicates();
    for (Question q : RetrievalSet.allQuestions()) {
      assertThat(memories).as(q.text()).containsKey(q.key());
    }
  }

  @Test
  void paraphrases_shareNoContentWordWithTheirMemory() {
    Map<String, String> memories =
        RetrievalSet.memories().stream().collect(Collectors.toMap(Fact::key, Fact::text));

    for (Question q : RetrievalSet.questions(PARAPHRASE)) {
      Set<String> shared = new HashSet<>(RetrievalSet.contentWords(q.text()));
      shared.retainAll(RetrievalSet.contentWords(memories.get(q.key())));
      assertThat(shared).as("%s / %s", q.text(), memories.get(q.key())).isEmpty();
    }
  }

  @Test
  void overlaps_repeatAtLeastTwoContentWords() {
    Map<String, String> memories =
        RetrievalSet.memories().stream().collect(Collectors.toMap(Fact::key, Fact::text));

    for (Question q : RetrievalSet.questions(OVERLAP)) {
      Set<String> shared = new HashSet<>(RetrievalSet.contentWords(q.text()));
      shared.retainAll(RetrievalSet.contentWords(memories.get(q.key())));
      assertThat(shared).as("%s / %s", q.text(), memories.get(q.key())).hasSizeGreaterThan(1);
    }
  }

  @Test
  void contentWords_stemsAndDropsFunctionWords() {
    assertThat(RetrievalSet.contentWords("Which flights does the user prefer?"))
        .containsExactly("fligh", "prefe");
    assertThat(RetrievalSet.contentWords("Priya's flight")).containsExactly("priya", "fligh");
  }
}
