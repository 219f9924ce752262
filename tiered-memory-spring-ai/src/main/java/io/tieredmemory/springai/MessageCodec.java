package io.tieredmemory.springai;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AbstractMessage;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.content.MediaContent;
import org.springframework.util.MimeType;

/**
 * The JSON form of a conversation: {@code {"format":1,"messages":[...]}}, one object per message
 * with its type, text, metadata, media, tool calls and tool responses.
 *
 * <p>Metadata values keep their Java type where JSON alone would lose it: strings, booleans and
 * null are written as such; numbers, {@link Instant}, {@link Duration}, {@link UUID}, {@link URI},
 * {@link URL}, {@link MimeType}, enums, {@code byte[]}, lists, sets and maps are written as {@code
 * {"@type":..., "value":...}} and read back as the same type. Any other value is converted by
 * Jackson to its JSON structure and read back as maps and lists (its class is not kept).
 */
final class MessageCodec {

  static final int FORMAT = 1;

  private static final String TYPE = "@type";
  private static final String VALUE = "value";

  private final JsonMapping json;

  MessageCodec(JsonMapping json) {
    this.json = json;
  }

  String write(List<Message> messages) {
    List<Object> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      out.add(writeMessage(i, messages.get(i)));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("messages", out);
    return json.write(root);
  }

  List<Message> read(String stored, String what) {
    Map<?, ?> root;
    try {
      root = json.read(stored, Map.class);
    } catch (JsonFailure e) {
      throw new IllegalStateException(what + " is not a stored conversation: " + e.getMessage(), e);
    }
    Object format = root.get("format");
    if (!(format instanceof Number n) || n.intValue() != FORMAT) {
      throw new IllegalStateException(
          what + " has format " + format + ", this version reads format " + FORMAT);
    }
    List<Message> messages = new ArrayList<>();
    for (Object m : list(root.get("messages"), what + ": messages")) {
      messages.add(readMessage(map(m, what + ": message"), what));
    }
    return messages;
  }

