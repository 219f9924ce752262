package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

/**
 * Filter expressions evaluated on a document's metadata as a {@link TieredVectorStore} stores it:
 * encoded into the memory's string metadata, decoded value by value.
 */
class MetadataFilterTest {

  private static final FilterExpressionTextParser PARSER = new FilterExpressionTextParser();
  private static final FilterExpressionBuilder B = new FilterExpressionBuilder();

  /** The metadata as stored, then read back through the codec. */
  private static Map<String, String> stored(Map<String, Object> metadata) {
    return DocumentMetadataCodec.encode("doc-1", metadata);
  }

  private static boolean test(String filter, Map<String, Object> metadata) {
    return test(PARSER.parse(filter), metadata);
  }

  private static boolean test(Filter.Expression filter, Map<String, Object> metadata) {
    Map<String, String> stored = stored(metadata);
    return MetadataFilter.test(filter, key -> DocumentMetadataCodec.decodeValue(stored.get(key)));
  }

  private static final Map<String, Object> DOC =
      Map.of(
          "country",
          "BG",
          "year",
          2023,
          "rating",
          4.5,
          "open",
          true,
          "views",
          10_000_000_000L,
          "tags",
          List.of("travel", "europe"),
          "code",
          "2023");

  @Test
  void metadataComesBackWithItsTypes() {
    Map<String, Object> decoded = DocumentMetadataCodec.decode(stored(DOC));
    assertThat(decoded)
        .containsEntry("country", "BG")
        .containsEntry("year", 2023)
        .containsEntry("rating", 4.5)
        .containsEntry("open", true)
        .containsEntry("views", 10_000_000_000L)
        .containsEntry("tags", List.of("travel", "europe"))
        .containsEntry("code", "2023");
    assertThat(decoded.get("year")).isInstanceOf(Integer.class);
    assertThat(decoded.get("code")).isInstanceOf(String.class);
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("f", 0.25f);
    more.put("big", new BigDecimal("12345678901234567890.5"));
    more.put("when", Date.from(Instant.parse("2024-03-01T10:15:30Z")));
    more.put("empty", "");
    more.put("quote", "say \"hi\"\n");
    assertThat(DocumentMetadataCodec.decode(stored(more)))
        .containsEntry("f", 0.25)
        .containsEntry("when", "2024-03-01T10:15:30Z")
        .containsEntry("empty", "")
        .containsEntry("quote", "say \"hi\"\n");
    assertThat(((Number) DocumentMetadataCodec.decode(stored(more)).get("big")).doubleValue())
        .isEqualTo(1.2345678901234567e19);
  }

  @Test
  void aValueThatIsNotJson_readsBackAsTheStringItIs() {
    assertThat(DocumentMetadataCodec.decode(Map.of("a", "BG", "b", "true story", "c", "12 apples")))
        .containsEntry("a", "BG")
        .containsEntry("b", "true story")
        .containsEntry("c", "12 apples");
  }

