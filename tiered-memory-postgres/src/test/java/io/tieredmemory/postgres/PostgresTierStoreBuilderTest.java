package io.tieredmemory.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Builder validation, without a server: a data source that must never be touched. */
class PostgresTierStoreBuilderTest {
  static final DataSource UNTOUCHABLE =
      (DataSource)
          Proxy.newProxyInstance(
              PostgresTierStoreBuilderTest.class.getClassLoader(),
              new Class<?>[] {DataSource.class},
              (p, m, a) -> {
                if (m.getName().equals("toString")) {
                  return "UntouchableDataSource";
                }
                throw new AssertionError("the data source was used: " + m.getName());
              });

  @Test
  void builder_nullDataSource_failsNamingIt() {
    assertThatThrownBy(() -> PostgresTierStore.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must not be null");
  }

  @Test
  void table_invalid_failsNamingTableAndValue() {
    assertThatThrownBy(() -> PostgresTierStore.builder(UNTOUCHABLE).table("Bad-Name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table")
        .hasMessageContaining("'Bad-Name'");
  }

  @Test
  void embedder_null_failsNamingIt() {
    assertThatThrownBy(() -> PostgresTierStore.builder(UNTOUCHABLE).embedder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("embedder must not be null");
  }

  @Test
  void accessFlushInterval_notPositive_failsNamingFieldAndValue() {
    PostgresTierStore.Builder b = PostgresTierStore.builder(UNTOUCHABLE);
    assertThatThrownBy(() -> b.accessFlushInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("accessFlushInterval must be positive, was PT0S");
    assertThatThrownBy(() -> b.accessFlushInterval(Duration.ofSeconds(-1)))
        .hasMessage("accessFlushInterval must be positive, was PT-1S");
    assertThatThrownBy(() -> b.accessFlushInterval(null))
        .hasMessage("accessFlushInterval must not be null");
  }

  @Test
  void toString_showsSettingsButNotTheDataSource() {
    String s = PostgresTierStore.builder(UNTOUCHABLE).table("mem").toString();
    assertThat(s)
        .contains("table=mem")
        .contains("accessFlushInterval=PT1S")
        .doesNotContain("Untouchable");
  }
}
