package io.tieredmemory.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code tiered-memory.observations.*} properties: the store's traces. */
@ConfigurationProperties("tiered-memory.observations")
public class TieredMemoryObservationProperties {

  /**
   * Whether every get, put, delete, search, movement and sweep is a Micrometer Observation (a span
   * with Micrometer Tracing), when the application has an ObservationRegistry.
   */
  private boolean enabled = true;

  /**
   * Whether spans carry the memory's key as gen_ai.memory.record.id. Off by default: keys may
   * identify people. Never a metric tag either way.
   */
  private boolean recordIds = false;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isRecordIds() {
    return recordIds;
  }

  public void setRecordIds(boolean recordIds) {
    this.recordIds = recordIds;
  }
}
