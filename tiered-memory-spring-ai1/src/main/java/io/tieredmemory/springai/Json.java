package io.tieredmemory.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JSON the adapters read and write, on Jackson 2 ({@code com.fasterxml.jackson}), as Spring AI
 * 1 uses. tiered-memory-spring-ai has its own, on Jackson 3; everything else is shared by both.
 */
final class Json {

  private final JsonMapper mapper;

  private Json(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** A plain {@code JsonMapper}'s. */
  static Json defaults() {
    return new Json(JsonMapper.builder().build());
  }

  /**
   * {@code value} as JSON text.
   *
   * @throws JsonFailure when Jackson cannot write it
   */
  String write(@Nullable Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new JsonFailure(e.getOriginalMessage(), e);
    }
  }

  /**
   * The value {@code json} holds, as a {@code type}: all of it, as Jackson 3 reads by default
   * (Jackson 2 would read {@code true story} as {@code true}).
   *
   * @throws JsonFailure when it is not JSON, or not of that type
   */
  <T> T read(String json, Class<T> type) {
    try {
      return mapper
          .readerFor(type)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readValue(json);
    } catch (JsonProcessingException e) {
      throw new JsonFailure(e.getOriginalMessage(), e);
    }
  }

  /**
   * {@code value}'s JSON structure: maps, lists, strings, numbers, booleans.
   *
   * @throws JsonFailure when Jackson cannot write it
   */
  @Nullable Object structure(Object value) {
    try {
      return mapper.convertValue(value, Object.class);
    } catch (IllegalArgumentException e) {
      // Jackson 2 reports a failed conversion so, its cause being the JsonMappingException
      throw new JsonFailure(String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * A builder's JSON mapper option: Jackson 2's {@code JsonMapper} here.
   *
   * @param <B> the builder
   */
  abstract static class MapperOption<B> {

    private Json json = defaults();

    /**
     * The JSON mapper (default: a plain {@code JsonMapper}). Only metadata values of types the
     * repository does not know (records, beans) go through its conversions, and come back as maps.
     */
    public B jsonMapper(JsonMapper mapper) {
      this.json = new Json(Objects.requireNonNull(mapper, "mapper"));
      return self();
    }

    abstract B self();

    Json json() {
      return json;
    }
  }
}
