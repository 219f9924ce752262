package io.tieredmemory.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TieringPolicyTest {

  @Test
  void defaults_documentedValues() {
    TieringPolicy p = TieringPolicy.defaults();

    assertThat(p.promotion().reads()).isEqualTo(3);
    assertThat(p.promotion().window()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.demotion().idle()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.demotion().capacity()).isEqualTo(10_000);
    assertThat(p.archive().idle()).isEqualTo(Duration.ofDays(7));
    assertThat(p.rehydration()).isEqualTo(new RehydrationRule(true, false));
    assertThat(p.sweepBatchSize()).isEqualTo(500);
    assertThat(p.maxMovesPerSweep()).isEqualTo(10_000);
    assertThat(TieringPolicy.custom().build()).isEqualTo(p);
  }

  @Test
  void custom_settersApplied() {
    TieringPolicy p =
        TieringPolicy.custom()
            .promoteAfter(1, Duration.ofSeconds(30))
            .demoteWhenIdle(Duration.ofMinutes(5))
            .hotCapacity(7)
            .archiveWhenIdle(Duration.ofHours(2))
            .rehydrate(true, true)
            .sweepBatchSize(10)
            .maxMovesPerSweep(20)
            .build();

    assertThat(p)
        .isEqualTo(
            new TieringPolicy(
                new PromotionRule(1, Duration.ofSeconds(30)),
                new DemotionRule(Duration.ofMinutes(5), 7),
                new ArchiveRule(Duration.ofHours(2)),
                new RehydrationRule(true, true),
                10,
                20));
  }

  @Test
  void custom_capacityAndIdleSettersIndependent() {
    TieringPolicy p =
        TieringPolicy.custom().hotCapacity(7).demoteWhenIdle(Duration.ofMinutes(5)).build();

    assertThat(p.demotion()).isEqualTo(new DemotionRule(Duration.ofMinutes(5), 7));
  }

  static Stream<Arguments> badSetters() {
    return Stream.of(
        arguments("promotion.window", set(b -> b.promoteAfter(3, Duration.ZERO))),
        arguments("promotion.window", set(b -> b.promoteAfter(3, Duration.ofSeconds(-1)))),
        arguments("promotion.window", set(b -> b.promoteAfter(3, null))),
        arguments("promotion.reads", set(b -> b.promoteAfter(0, Duration.ofMinutes(1)))),
        arguments("promotion.reads", set(b -> b.promoteAfter(-3, Duration.ofMinutes(1)))),
        arguments("promotion.reads", set(b -> b.promoteAfter(65, Duration.ofMinutes(1)))),
        arguments("demotion.idle", set(b -> b.demoteWhenIdle(Duration.ZERO))),
        arguments("demotion.idle", set(b -> b.demoteWhenIdle(Duration.ofMinutes(-30)))),
        arguments("demotion.idle", set(b -> b.demoteWhenIdle(null))),
        arguments("demotion.capacity", set(b -> b.hotCapacity(0))),
        arguments("demotion.capacity", set(b -> b.hotCapacity(-1))),
        arguments("archive.idle", set(b -> b.archiveWhenIdle(Duration.ZERO))),
        arguments("archive.idle", set(b -> b.archiveWhenIdle(Duration.ofDays(-7)))),
        arguments("archive.idle", set(b -> b.archiveWhenIdle(null))),
        arguments("sweepBatchSize", set(b -> b.sweepBatchSize(0))),
        arguments("maxMovesPerSweep", set(b -> b.maxMovesPerSweep(0))),
        arguments("rehydration.promoteToHot", set(b -> b.rehydrate(false, true))));
  }

  private static Consumer<TieringPolicy.Builder> set(Consumer<TieringPolicy.Builder> c) {
    return c;
  }

  @ParameterizedTest(name = "{0} #{index}")
  @MethodSource("badSetters")
  void setter_invalid(String field, Consumer<TieringPolicy.Builder> call) {
    TieringPolicy.Builder b = TieringPolicy.custom();

    assertThatThrownBy(() -> call.accept(b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + " must");
  }

  @Test
  void setter_invalid_showsValue() {
    assertThatThrownBy(() -> TieringPolicy.custom().demoteWhenIdle(Duration.ofMinutes(-30)))
        .hasMessage("demotion.idle must be positive, was PT-30M");
    assertThatThrownBy(() -> TieringPolicy.custom().hotCapacity(0))
        .hasMessage("demotion.capacity must be >= 1, was 0");
    assertThatThrownBy(() -> TieringPolicy.custom().promoteAfter(0, Duration.ofMinutes(1)))
        .hasMessage("promotion.reads must be between 1 and 64 (or PromotionRule.NEVER), was 0");
  }

  @Test
  void build_archiveShorterThanDemotion() {
    TieringPolicy.Builder b =
        TieringPolicy.custom()
            .demoteWhenIdle(Duration.ofHours(1))
            .archiveWhenIdle(Duration.ofMinutes(59));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("archive.idle must be >= demotion.idle")
        .hasMessageContaining("PT59M")
        .hasMessageContaining("PT1H");
  }

  @Test
  void build_archiveEqualToDemotion() {
    TieringPolicy p =
        TieringPolicy.custom()
            .demoteWhenIdle(Duration.ofHours(1))
            .archiveWhenIdle(Duration.ofHours(1))
            .build();

    assertThat(p.archive().idle()).isEqualTo(p.demotion().idle());
  }

  @Test
  void constructor_nullRule() {
    assertThatThrownBy(
            () ->
                new TieringPolicy(
                    null,
                    DemotionRule.defaults(),
                    ArchiveRule.defaults(),
                    RehydrationRule.defaults(),
                    1,
                    1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("promotion must not be null");
  }

  @Test
  void rehydrationRule_promoteWithoutEnabled() {
    assertThatThrownBy(() -> new RehydrationRule(false, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rehydration.promoteToHot")
        .hasMessageContaining("rehydration.enabled");
    assertThatCode(() -> new RehydrationRule(false, false)).doesNotThrowAnyException();
    assertThatCode(() -> new RehydrationRule(true, true)).doesNotThrowAnyException();
  }

  @Test
  void from_copiesEverything() {
    TieringPolicy base =
        TieringPolicy.custom()
            .promoteAfter(5, Duration.ofMinutes(2))
            .demoteWhenIdle(Duration.ofMinutes(3))
            .hotCapacity(42)
            .archiveWhenIdle(Duration.ofHours(4))
            .rehydrate(false, false)
            .sweepBatchSize(11)
            .maxMovesPerSweep(12)
            .build();

    assertThat(TieringPolicy.from(base).build()).isEqualTo(base);
  }

  @Test
  void from_changeOneKeepsTheRest() {
    TieringPolicy base =
        TieringPolicy.custom()
            .promoteAfter(5, Duration.ofMinutes(2))
            .demoteWhenIdle(Duration.ofMinutes(3))
            .sweepBatchSize(11)
            .build();

    TieringPolicy changed = TieringPolicy.from(base).hotCapacity(99).build();

    assertThat(changed.demotion()).isEqualTo(new DemotionRule(Duration.ofMinutes(3), 99));
    assertThat(changed.promotion()).isEqualTo(base.promotion());
    assertThat(changed.archive()).isEqualTo(base.archive());
    assertThat(changed.rehydration()).isEqualTo(base.rehydration());
    assertThat(changed.sweepBatchSize()).isEqualTo(11);
    assertThat(changed.maxMovesPerSweep()).isEqualTo(base.maxMovesPerSweep());
    assertThat(base.demotion().capacity()).isEqualTo(10_000);
  }

  @Test
  void describe_saysEveryRuleInWords() {
    assertThat(TieringPolicy.defaults().describe())
        .isEqualTo(
            "promote after 3 reads in 10m | demote when hot idle 30m or over 10000"
                + " | archive when warm idle 7d | rehydrate on read");
    assertThat(
            TieringPolicy.custom()
                .neverPromote()
                .demoteWhenIdle(Duration.ofSeconds(90))
                .hotCapacity(50)
                .archiveWhenIdle(Duration.ofHours(36))
                .rehydrate(false, false)
                .build()
                .describe())
        .isEqualTo(
            "never promote | demote when hot idle 1m30s or over 50"
                + " | archive when warm idle 1d12h | no rehydration");
    assertThat(TieringPolicy.custom().rehydrate(true, true).build().describe())
        .endsWith("| rehydrate on read to hot");
  }

  // ------------------------------------------------------------------ decisions

  @Test
  void promotionDecision_detail() {
    Decision d = new PromotionRule(3, Duration.ofMinutes(10)).decision();

    assertThat(d.reason()).isEqualTo(MoveReason.READ_FREQUENCY);
    assertThat(d.detail()).isEqualTo("3 reads in 10m");
  }

  @Test
  void promotionDecision_singular() {
    assertThat(new PromotionRule(1, Duration.ofSeconds(30)).decision().detail())
        .isEqualTo("1 read in 30s");
  }

  @Test
  void demotionIdleDecision_detail() {
    Decision d = DemotionRule.defaults().idleDecision(Duration.ofMinutes(31));

    assertThat(d.reason()).isEqualTo(MoveReason.HOT_IDLE);
    assertThat(d.detail()).isEqualTo("idle 31m");
  }

  @Test
  void demotionCapacityDecision_detail() {
    Decision d = DemotionRule.defaults().capacityDecision(10_001);

    assertThat(d.reason()).isEqualTo(MoveReason.HOT_CAPACITY);
    assertThat(d.detail()).contains("hot over capacity 10000").contains("10001");
  }

  @Test
  void archiveDecision_detail() {
    Decision d = ArchiveRule.defaults().decision(Duration.ofHours(7 * 24 + 3));

    assertThat(d.reason()).isEqualTo(MoveReason.WARM_IDLE);
    assertThat(d.detail()).isEqualTo("idle 7d3h");
  }

  @Test
  void rehydrationDecision_reason() {
    assertThat(RehydrationRule.defaults().decision().reason()).isEqualTo(MoveReason.COLD_READ);
  }

  @Test
  void decision_nullFields() {
    assertThatThrownBy(() -> new Decision(null, "x")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Decision(MoveReason.HOT_IDLE, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void moveReason_labels() {
    assertThat(MoveReason.READ_FREQUENCY.label()).isEqualTo("read_frequency");
    assertThat(MoveReason.HOT_CAPACITY.label()).isEqualTo("hot_capacity");
    assertThat(MoveReason.STALE_COPY.label()).isEqualTo("stale_copy");
  }
}
