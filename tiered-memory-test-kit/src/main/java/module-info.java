/**
 * Contract tests every {@code TierStore} must pass, fault injection, a manual clock and the history
 * checkers. The contracts are JUnit 5 test classes with package-private test methods, so their
 * package is open to JUnit.
 */
module io.tieredmemory.testkit {
  // Nullness annotations (@NullMarked, @Nullable): needed to compile, not at run time.
  requires static transitive org.jspecify;
  requires transitive io.tieredmemory.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports io.tieredmemory.testkit;
  exports io.tieredmemory.testkit.history;

  opens io.tieredmemory.testkit to
      org.junit.platform.commons;
}
