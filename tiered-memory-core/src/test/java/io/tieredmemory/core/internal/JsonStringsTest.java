package io.tieredmemory.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonStringsTest {
  private static String json(String s) {
    return JsonStrings.append(new StringBuilder(), s).toString();
  }

  @Test
  void null_is_the_json_null() {
    assertThat(json(null)).isEqualTo("null");
  }

  @Test
  void quotes_backslashes_and_line_ends_get_short_escapes() {
    assertThat(json("a\"b\\c\nd\re\tf")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\"");
  }

  @Test
  void other_control_characters_and_del_are_unicode_escapes() {
    assertThat(json("\0\u0001\b\f\u001f\u007f"))
        .isEqualTo("\"\\u0000\\u0001\\u0008\\u000c\\u001f\\u007f\"");
  }

  @Test
  void javascript_line_separators_are_escaped() {
    assertThat(json("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
  }

  @Test
  void paired_surrogates_stay_and_unpaired_ones_are_escaped() {
    assertThat(json("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
    assertThat(json("a\ud83db")).isEqualTo("\"a\\ud83db\"");
    assertThat(json("a\ude00")).isEqualTo("\"a\\ude00\"");
    assertThat(json("\ude00\ud83d")).isEqualTo("\"\\ude00\\ud83d\"");
  }

  @Test
  void plain_text_is_kept_as_is() {
    assertThat(json("héllo / wörld")).isEqualTo("\"héllo / wörld\"");
  }
}
