package io.tieredmemory.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default {@link KeyCoordinator#lockAll}: canonical order, all or nothing, one lease. */
class KeyCoordinatorLockAllTest {

  /** Records lock and unlock calls; fails to lock {@code failOn}. */
  private static final class Recording implements KeyCoordinator {
    final List<String> log = new ArrayList<>();
    String failOn;

    @Override
    public Lease lock(String key) {
      if (key.equals(failOn)) {
        log.add("fail " + key);
        throw new IllegalStateException("busy: " + key);
      }
      log.add("lock " + key);
      return () -> log.add("unlock " + key);
    }
  }

  @Test
  void lockAll_locksDistinctKeysInSortedOrder_andOneLeaseReleasesAllInReverse() {
    Recording c = new Recording();
    KeyCoordinator.Lease lease = c.lockAll(List.of("b", "c", "a", "b"));
    assertThat(c.log).containsExactly("lock a", "lock b", "lock c");

    lease.close();
    assertThat(c.log)
        .containsExactly("lock a", "lock b", "lock c", "unlock c", "unlock b", "unlock a");
  }

  @Test
  void lockAll_oneLockFails_releasesThoseTaken_andThrows() {
    Recording c = new Recording();
    c.failOn = "c";
    assertThatThrownBy(() -> c.lockAll(List.of("d", "c", "a", "b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("busy: c");
    assertThat(c.log).containsExactly("lock a", "lock b", "fail c", "unlock b", "unlock a");
  }

  @Test
  void lockAll_noKeys_locksNothing() {
    Recording c = new Recording();
    c.lockAll(List.of()).close();
    assertThat(c.log).isEmpty();
  }
}
