package io.tieredmemory.chroma;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.chroma.ChromaClient.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON and URL helpers for {@link ChromaClient}. Jackson is used through its tree model only: no
 * bean binding and no polymorphic typing, so a response can never instantiate a class; Jackson's
 * default read limits (nesting depth, number and string lengths) apply.
 */
final class ChromaJson {
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  static final JsonNodeFactory NODES = JSON.getNodeFactory();

  private static final int SHOWN_BODY_CHARS = 300;

  private ChromaJson() {}

  /** A query answer holds one list per query embedding; we send one, so take the first. */
  static JsonNode flatten(JsonNode r) {
    ObjectNode flat = NODES.objectNode();
    for (String field : new String[] {"ids", "documents", "metadatas", "embeddings"}) {
      JsonNode outer = r.path(field);
      flat.set(field, outer.isArray() ? outer.path(0) : NullNode.getInstance());
    }
    return flat;
  }

  static List<Row> rows(JsonNode r) {
    JsonNode ids = r.path("ids");
    JsonNode docs = r.path("documents");
    JsonNode metas = r.path("metadatas");
    JsonNode vecs = r.path("embeddings");
    List<Row> rows = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      JsonNode doc = docs.path(i);
      JsonNode meta = metas.path(i);
      JsonNode vec = vecs.path(i);
      float[] embedding = null;
      if (vec.isArray()) {
        embedding = new float[vec.size()];
        for (int j = 0; j < embedding.length; j++) {
          embedding[j] = (float) vec.get(j).asDouble();
        }
      }
      rows.add(
          new Row(
              ids.get(i).asText(),
              doc.isTextual() ? doc.asText() : null,
              meta.isObject() ? meta : null,
              embedding));
    }
    return rows;
  }

  static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a request body as JSON", e);
    }
  }

  static String abbreviate(Object value) {
    String s = String.valueOf(value);
    return s.length() <= SHOWN_BODY_CHARS ? s : s.substring(0, SHOWN_BODY_CHARS) + "...";
  }

  /** Percent-encodes one path segment (tenant and database names may hold any character). */
  static String segment(String value) {
    StringBuilder sb = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (unreserved) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
