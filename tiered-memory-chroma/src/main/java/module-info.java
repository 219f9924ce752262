/**
 * The COLD tier on Chroma's v2 REST API, through the JDK's {@code java.net.http} client. Jackson
 * reads and writes the JSON and stays inside: no Jackson type is in the API.
 */
module io.tieredmemory.chroma {
  // Nullness annotations (@NullMarked, @Nullable): needed to compile, not at run time.
  requires static transitive org.jspecify;
  requires transitive io.tieredmemory.core;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;

  exports io.tieredmemory.chroma;
}
