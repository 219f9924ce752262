package io.tieredmemory.examples.biometric;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading bounded request bodies and writing JSON responses on the JDK HTTP server. */
final class HttpIo {
  /** The one mapper of the service: thread-safe once configured. */
  static final ObjectMapper JSON = new ObjectMapper();

  private static final int SHOWN = 64;

  private HttpIo() {}

  /**
   * Reads the request body, refusing it with 413 as soon as it is known to exceed {@code maxBytes}:
   * from {@code Content-Length} before reading anything, or after reading {@code maxBytes + 1}
   * bytes of a body of unknown length. Never holds more than {@code maxBytes + 1} bytes of it.
   */
  static byte[] readBody(HttpExchange ex, int maxBytes) throws ApiError, IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length > maxBytes) {
        throw tooLarge(maxBytes, declared.trim() + " bytes declared");
      }
    }
    InputStream in = ex.getRequestBody();
    ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(maxBytes, 4096));
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer, 0, Math.min(buffer.length, maxBytes + 1 - body.size()))) > 0) {
      body.write(buffer, 0, n);
      if (body.size() > maxBytes) {
        throw tooLarge(maxBytes, "more than " + maxBytes + " bytes sent");
      }
    }
    return body.toByteArray();
  }

  private static ApiError tooLarge(int maxBytes, String was) {
    return new ApiError(
        413, "body", null, "body must be at most " + maxBytes + " bytes, was " + was);
  }

  /** Answers with the JSON of {@code error}. */
  static void sendError(HttpExchange ex, ApiError error) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error.getMessage());
    if (error.field() != null) {
      body.put("field", error.field());
    }
    if (error.value() != null) {
      body.put("value", error.value());
    }
    if (error.status() == 413) {
      // The rest of the body is not read; a client should not reuse this connection.
      ex.getResponseHeaders().set("Connection", "close");
    }
    sendJson(ex, error.status(), body);
  }

  /** Answers {@code status} with a JSON body. */
  static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length);
    OutputStream out = ex.getResponseBody();
    out.write(bytes);
    // Flushed before the exchange closes: closing may first discard the unread part of a request
    // body (up to the JDK server's drain limit), and the client should have its answer meanwhile.
    out.flush();
    out.close();
  }

  /** A value for an error message: abbreviated, with control characters escaped. */
  static String shown(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    int n = Math.min(value.length(), SHOWN);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    if (value.length() > SHOWN) {
      b.append("...");
    }
    return b.toString();
  }

  /** Decodes a query-string component ({@code +} is a space). */
  static String decodeQueryPart(String raw) {
    return java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8);
  }
}
