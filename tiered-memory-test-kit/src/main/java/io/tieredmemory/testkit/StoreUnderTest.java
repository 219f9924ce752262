package io.tieredmemory.testkit;

import io.tieredmemory.core.spi.TierStore;
import java.time.Instant;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture every contract of the kit shares: a fresh store for each test from {@link
 * #createStore()}, closed after it, and keys unique to the test, so stores sharing a server do not
 * see each other's keys.
 */
// Test code: NullAway does not check it (a null where a memory was expected fails the test).
@NullUnmarked
abstract class StoreUnderTest {
  /** A fixed instant the contract's memories are created at. */
  protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Millis of {@link #T0}. */
  protected static final long T0_MILLIS = T0.toEpochMilli();

  /** The store under test, fresh for each test. */
  protected TierStore store;

  private final String contract;
  private String prefix;

  /** {@code contract} starts every key, so two contracts' keys never meet. */
  StoreUnderTest(String contract) {
    this.contract = contract;
  }

  /** A new, empty store. Called before each test. */
  protected abstract TierStore createStore();

  /** Creates the store. */
  @BeforeEach
  void createStoreUnderTest() {
    prefix = contract + Long.toHexString(System.nanoTime()) + ":";
    store = createStore();
  }

  /** Closes the store. */
  @AfterEach
  void closeStoreUnderTest() {
    if (store != null) {
      store.close();
    }
  }

  /** A key unique to this test. */
  protected String key(String name) {
    return prefix + name;
  }
}
