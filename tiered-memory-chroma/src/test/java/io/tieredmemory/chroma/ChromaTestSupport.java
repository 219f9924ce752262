package io.tieredmemory.chroma;

import io.tieredmemory.testservers.RealServers;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Shared set-up for tests against the real Chroma server (TM_CHROMA_URL). */
final class ChromaTestSupport {
  private ChromaTestSupport() {}

  static URI chromaUrl() {
    return URI.create(RealServers.chromaUrl());
  }

  /** A collection name no other test uses. */
  static String uniqueCollection(String prefix) {
    return prefix
        + "-"
        + Long.toHexString(System.nanoTime())
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
  }

  /** A client on the default tenant and database. */
  static ChromaClient client(URI url, Duration timeout) {
    return client(url, timeout, Map.of());
  }

  /** A client on the default tenant and database, sending {@code headers} with every request. */
  static ChromaClient client(URI url, Duration timeout, Map<String, String> headers) {
    return new ChromaClient(
        new ChromaHttp(url, Duration.ofSeconds(5), timeout, headers),
        ChromaTierStore.Builder.DEFAULT_TENANT,
        ChromaTierStore.Builder.DEFAULT_DATABASE,
        Integer.MAX_VALUE);
  }

  /** Deletes a collection, ignoring that it may not exist. */
  static void deleteQuietly(ChromaClient client, String name) {
    try {
      client.deleteCollection(name);
    } catch (ChromaException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }
}
