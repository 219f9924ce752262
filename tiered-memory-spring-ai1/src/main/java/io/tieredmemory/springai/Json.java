package io.tieredmemory.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@link JsonMapping} on Jackson 2 ({@code com.fasterxml.jackson}), as Spring AI 1 uses. It reads
 * as Jackson 3 does by default: all of the text ({@code true story} is not read as {@code true}).
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
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new JsonFailure(e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> T read(String json, Class<T> type) {
    try {
      return mapper
          .readerFor(type)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readValue(json);
    } catch (JsonProcessingException e) {
      throw new JsonFailure(e.getOriginalMessage(), e);
    }
  }

  @Override
  public @Nullable Object structure(Object value) {
    try {
      return mapper.convertValue(value, Object.class);
    } catch (IllegalArgumentException e) { // Jackson 2's failed conversion
      throw new JsonFailure(String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * The builder option of a Jackson 2 {@code JsonMapper}.
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
