package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/** Spring Boot finds the three auto-configurations where it looks for them. */
class AutoConfigurationImportsTest {

  @Test
  void theAutoConfigurationsAreRegisteredInTheImportsFile() {
    assertThat(
            ImportCandidates.load(
                    AutoConfiguration.class, AutoConfigurationImportsTest.class.getClassLoader())
                .getCandidates())
        .contains(
            TieredMemorySpringAiAutoConfiguration.class.getName(),
            TieredChatMemoryAutoConfiguration.class.getName(),
            TieredVectorStoreAutoConfiguration.class.getName());
  }
}
