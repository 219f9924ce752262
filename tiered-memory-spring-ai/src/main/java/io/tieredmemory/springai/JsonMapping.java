package io.tieredmemory.springai;

import org.jspecify.annotations.Nullable;

/**
 * The JSON the adapters read and write. Each Spring AI line's module implements it on its Jackson
 * ({@code Json}: Jackson 3 for Spring AI 2, Jackson 2 for Spring AI 1), the only code they do not
 * share; its failures are {@link JsonFailure}s whichever Jackson is underneath.
 */
interface JsonMapping {

  /**
   * {@code value} as JSON text.
   *
   * @throws JsonFailure when Jackson cannot write it
   */
  String write(@Nullable Object value);

  /**
   * The value {@code json} holds, all of it (no trailing text), as a {@code type}.
   *
   * @throws JsonFailure when it is not JSON, or not of that type
   */
  <T> T read(String json, Class<T> type);

  /**
   * {@code value}'s JSON structure: maps, lists, strings, numbers, booleans.
   *
   * @throws JsonFailure when Jackson cannot write it
   */
  @Nullable Object structure(Object value);

  /**
   * What a builder keeps of its JSON mapper option; the option itself, {@code
   * jsonMapper(JsonMapper)}, takes the module's Jackson's mapper.
   *
   * @param <B> the builder
   */
  abstract class Option<B> {

    private JsonMapping json = Json.defaults();

    abstract B self();

    final B json(JsonMapping json) {
      this.json = json;
      return self();
    }

    final JsonMapping json() {
      return json;
    }
  }
}
