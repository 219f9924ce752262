package io.tieredmemory.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DurationsTest {

  static Stream<Arguments> human_rendering() {
    return Stream.of(
        arguments(Duration.ofSeconds(45), "45s"),
        arguments(Duration.ofMinutes(31), "31m"),
        arguments(Duration.ofSeconds(1860), "31m"),
        arguments(Duration.ofMinutes(65), "1h5m"),
        arguments(Duration.ofHours(26), "1d2h"),
        arguments(Duration.ofMillis(250), "250ms"),
        arguments(Duration.ZERO, "0ms"),
        arguments(Duration.ofSeconds(90), "1m30s"),
        arguments(Duration.ofHours(2), "2h"),
        arguments(Duration.ofDays(7), "7d"),
        arguments(Duration.ofMinutes(65).plusSeconds(30), "1h5m"),
        arguments(Duration.ofDays(1).plusMinutes(5), "1d"),
        arguments(Duration.ofSeconds(45).plusMillis(999), "45s"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void human_rendering(Duration d, String expected) {
    assertThat(Durations.human(d)).isEqualTo(expected);
  }
}
