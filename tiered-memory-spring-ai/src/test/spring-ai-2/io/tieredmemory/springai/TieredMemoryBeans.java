package io.tieredmemory.springai;

import io.tieredmemory.spring.autoconfigure.TieredMemoryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Where the auto-configuration tests' {@code TieredMemory} beans come from, with Spring Boot 4: the
 * tiered-memory starter's auto-configuration, as in an application.
 */
final class TieredMemoryBeans {

  private TieredMemoryBeans() {}

  /** A runner with the starter's one store (no scheduled sweeps) and {@code autoConfigurations}. */
  static ApplicationContextRunner runner(Class<?>... autoConfigurations) {
    Class<?>[] all = new Class<?>[autoConfigurations.length + 1];
    all[0] = TieredMemoryAutoConfiguration.class;
    System.arraycopy(autoConfigurations, 0, all, 1, autoConfigurations.length);
    return new ApplicationContextRunner()
        .withPropertyValues("tiered-memory.sweep-every=1h")
        .withConfiguration(AutoConfigurations.of(all));
  }

  /** {@code runner} with two stores: the starter's {@code a} and {@code b}. */
  static ApplicationContextRunner twoStores(ApplicationContextRunner runner) {
    return runner.withPropertyValues(
        "tiered-memory.stores.a.hot-capacity=5", "tiered-memory.stores.b.hot-capacity=5");
  }
}