  private Map<String, Object> writeMessage(int index, Message message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", message.getMessageType().name());
    out.put("text", message.getText());
    Map<String, Object> metadata = new TreeMap<>();
    for (Map.Entry<String, Object> e : message.getMetadata().entrySet()) {
      if (AbstractMessage.MESSAGE_TYPE.equals(e.getKey())
          && e.getValue() == message.getMessageType()) {
        continue; // every AbstractMessage puts it back
      }
      metadata.put(e.getKey(), writeValue(e.getValue(), index, e.getKey()));
    }
    out.put("metadata", metadata);
    if (message instanceof MediaContent mc && !mc.getMedia().isEmpty()) {
      List<Object> media = new ArrayList<>();
      for (Media m : mc.getMedia()) {
        media.add(writeMedia(index, m));
      }
      out.put("media", media);
    }
    if (message instanceof AssistantMessage am && !am.getToolCalls().isEmpty()) {
      List<Object> calls = new ArrayList<>();
      for (AssistantMessage.ToolCall c : am.getToolCalls()) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", c.id());
        call.put("type", c.type());
        call.put("name", c.name());
        call.put("arguments", c.arguments());
        calls.add(call);
      }
      out.put("toolCalls", calls);
    }
    if (message instanceof ToolResponseMessage tr) {
      List<Object> responses = new ArrayList<>();
      for (ToolResponseMessage.ToolResponse r : tr.getResponses()) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("id", r.id());
        response.put("name", r.name());
        response.put("responseData", r.responseData());
        responses.add(response);
      }
      out.put("responses", responses);
    }
    return out;
  }

  private Map<String, Object> writeMedia(int index, Media m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.getId());
    out.put("name", m.getName());
    out.put("mimeType", m.getMimeType().toString());
    Object data = m.getData();
    if (data instanceof byte[] bytes) {
      out.put("data", typed("bytes", Base64.getEncoder().encodeToString(bytes)));
    } else if (data instanceof String s) {
      out.put("data", s);
    } else if (data instanceof URL url) {
      out.put("data", typed("url", url.toString()));
    } else {
      throw new IllegalArgumentException(
          "message "
              + index
              + ": media "
              + m.getName()
              + " holds a "
              + data.getClass().getName()
              + ", only byte[], String and URL data can be stored");
    }
    return out;
  }

  private @Nullable Object writeValue(@Nullable Object v, int index, String key) {
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Integer) {
      return typed("int", v.toString());
    }
    if (v instanceof Long) {
      return typed("long", v.toString());
    }
    if (v instanceof Double) {
      return typed("double", v.toString());
    }
    if (v instanceof Float) {
      return typed("float", v.toString());
    }
    if (v instanceof Short) {
      return typed("short", v.toString());
    }
    if (v instanceof Byte) {
      return typed("byte", v.toString());
    }
    if (v instanceof Character) {
      return typed("char", v.toString());
    }
    if (v instanceof BigInteger) {
      return typed("biginteger", v.toString());
    }
    if (v instanceof BigDecimal) {
      return typed("bigdecimal", v.toString());
    }
    if (v instanceof Instant) {
      return typed("instant", v.toString());
    }
    if (v instanceof Duration) {
      return typed("duration", v.toString());
    }
    if (v instanceof UUID) {
      return typed("uuid", v.toString());
    }
    if (v instanceof URI) {
      return typed("uri", v.toString());
    }
    if (v instanceof URL) {
      return typed("url", v.toString());
    }
    if (v instanceof MimeType) {
      return typed("mimetype", v.toString());
    }
    if (v instanceof byte[] bytes) {
      return typed("bytes", Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof Enum<?> e) {
      Map<String, Object> out = typed("enum", e.name());
      out.put("class", e.getDeclaringClass().getName());
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new IllegalArgumentException(
              "message "
                  + index
                  + ": metadata "
                  + key
                  + " is a map with a "
                  + (e.getKey() == null ? "null" : e.getKey().getClass().getName())
                  + " key, only String keys can be stored");
        }
        values.put(k, writeValue(e.getValue(), index, key));
      }
      return typed("map", values);
    }
    if (v instanceof Set<?> s) {
      return typed("set", writeAll(s, index, key));
    }
    if (v instanceof Collection<?> c) {
      return typed("list", writeAll(c, index, key));
    }
    Object structure;
    try {
      structure = json.structure(v);
    } catch (JsonFailure e) {
      throw new IllegalArgumentException(
          "message "
              + index
              + ": metadata "
              + key
              + " holds a "
              + v.getClass().getName()
              + " that Jackson cannot write: "
              + e.getMessage(),
          e);
    }
    return typed("json", structure);
  }

  private List<@Nullable Object> writeAll(Collection<?> c, int index, String key) {
    List<@Nullable Object> out = new ArrayList<>(c.size());
    for (Object o : c) {
      out.add(writeValue(o, index, key));
    }
    return out;
  }

  private static Map<String, Object> typed(String type, @Nullable Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(TYPE, type);
    out.put(VALUE, value);
    return out;
  }

  private Message readMessage(Map<?, ?> m, String what) {
    String typeName = string(m.get("type"), what + ": message type");
    MessageType type;
    try {
      type = MessageType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(what + ": unknown message type " + typeName, e);
    }
    Object text = m.get("text");
    Map<String, Object> metadata = new LinkedHashMap<>();
    Object storedMetadata = m.get("metadata");
    if (storedMetadata != null) {
      for (Map.Entry<?, ?> e : map(storedMetadata, what + ": metadata").entrySet()) {
        metadata.put(String.valueOf(e.getKey()), readValue(e.getValue(), what));
      }
    }
    List<Media> media = new ArrayList<>();
    Object storedMedia = m.get("media");
    if (storedMedia != null) {
      for (Object o : list(storedMedia, what + ": media")) {
        media.add(readMedia(map(o, what + ": media"), what));
      }
    }
    return switch (type) {
      case USER ->
          UserMessage.builder()
              .text(text == null ? "" : text.toString())
              .media(media)
              .metadata(metadata)
              .build();
      case SYSTEM ->
          SystemMessage.builder()
              .text(text == null ? "" : text.toString())
              .metadata(metadata)
              .build();
      case ASSISTANT -> {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        Object storedCalls = m.get("toolCalls");
        if (storedCalls != null) {
          for (Object o : list(storedCalls, what + ": tool calls")) {
            Map<?, ?> c = map(o, what + ": tool call");
            calls.add(
                new AssistantMessage.ToolCall(
                    nullableString(c.get("id")),
                    nullableString(c.get("type")),
                    nullableString(c.get("name")),
                    nullableString(c.get("arguments"))));
          }
        }
        yield AssistantMessage.builder()
            .content(text == null ? null : text.toString())
            .properties(metadata)
            .toolCalls(calls)
            .media(media)
            .build();
      }
      case TOOL -> {
        List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
        Object stored = m.get("responses");
        if (stored != null) {
          for (Object o : list(stored, what + ": tool responses")) {
            Map<?, ?> r = map(o, what + ": tool response");
            responses.add(
                new ToolResponseMessage.ToolResponse(
                    nullableString(r.get("id")),
                    nullableString(r.get("name")),
                    nullableString(r.get("responseData"))));
          }
        }
        yield ToolResponseMessage.builder().responses(responses).metadata(metadata).build();
      }
    };
  }

  // ToolCall and ToolResponse components are not annotated @Nullable, yet providers leave some
  // of them null; they are kept as they were.
  @SuppressWarnings("NullAway")
  private static String nullableString(@Nullable Object o) {
    return o == null ? null : o.toString();
  }

  private Media readMedia(Map<?, ?> m, String what) {
    Media.Builder b =
        Media.builder().mimeType(MimeType.valueOf(string(m.get("mimeType"), what + ": mime type")));
    Object id = m.get("id");
    if (id != null) {
      b.id(id.toString());
    }
    Object name = m.get("name");
    if (name != null) {
      b.name(name.toString());
    }
    Object data = m.get("data");
    if (data instanceof String s) {
      b.data(s);
    } else {
      Map<?, ?> typed = map(data, what + ": media data");
      String type = string(typed.get(TYPE), what + ": media data type");
      String value = string(typed.get(VALUE), what + ": media data");
      switch (type) {
        case "bytes" -> b.data(Base64.getDecoder().decode(value));
        case "url" -> b.data(url(value, what));
        default -> throw new IllegalStateException(what + ": unknown media data type " + type);
      }
    }
    return b.build();
  }

  private @Nullable Object readValue(@Nullable Object v, String what) {
    if (!(v instanceof Map<?, ?> m)) {
      return v; // String, Boolean, null
    }
    String type = string(m.get(TYPE), what + ": metadata type");
    Object value = m.get(VALUE);
    return switch (type) {
      case "int" -> Integer.valueOf(string(value, what));
      case "long" -> Long.valueOf(string(value, what));
      case "double" -> Double.valueOf(string(value, what));
      case "float" -> Float.valueOf(string(value, what));
      case "short" -> Short.valueOf(string(value, what));
      case "byte" -> Byte.valueOf(string(value, what));
      case "char" -> string(value, what).charAt(0);
      case "biginteger" -> new BigInteger(string(value, what));
      case "bigdecimal" -> new BigDecimal(string(value, what));
      case "instant" -> Instant.parse(string(value, what));
      case "duration" -> Duration.parse(string(value, what));
      case "uuid" -> UUID.fromString(string(value, what));
      case "uri" -> URI.create(string(value, what));
      case "url" -> url(string(value, what), what);
      case "mimetype" -> MimeType.valueOf(string(value, what));
      case "bytes" -> Base64.getDecoder().decode(string(value, what));
      case "enum" -> readEnum(string(m.get("class"), what), string(value, what));
      case "map" -> {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map(value, what).entrySet()) {
          out.put(String.valueOf(e.getKey()), readValue(e.getValue(), what));
        }
        yield out;
      }
      case "list" -> {
        List<@Nullable Object> out = new ArrayList<>();
        for (Object o : list(value, what)) {
          out.add(readValue(o, what));
        }
        yield out;
      }
      case "set" -> {
        Set<@Nullable Object> out = new LinkedHashSet<>();
        for (Object o : list(value, what)) {
          out.add(readValue(o, what));
        }
        yield out;
      }
      case "json" -> value;
      default -> throw new IllegalStateException(what + ": unknown metadata type " + type);
    };
  }

  /** The enum constant when its class is loadable here, else its name. */
  private static Object readEnum(String className, String name) {
    try {
      Class<?> c = Class.forName(className, false, MessageCodec.class.getClassLoader());
      if (c.isEnum()) {
        for (Object constant : c.getEnumConstants()) {
          if (((Enum<?>) constant).name().equals(name)) {
            return constant;
          }
        }
      }
    } catch (ClassNotFoundException | LinkageError e) {
      // not on this class path: the name is all that can be given back
    }
    return name;
  }

  private static URL url(String s, String what) {
    try {
      return URI.create(s).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalStateException(what + ": bad URL " + s, e);
    }
  }

  private static String string(@Nullable Object o, String what) {
    if (!(o instanceof String s)) {
      throw new IllegalStateException(what + ": expected a string, found " + o);
    }
    return s;
  }

  private static Map<?, ?> map(@Nullable Object o, String what) {
    if (!(o instanceof Map<?, ?> m)) {
      throw new IllegalStateException(what + ": expected an object, found " + o);
    }
    return m;
  }

  private static List<?> list(@Nullable Object o, String what) {
    if (!(o instanceof List<?> l)) {
      throw new IllegalStateException(what + ": expected an array, found " + o);
    }
    return l;
  }
}
