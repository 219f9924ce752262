package io.tieredmemory.embeddings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The labeled retrieval set written for this project ({@code retrieval/memories.tsv}, {@code
 * retrieval/questions.tsv}): short facts about users of an agent, and questions each labeled with
 * the key of the one memory that answers it. A {@code paraphrase} question shares no content word
 * with its memory (checked by {@link #contentWords}); an {@code overlap} question reuses its words.
 */
final class RetrievalSet {
  private RetrievalSet() {}

  /** A memory: its key and text. */
  record Fact(String key, String text) {}

  /** A question, its kind ({@code paraphrase} or {@code overlap}) and its memory's key. */
  record Question(String kind, String key, String text) {}

  static final String PARAPHRASE = "paraphrase";
  static final String OVERLAP = "overlap";

  static List<Fact> memories() {
    List<Fact> out = new ArrayList<>();
    for (String[] f : rows("retrieval/memories.tsv", 2)) {
      out.add(new Fact(f[0], f[1]));
    }
    return List.copyOf(out);
  }

  static List<Question> questions(String kind) {
    List<Question> out = new ArrayList<>();
    for (String[] f : rows("retrieval/questions.tsv", 3)) {
      if (f[0].equals(kind)) {
        out.add(new Question(f[0], f[1], f[2]));
      }
    }
    return List.copyOf(out);
  }

  static List<Question> allQuestions() {
    List<Question> out = new ArrayList<>(questions(PARAPHRASE));
    out.addAll(questions(OVERLAP));
    return List.copyOf(out);
  }

  // Function words, and words every memory is about (user): not content.
  private static final Set<String> STOP =
      Set.of(
          ("a an the and or but of in on at to for from by with without about as is are was were be"
                  + " been being do does did done have has had having i you he she it we they him"
                  + " her his hers its our their them me my your this that these those there here"
                  + " what which who whom whose when where why how whether if then than so not no"
                  + " nor any anyone someone every each all some most more much many few little"
                  + " very too also just only ever into onto over under up down out off again per"
                  + " while after before during until upon toward towards away should would could"
                  + " can will must may might shall user users like likes get gets got let lets"
                  + " make made use used using take takes one two")
              .split(" "));

  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9']+");

  /**
   * The content words of {@code text}, crudely stemmed (lower case, possessive and a plural or verb
   * ending removed, cut to five letters), so that "flights" and "flight" or "prefers" and
   * "preference" count as the same word: deliberately strict, it flags more than it should.
   */
  static Set<String> contentWords(String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      String w = m.group().toLowerCase(Locale.ROOT);
      if (w.endsWith("'s")) {
        w = w.substring(0, w.length() - 2);
      }
      if (STOP.contains(w)) {
        continue;
      }
      for (String suffix : List.of("ing", "ies", "es", "ed", "s")) {
        if (w.length() > 4 && w.endsWith(suffix)) {
          w = w.substring(0, w.length() - suffix.length());
          break;
        }
      }
      out.add(w.length() > 5 ? w.substring(0, 5) : w);
    }
    return out;
  }

  private static List<String[]> rows(String resource, int fields) {
    InputStream in = RetrievalSet.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + resource);
    }
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != fields) {
          throw new IllegalStateException(resource + ": expected " + fields + " fields: " + line);
        }
        out.add(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