  @Test
  void valuesItCannotKeep_areRefused_namingTheDocumentAndTheKey() {
    assertThatThrownBy(() -> DocumentMetadataCodec.encode("doc-7", Map.of("obj", new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'doc-7'")
        .hasMessageContaining("'obj'")
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> DocumentMetadataCodec.encode("doc-7", Map.of("score", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'score'")
        .hasMessageContaining("not finite");
    assertThatThrownBy(
            () -> DocumentMetadataCodec.encode("doc-7", Map.of("nested", List.of(List.of(1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nested'")
        .hasMessageContaining("a list holding a list");
  }

  @Test
  void numbers_compareByValue_whateverTheirType() {
    assertThat(test("year == 2023", DOC)).isTrue();
    assertThat(test("year == 2023.0", DOC)).isTrue();
    assertThat(test("year == 2023L", DOC)).isTrue();
    assertThat(test("year != 2023", DOC)).isFalse();
    assertThat(test("year > 2022", DOC)).isTrue();
    assertThat(test("year > 2023", DOC)).isFalse();
    assertThat(test("year >= 2023", DOC)).isTrue();
    assertThat(test("year < 2023.5", DOC)).isTrue();
    assertThat(test("year <= 2022", DOC)).isFalse();
    assertThat(test("rating > 4", DOC)).isTrue();
    assertThat(test("rating == 4.5", DOC)).isTrue();
    assertThat(test("views > 9999999999L", DOC)).isTrue();
    assertThat(test("views == 10000000000L", DOC)).isTrue();
    assertThat(test(B.eq("rating", new BigDecimal("4.50")).build(), DOC)).isTrue();
  }

  @Test
  void strings_compareAsStrings_andNeverEqualANumber() {
    assertThat(test("country == 'BG'", DOC)).isTrue();
    assertThat(test("country == 'bg'", DOC)).isFalse();
    assertThat(test("country != 'NL'", DOC)).isTrue();
    assertThat(test("country < 'C'", DOC)).isTrue();
    assertThat(test("country >= 'BH'", DOC)).isFalse();
    assertThat(test("code == '2023'", DOC)).isTrue();
    assertThat(test("code == 2023", DOC)).isFalse();
    assertThat(test("year == '2023'", DOC)).isFalse();
    // an order between a string and a number is false, not an error
    assertThat(test("code > 1", DOC)).isFalse();
    assertThat(test("code < 1", DOC)).isFalse();
  }

  @Test
  void dates_compareAsTheTextTheyAreStoredAs() {
    Map<String, Object> doc = Map.of("when", Date.from(Instant.parse("2024-03-01T10:15:30Z")));
    assertThat(test(B.eq("when", Date.from(Instant.parse("2024-03-01T10:15:30Z"))).build(), doc))
        .isTrue();
    assertThat(test(B.gt("when", Date.from(Instant.parse("2024-01-01T00:00:00Z"))).build(), doc))
        .isTrue();
    assertThat(test("when < '2024-03-01T10:15:31Z'", doc)).isTrue();
  }

  @Test
  void booleans() {
    assertThat(test("open == true", DOC)).isTrue();
    assertThat(test("open == false", DOC)).isFalse();
    assertThat(test("open != false", DOC)).isTrue();
    assertThat(test("open == 'true'", DOC)).isFalse();
    assertThat(test("open > false", DOC)).isFalse();
  }

  @Test
  void inAndNin() {
    assertThat(test("country in ['NL', 'BG']", DOC)).isTrue();
    assertThat(test("country in ['NL', 'US']", DOC)).isFalse();
    assertThat(test("country nin ['NL', 'US']", DOC)).isTrue();
    assertThat(test("country not in ['BG']", DOC)).isFalse();
    assertThat(test("year in [2020, 2023]", DOC)).isTrue();
    assertThat(test("year in [2023.0]", DOC)).isTrue();
    assertThat(test("year in ['2023']", DOC)).isFalse();
    assertThat(test("missing in ['x']", DOC)).isFalse();
    assertThat(test("missing nin ['x']", DOC)).isTrue();
    assertThat(test(B.in("tags", List.of("x")).build(), DOC)).isFalse();
  }

  @Test
  void andOrNot_andGroups() {
    assertThat(test("country == 'BG' && year >= 2020", DOC)).isTrue();
    assertThat(test("country == 'BG' AND year < 2020", DOC)).isFalse();
    assertThat(test("country == 'NL' || year == 2023", DOC)).isTrue();
    assertThat(test("country == 'NL' OR year == 2020", DOC)).isFalse();
    assertThat(test("NOT(country == 'NL')", DOC)).isTrue();
    assertThat(test("not (country == 'BG' && open == true)", DOC)).isFalse();
    assertThat(test("(country == 'NL' || country == 'BG') && (year == 2020 || rating > 4)", DOC))
        .isTrue();
    assertThat(
            test(
                B.and(
                        B.or(B.eq("country", "NL"), B.eq("country", "BG")),
                        B.not(B.eq("open", false)))
                    .build(),
                DOC))
        .isTrue();
  }

  @Test
  void missingKeys_andNullChecks() {
    assertThat(test("missing == 'x'", DOC)).isFalse();
    assertThat(test("missing != 'x'", DOC)).isTrue();
    assertThat(test("missing > 1", DOC)).isFalse();
    assertThat(test("missing < 1", DOC)).isFalse();
    assertThat(test("missing IS NULL", DOC)).isTrue();
    assertThat(test("country IS NULL", DOC)).isFalse();
    assertThat(test("country IS NOT NULL", DOC)).isTrue();
  }

  @Test
  void quotedKeys() {
    assertThat(test("'country' == 'BG'", DOC)).isTrue();
    assertThat(
            test(
                new Filter.Expression(
                    Filter.ExpressionType.EQ, new Filter.Key("\"year\""), new Filter.Value(2023)),
                DOC))
        .isTrue();
  }

  @Test
  void malformedExpressions_failNamingTheOperand() {
    assertThatThrownBy(
            () ->
                test(
                    new Filter.Expression(
                        Filter.ExpressionType.IN,
                        new Filter.Key("country"),
                        new Filter.Value("BG")),
                    DOC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IN needs a list of values");
    assertThatThrownBy(
            () ->
                test(
                    new Filter.Expression(
                        Filter.ExpressionType.EQ, new Filter.Value("BG"), new Filter.Value("BG")),
                    DOC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EQ needs a metadata key on its left");
  }
}
