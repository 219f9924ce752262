package io.tieredmemory.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The COPY rows and keys of the benchmarks that load many memories, checked without a server. */
class WarmRowsTest {

  @Test
  void key_isThePrefixAndEightDigits() {
    assertThat(WarmRows.key("bg:", 0)).isEqualTo("bg:00000000");
    assertThat(WarmRows.key("bg:", 42)).isEqualTo("bg:00000042");
    assertThat(WarmRows.key("bg:", 99_999_999)).isEqualTo("bg:99999999");
    assertThat(WarmRows.key("bg:", 1_234_567)).isEqualTo(String.format("bg:%08d", 1_234_567));
  }

  @Test
  void key_outOfRange_namesTheIndex() {
    assertThatThrownBy(() -> WarmRows.key("bg:", 100_000_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100000000");
    assertThatThrownBy(() -> WarmRows.key("bg:", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void row_isOneCopyTextLineOfTheStoresColumns() {
    StringBuilder b = new StringBuilder();
    new WarmRows(new PGSimpleDataSource(), "t", 7).row(b, "k", "some content", 3, 99);
    assertThat(b.toString()).isEqualTo("k\tsome content\tf\t{}\t7\t7\t3\t1\t99\t13\n");
  }

  @Test
  void shuffled_isAPermutation() {
    int[] order = WarmScaleBenchmark.shuffled(5000);
    assertThat(order).isNotEqualTo(IntStream.range(0, 5000).toArray());
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertThat(sorted).isEqualTo(IntStream.range(0, 5000).toArray());
  }
}
