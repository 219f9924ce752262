package io.tieredmemory.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tiered-memory.*} properties. The top level configures the application's store; {@code
 * tiered-memory.stores.<name>.*} configures several named stores instead, each starting from the
 * top level's values. Defaults are the library's ({@code TieringPolicy.defaults()}, {@code
 * TieredMemory.Builder.DEFAULT_SWEEP_INTERVAL}, every tier in process).
 */
@ConfigurationProperties(TieredMemoryProperties.PREFIX)
public class TieredMemoryProperties extends StoreProperties {
  /** The prefix of every property. */
  public static final String PREFIX = "tiered-memory";

  /**
   * Name of the store: the "store" tag of every metric. 1-64 letters, digits, '.', '_' or '-'.
   * Defaults to spring.application.name, else "default". Not used when stores are named under
   * tiered-memory.stores.
   */
  private @Nullable String name;

  /**
   * Several stores, by name (the map's key is the store's name and its bean qualifier). Each entry
   * takes every property of the top level, whose values it starts from. When empty, there is one
   * store, configured by the top level.
   */
  private Map<String, StoreProperties> stores = new LinkedHashMap<>();

  public @Nullable String getName() {
    return name;
  }

  public void setName(@Nullable String name) {
    this.name = name;
  }

  public Map<String, StoreProperties> getStores() {
    return stores;
  }

  public void setStores(Map<String, StoreProperties> stores) {
    this.stores = stores;
  }
}
