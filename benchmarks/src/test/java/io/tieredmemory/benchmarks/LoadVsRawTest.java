package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.benchmarks.LoadVsRaw.Op;
import io.tieredmemory.benchmarks.LoadVsRaw.Options;
import io.tieredmemory.benchmarks.LoadVsRaw.Zipf;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The load driver's own logic: its command line, its key popularity and its operation mix. */
class LoadVsRawTest {

  @Test
  void options_parseBothForms_andKeepDefaultsForTheRest() {
    Options o = Options.parse(new String[] {"--threads", "4", "--seconds=7", "--zipf", "1.2"});
    assertThat(o.threads()).isEqualTo(4);
    assertThat(o.seconds()).isEqualTo(7);
    assertThat(o.zipf()).isEqualTo(1.2);
    assertThat(o.rounds()).isEqualTo(Options.defaults().rounds());
    assertThat(o.out()).isEqualTo(Options.defaults().out());
    assertThat(Options.parse(new String[] {"--out", "x/y.md"}).out()).isEqualTo(Path.of("x/y.md"));
  }

  @Test
  void options_badInput_namesTheOptionAndTheValue() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--threads", "0"}))
        .hasMessageContaining("--threads")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> Options.parse(new String[] {"--rounds=many"}))
        .hasMessageContaining("--rounds")
        .hasMessageContaining("'many'");
    assertThatThrownBy(() -> Options.parse(new String[] {"--zipf", "-1"}))
        .hasMessageContaining("--zipf")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> Options.parse(new String[] {"--policy", "fast"}))
        .hasMessageContaining("--policy")
        .hasMessageContaining("'fast'");
    assertThat(Options.parse(new String[] {"--policy=steady"}).policy()).isEqualTo("steady");
    assertThat(Options.parse(new String[] {"--rate", "150"}).rate()).isEqualTo(150);
    assertThatThrownBy(() -> Options.parse(new String[] {"--rate", "-5"}))
        .hasMessageContaining("--rate")
        .hasMessageContaining("-5");
    assertThatThrownBy(() -> Options.parse(new String[] {"--speed", "9"}))
        .hasMessageContaining("--speed");
    assertThatThrownBy(() -> Options.parse(new String[] {"--keys"}))
        .hasMessageContaining("--keys needs a value");
  }

  @Test
  void zipf_isSkewedTowardsTheFirstRanks_andDeterministicForASeed() {
    Zipf zipf = new Zipf(1_000, 0.99);
    int[] counts = new int[1_000];
    SplittableRandom rnd = new SplittableRandom(7);
    int draws = 200_000;
    for (int i = 0; i < draws; i++) {
      counts[zipf.sample(rnd)]++;
    }
    // Rank 0 about twice rank 1 and ten times rank 9; the top 10% of keys take over half the draws.
    assertThat(counts[0]).isGreaterThan((int) (counts[1] * 1.7));
    assertThat(counts[0]).isGreaterThan(counts[9] * 7);
    int top100 = 0;
    for (int i = 0; i < 100; i++) {
      top100 += counts[i];
    }
    assertThat(top100 / (double) draws).isBetween(0.6, 0.75).isCloseTo(zipf.share(100), within());
    SplittableRandom a = new SplittableRandom(3);
    SplittableRandom b = new SplittableRandom(3);
    for (int i = 0; i < 1_000; i++) {
      assertThat(zipf.sample(a)).isEqualTo(zipf.sample(b));
    }
    assertThat(new Zipf(1, 1.0).sample(rnd)).isZero();
    assertThatThrownBy(() -> new Zipf(0, 1.0))
        .hasMessageContaining("keys")
        .hasMessageContaining("0");
  }

  @Test
  void op_mixIsLoadItsMix() {
    int[] counts = new int[Op.values().length];
    for (int dice = 0; dice < 100; dice++) {
      counts[Op.of(dice).ordinal()]++;
    }
    assertThat(counts).containsExactly(45, 30, 10, 15);
    assertThatThrownBy(() -> Op.of(100)).hasMessageContaining("100");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.01);
  }
}
