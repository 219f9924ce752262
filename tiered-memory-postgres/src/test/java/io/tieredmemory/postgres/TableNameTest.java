package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
  void derived_shortName_joinsTableAndSuffixWithTheSeparator() {
    assertThat(TableName.of("tm").derived("search_idx")).isEqualTo("\"tm$search_idx\"");
    assertThat(TableName.of("agent").derivedName("journal")).isEqualTo("agent$journal");
  }

  @Test
  void derived_neverAValidTableName_whateverTheTableIsCalled() {
    List<String> names =
        List.of(
            "agent",
            "agent_journal",
            "x_last_access_idx",
            "x_pkey",
            "_",
            "a".repeat(63),
            "t".repeat(40) + "_journal",
            Schema.VERSION_TABLE + "x");
    for (String name : names) {
      for (String suffix : List.of("journal", "last_access_idx", "search_idx", "pkey")) {
        String derived = TableName.of(name).derivedName(suffix);
        assertThat(derived).as(derived).contains("$");
        assertThatThrownBy(() -> TableName.of(derived))
            .as(derived)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void derived_theReportedCollision_isGone() {
    // Table "agent_journal" used to be exactly the journal name of table "agent".
    assertThat(TableName.of("agent").derivedName("journal")).isNotEqualTo("agent_journal");
    assertThat(TableName.of("x").derivedName("last_access_idx")).isNotEqualTo("x_last_access_idx");
  }

  @Test
  void derived_distinctTablesOrSuffixes_getDistinctNames() {
    Set<String> seen = new HashSet<>();
    List<String> tables = new ArrayList<>();
    for (String base : List.of("a", "a_b", "a_b_c", "t".repeat(55), "t".repeat(62))) {
      tables.add(base);
      tables.add(base + "_journal");
      tables.add(base + "_x");
    }
    tables.add("t".repeat(54) + "_journal");
    int pairs = 0;
    for (String table : tables) {
      if (table.length() > TableName.MAX_IDENTIFIER) {
        continue;
      }
      for (String suffix : List.of("journal", "journal_pkey", "pkey", "last_access_idx", "x")) {
        assertThat(seen.add(TableName.of(table).derivedName(suffix)))
            .as(table + " " + suffix)
            .isTrue();
        pairs++;
      }
    }
    assertThat(seen).hasSize(pairs);
  }

  @Test
  void derived_longNames_fitTheIdentifierLimitAndStayDistinct() {
    String prefix = "t".repeat(55);
    String a = TableName.of(prefix + "aaaaaaaa").derived("last_access_idx");
    String b = TableName.of(prefix + "bbbbbbbb").derived("last_access_idx");
    assertThat(a.length() - 2).isEqualTo(TableName.MAX_IDENTIFIER);
    assertThat(b.length() - 2).isEqualTo(TableName.MAX_IDENTIFIER);
    assertThat(a).isNotEqualTo(b).endsWith("$last_access_idx\"");
    assertThat(a).matches("\"t+\\$[0-9a-f]{8}\\$last_access_idx\"");
  }

  @Test
  void derived_exactlyAtTheLimit_isNotShortened() {
    String table = "t".repeat(63 - "$journal".length());
    assertThat(TableName.of(table).derivedName("journal")).isEqualTo(table + "$journal");
    assertThat(TableName.of(table + "t").derivedName("journal"))
        .hasSize(TableName.MAX_IDENTIFIER)
        .matches("t+\\$[0-9a-f]{8}\\$journal");
  }

  @Test
  void derived_badSuffix_failsNamingSuffixAndValue() {
    TableName t = TableName.of("tm");
    for (String suffix :
        Arrays.asList(
            null, "", "Journal", "a$b", "1idx", "_idx", "x".repeat(TableName.MAX_SUFFIX + 1))) {
      assertThatThrownBy(() -> t.derived(suffix))
          .as(String.valueOf(suffix))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("suffix must match")
          .hasMessageContaining("was '" + suffix + "'");
    }
  }

  @Test
  void legacyDerived_isTheNameSchemaVersions1And2Gave() {
    assertThat(TableName.of("tm").legacyDerived("search_idx")).isEqualTo("\"tm_search_idx\"");
    assertThat(TableName.of("agent").legacyDerivedName("journal")).isEqualTo("agent_journal");
    // Values computed by the shipped code of version 2 (TableName.derived then).
    String prefix = "t".repeat(55);
    assertThat(TableName.of(prefix + "aaaaaaaa").legacyDerivedName("last_access_idx"))
        .hasSize(TableName.MAX_IDENTIFIER)
        .isEqualTo("t".repeat(38) + "_c4b4b1db_last_access_idx");
  }
}
