package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableNameTest {

  @Test
  void of_validNames_areAccepted() {
    for (String name : List.of("tiered_memory", "_t", "a", "t1", "select", "a".repeat(63))) {
      assertThat(TableName.of(name).name()).isEqualTo(name);
    }
  }

  @Test
  void of_invalidNames_failNamingTableAndValue() {
    for (String name :
        List.of(
            "",
            "Upper",
            "1starts_with_digit",
            "has-dash",
            "has space",
            "quote\"d",
            "t; DROP TABLE x",
            "a".repeat(64),
            "schema.table",
            "é")) {
      assertThatThrownBy(() -> TableName.of(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("table must match")
          .hasMessageContaining("'" + name + "'");
    }
  }

  @Test
  void of_null_failsNamingTable() {
    assertThatThrownBy(() -> TableName.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table must not be null");
  }

  @Test
  void of_controlCharacters_areEscapedInTheMessage() {
    assertThatThrownBy(() -> TableName.of("t\n"))
        .hasMessageContaining("'t\\u000A'")
        .hasMessageNotContaining("\n");
  }

  @Test
  void of_theSchemaVersionTable_isReserved() {
    assertThatThrownBy(() -> TableName.of(Schema.VERSION_TABLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must not be '" + Schema.VERSION_TABLE + "'");
  }

  @Test
  void sql_isQuoted() {
    assertThat(TableName.of("order").sql()).isEqualTo("\"order\"");
  }

  @Test
  void derived_shortName_appendsTheSuffix() {
    assertThat(TableName.of("tm").derived("search_idx")).isEqualTo("\"tm_search_idx\"");
  }

  @Test
  void derived_longNames_fitTheIdentifierLimitAndStayDistinct() {
    String prefix = "t".repeat(55);
    String a = TableName.of(prefix + "aaaaaaaa").derived("last_access_idx");
    String b = TableName.of(prefix + "bbbbbbbb").derived("last_access_idx");
    assertThat(a.length() - 2).isEqualTo(TableName.MAX_IDENTIFIER);
    assertThat(b.length() - 2).isEqualTo(TableName.MAX_IDENTIFIER);
    assertThat(a).isNotEqualTo(b).endsWith("_last_access_idx\"");
  }
}
