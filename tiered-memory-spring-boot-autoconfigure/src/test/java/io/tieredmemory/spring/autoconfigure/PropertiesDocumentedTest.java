package io.tieredmemory.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The properties table of docs/spring-boot.md and the metadata the IDE completes from ({@code
 * META-INF/spring-configuration-metadata.json}, generated from the properties classes) name the
 * same properties with the same defaults.
 */
class PropertiesDocumentedTest {
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `(tiered-memory\\.[a-z0-9.-]+)` \\| [^|]+ \\| ([^|]+) \\|", Pattern.MULTILINE);

  @Test
  void theDocsTableMatchesTheMetadata() throws Exception {
    Map<String, String> documented = new TreeMap<>();
    Matcher m = ROW.matcher(Files.readString(Path.of("..", "docs", "spring-boot.md")));
    while (m.find()) {
      documented.put(m.group(1), m.group(2).trim());
    }
    Map<String, String> metadata = new TreeMap<>();
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the generated metadata").isNotNull();
      for (JsonNode p : new ObjectMapper().readTree(in).path("properties")) {
        JsonNode d = p.path("defaultValue");
        String name = p.path("name").asText();
        if (name.startsWith("tiered-memory.")) { // not Boot's own management.endpoint.* of it
          metadata.put(name, d.isMissingNode() ? "" : d.asText());
        }
      }
    }
    assertThat(documented.keySet())
        .as("properties in docs/spring-boot.md")
        .isEqualTo(metadata.keySet());
    metadata.forEach(
        (name, value) -> {
          if (!value.isEmpty()) {
            assertThat(documented.get(name))
                .as("documented default of %s", name)
                .isEqualTo("`" + value.toLowerCase(Locale.ROOT) + "`");
          }
        });
  }
}
