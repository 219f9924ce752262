package io.tieredmemory.springai;

/**
 * Jackson could not read or write a value. {@link Json} throws it whichever Jackson is underneath
 * (Jackson 2's checked exceptions and Jackson 3's unchecked ones alike), so that the sources shared
 * by the Spring AI 1 and 2 modules catch one type.
 */
final class JsonFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String originalMessage;

  JsonFailure(String originalMessage, Throwable cause) {
    super(originalMessage, cause);
    this.originalMessage = originalMessage;
  }

  /** Jackson's message, without the location it appends. */
  String originalMessage() {
    return originalMessage;
  }
}
