package io.tieredmemory.spring.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.Memory;
import io.tieredmemory.core.TieredMemory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** A real SpringApplication with only the starter: auto-configuration found, failures analysed. */
@ExtendWith(OutputCaptureExtension.class)
class StarterTest {

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  private static ConfigurableApplicationContext run(String... args) {
    SpringApplication app = new SpringApplication(App.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    return app.run(args);
  }

  @Test
  void theStarterAloneGivesAWorkingStore() {
    TieredMemory store;
    try (ConfigurableApplicationContext ctx =
        run("--spring.application.name=starter-app", "--tiered-memory.hot-capacity=100")) {
      store = ctx.getBean(TieredMemory.class);
      assertThat(store.name()).isEqualTo("starter-app");
      assertThat(store.policy().demotion().capacity()).isEqualTo(100);
      store.put("k", "v", Map.of());
      assertThat(store.get("k")).map(Memory::content).contains("v");
    }
    assertThatThrownBy(() -> store.put("k", "w", Map.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aBadValueIsReportedWithThePropertyAndTheValue(CapturedOutput output) {
    assertThatThrownBy(() -> run("--tiered-memory.hot-capacity=-1")).isNotNull();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("Invalid value '-1' for configuration property 'tiered-memory.hot-capacity'");
  }
}
