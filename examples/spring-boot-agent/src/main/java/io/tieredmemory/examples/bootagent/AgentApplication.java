package io.tieredmemory.examples.bootagent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An agent's memory as a Spring Boot service. The only tiered-memory code is the injected {@code
 * TieredMemory} in {@link MemoryController}: the store, its metrics, health, tiers and sweeps come
 * from the starter and {@code application.properties}.
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
}
