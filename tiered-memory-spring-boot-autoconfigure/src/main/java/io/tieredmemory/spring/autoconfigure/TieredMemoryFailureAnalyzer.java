package io.tieredmemory.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Describes a refused {@code tiered-memory.*} value: the property, its value and why. */
class TieredMemoryFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidTieredMemoryPropertyException> {

  @Override
  protected FailureAnalysis analyze(
      Throwable rootFailure, InvalidTieredMemoryPropertyException cause) {
    Throwable reason = cause.getCause();
    return new FailureAnalysis(
        "Invalid value '"
            + cause.value()
            + "' for configuration property '"
            + cause.property()
            + "': "
            + (reason != null ? reason.getMessage() : cause.getMessage())
            + ".",
        "Update your application's configuration: set '"
            + cause.property()
            + "' to a valid value (see docs/spring-boot.md), or remove it to use the default.",
        cause);
  }
}
