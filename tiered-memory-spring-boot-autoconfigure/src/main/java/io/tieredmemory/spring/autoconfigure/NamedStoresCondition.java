package io.tieredmemory.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Whether any property names a store under {@code tiered-memory.stores}. */
abstract class NamedStoresCondition extends SpringBootCondition {
  static final ConfigurationPropertyName STORES =
      ConfigurationPropertyName.of(TieredMemoryProperties.PREFIX + ".stores");

  private final boolean wanted;

  NamedStoresCondition(boolean wanted) {
    this.wanted = wanted;
  }

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    boolean some = false;
    for (ConfigurationPropertySource source :
        ConfigurationPropertySources.get(context.getEnvironment())) {
      if (source instanceof IterableConfigurationPropertySource iterable
          && iterable.stream().anyMatch(STORES::isAncestorOf)) {
        some = true;
        break;
      }
    }
    String found = some ? "found properties under " : "found no property under ";
    return some == wanted
        ? ConditionOutcome.match(found + STORES)
        : ConditionOutcome.noMatch(found + STORES);
  }

  /** No named store: one store from the top-level properties. */
  static final class None extends NamedStoresCondition {
    None() {
      super(false);
    }
  }

  /** Some named stores. */
  static final class Some extends NamedStoresCondition {
    Some() {
      super(true);
    }
  }
}
