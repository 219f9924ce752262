package io.tieredmemory.postgres;

import static io.tieredmemory.postgres.PostgresTierStoreBuilderTest.UNTOUCHABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builder validation and lock ids, without a server. */
class PostgresKeyCoordinatorTest {

  @Test
  void builder_nullDataSource_failsNamingIt() {
    assertThatThrownBy(() -> PostgresKeyCoordinator.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataSource must not be null");
  }

  @Test
  void namespace_blankOrNull_failsNamingIt() {
    PostgresKeyCoordinator.Builder b = PostgresKeyCoordinator.builder(UNTOUCHABLE);
    assertThatThrownBy(() -> b.namespace(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must not be blank, was ' '");
    assertThatThrownBy(() -> b.namespace(null)).hasMessage("namespace must not be null");
  }

  @Test
  void lockTimeout_outOfRange_failsNamingFieldAndValue() {
    PostgresKeyCoordinator.Builder b = PostgresKeyCoordinator.builder(UNTOUCHABLE);
    assertThatThrownBy(() -> b.lockTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lockTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> b.lockTimeout(Duration.ofNanos(10)))
        .hasMessageContaining("lockTimeout must be between 1 ms and")
        .hasMessageEndingWith("was PT0.00000001S");
    assertThatThrownBy(() -> b.lockTimeout(Duration.ofDays(30))).hasMessageEndingWith("was PT720H");
    assertThatThrownBy(() -> b.lockTimeout(null)).hasMessage("lockTimeout must not be null");
  }

  @Test
  void build_touchesNoConnection() {
    PostgresKeyCoordinator c =
        PostgresKeyCoordinator.builder(UNTOUCHABLE).namespace("agent").build();
    assertThat(c.toString()).contains("agent").doesNotContain("Untouchable");
    c.close();
  }

  @Test
  void lockId_isDeterministicAndDependsOnNamespaceAndKey() {
    PostgresKeyCoordinator a = PostgresKeyCoordinator.builder(UNTOUCHABLE).namespace("ab").build();
    PostgresKeyCoordinator b = PostgresKeyCoordinator.builder(UNTOUCHABLE).namespace("a").build();
    assertThat(a.lockId("c")).isEqualTo(a.lockId("c"));
    assertThat(a.lockId("c"))
        .as("namespace and key do not run together")
        .isNotEqualTo(b.lockId("bc"));
    assertThat(a.lockId("c")).isNotEqualTo(a.lockId("d"));
  }

  @Test
  void lockId_isPinned() {
    // Every instance and every version of this library must compute the same id for a key, or
    // they would not exclude each other: SHA-256 of (int32 length, namespace, key), first 8 bytes.
    PostgresKeyCoordinator a = PostgresKeyCoordinator.builder(UNTOUCHABLE).namespace("ab").build();
    PostgresKeyCoordinator d = PostgresKeyCoordinator.builder(UNTOUCHABLE).build();
    assertThat(AdvisoryLockCoordinator.hex(a.lockId("c"))).isEqualTo("0x3dc693fb05f87048");
    assertThat(AdvisoryLockCoordinator.hex(d.lockId("user:42"))).isEqualTo("0x7030fcd91fbf332b");
  }
}
