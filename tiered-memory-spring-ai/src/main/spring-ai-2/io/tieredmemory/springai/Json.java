package io.tieredmemory.springai;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link JsonMapping} on Jackson 3 ({@code tools.jackson}), as Spring AI 2 uses; reads all of the
 * text whatever the mapper given says.
 */
record Json(JsonMapper mapper) implements JsonMapping {

  Json {
    Objects.requireNonNull(mapper, "mapper");
  }

  /** A plain {@code JsonMapper}'s. */
  static JsonMapping defaults() {
    return new Json(JsonMapper.builder().build());
  }

  @Override
  public String write(@Nullable Object value) {
    return call(() -> mapper.writeValueAsString(value));
  }

  @Override
  public <T> T read(String json, Class<T> type) {
    return call(
        () ->
            mapper
                .readerFor(type)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .<T>readValue(json));
  }

  @Override
  public @Nullable Object structure(Object value) {
    return call(() -> mapper.convertValue(value, Object.class));
  }

  private static <T> T call(Supplier<T> jackson) {
    try {
      return jackson.get();
    } catch (JacksonException e) {
      throw new JsonFailure(e.getOriginalMessage(), e);
    }
  }

  /**
   * The builder option of a Jackson 3 {@code JsonMapper}.
   *
   * @param <B> the builder
   */
  abstract static class MapperOption<B> extends JsonMapping.Option<B> {

    /**
     * The JSON mapper (default: a plain {@code JsonMapper}). Only metadata values of types the
     * repository does not know (records, beans) go through its conversions, and come back as maps.
     */
    public B jsonMapper(JsonMapper mapper) {
      return json(new Json(mapper));
    }
  }
}
