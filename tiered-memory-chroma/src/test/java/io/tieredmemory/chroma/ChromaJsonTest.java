package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChromaJsonTest {
  @Test
  void segment_encodesEverythingButUnreserved() {
    assertThat(ChromaJson.segment("default_tenant-1.x~")).isEqualTo("default_tenant-1.x~");
    assertThat(ChromaJson.segment("a b/c?d#é")).isEqualTo("a%20b%2Fc%3Fd%23%C3%A9");
  }

  @Test
  void rows_ofAQueryAnswer_takeTheFirstListAndKeepNulls() throws Exception {
    JsonNode answer =
        ChromaJson.JSON.readTree(
            "{\"ids\":[[\"a\",\"b\"]],\"documents\":[[\"A\",null]],"
                + "\"metadatas\":[[{\"tm_version\":1},null]],\"distances\":[[0.0,0.5]]}");
    List<ChromaClient.Row> rows = ChromaJson.rows(ChromaJson.flatten(answer));
    assertThat(rows).extracting(ChromaClient.Row::id).containsExactly("a", "b");
    assertThat(rows.get(0).document()).isEqualTo("A");
    assertThat(rows.get(1).document()).isNull();
    assertThat(rows.get(1).metadata()).isNull();
  }

  @Test
  void abbreviate_cutsLongBodies() {
    assertThat(ChromaJson.abbreviate("x".repeat(1000))).hasSize(303).endsWith("...");
  }
}
