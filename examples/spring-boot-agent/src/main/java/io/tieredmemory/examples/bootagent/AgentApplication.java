package io.tieredmemory.examples.bootagent;

import io.tieredmemory.core.Kinds;
import io.tieredmemory.spring.autoconfigure.TieredMemoryBuilderCustomizer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * An agent's memory as a Spring Boot service. The only tiered-memory code is the injected {@code
 * TieredMemory} in {@link MemoryController} and the kinds of knowledge below: the store, its
 * metrics, health, tiers and sweeps come from the starter and {@code application.properties}.
 *
 * <pre>
 * mvn -pl examples/spring-boot-agent spring-boot:run                          # in process
 * mvn -pl examples/spring-boot-agent spring-boot:run -Dspring-boot.run.profiles=real  # real servers
 * </pre>
 */
@SpringBootApplication
public class AgentApplication {

  /** Starts the service. */
  public static void main(String[] args) {
    SpringApplication.run(AgentApplication.class, args);
  }

  /**
   * Kinds of knowledge by where a memory came from (its {@code source} metadata: the simulated
   * agent's {@code chat}, or what a client of {@code POST /memories} names), at most 20: the
   * dashboard's "Kinds of knowledge" row and the live view's kinds table show them.
   */
  @Bean
  TieredMemoryBuilderCustomizer kindsBySource() {
    return builder -> builder.kinds(Kinds.byMetadata("source").max(20));
  }
}
