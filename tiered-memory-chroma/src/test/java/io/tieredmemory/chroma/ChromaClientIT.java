package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.chroma.ChromaClient.Include;
import io.tieredmemory.chroma.ChromaClient.Row;
import io.tieredmemory.chroma.ChromaClient.Write;
import io.tieredmemory.core.spi.Embedder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against the real Chroma server in TM_CHROMA_URL, and against a silent socket. */
class ChromaClientIT {
  private ChromaClient client;
  private final List<String> collections = new ArrayList<>();

  @BeforeEach
  void connect() {
    client = ChromaTestSupport.client(ChromaTestSupport.chromaUrl(), Duration.ofSeconds(10));
  }

  @AfterEach
  void deleteCollections() {
    collections.forEach(name -> ChromaTestSupport.deleteQuietly(client, name));
  }

  private String newCollection(String space) {
    String name = ChromaTestSupport.uniqueCollection("tm-client-it");
    collections.add(name);
    return client.getOrCreateCollection(name, space).id();
  }

  private static Write record(String id, long version) {
    ObjectNode meta = ChromaJson.NODES.objectNode();
    meta.put(RecordCodec.VERSION, version);
    return new Write(id, "doc " + id, new float[] {1, 0.5f, 0.25f}, meta);
  }

  @Test
  void query_wrongDimension_carriesServerMessageStatusAndPath() {
    String id = newCollection("cosine");
    client.upsert(id, List.of(record("a", 1)));

    assertThatThrownBy(() -> client.query(id, new float[] {1, 0}, 1, EnumSet.of(Include.DISTANCES)))
        .isInstanceOfSatisfying(
            ChromaException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.serverError()).isEqualTo("InvalidArgumentError");
              assertThat(e.serverMessage()).contains("dimension of 3, got 2");
              assertThat(e.getMessage())
                  .contains("POST /api/v2/tenants/default_tenant/databases/default_database")
                  .contains("/collections/" + id + "/query")
                  .contains("HTTP 400")
                  .contains("dimension of 3, got 2");
            });
  }

  @Test
  void get_unknownCollection_is404WithServerMessage_andNoHeaderValue() {
    ChromaClient withToken =
        ChromaTestSupport.client(
            ChromaTestSupport.chromaUrl(),
            Duration.ofSeconds(10),
            Map.of("x-chroma-token", "s3cret-token"));
    String missing = "00000000-0000-4000-8000-000000000000";
    assertThatThrownBy(() -> withToken.count(missing))
        .isInstanceOfSatisfying(
            ChromaException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.getMessage()).contains("GET ").contains(missing).contains("NotFound");
              assertThat(e.getMessage()).doesNotContain("s3cret");
            });
  }

  @Test
  void add_oneMoreThanMaxBatchSize_isSplitAndFullyStored() {
    String id = newCollection("cosine");
    int max = client.maxBatchSize();
    assertThat(max).isGreaterThan(1);
    List<Write> records = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= max; i++) {
      records.add(record("r" + i, i + 1));
      ids.add("r" + i);
    }
    long before = client.requestCount();

    client.add(id, records);

    assertThat(client.requestCount() - before).isEqualTo(2);
    assertThat(client.count(id)).isEqualTo(max + 1L);
    List<Row> back = client.get(id, ids, EnumSet.noneOf(Include.class));
    assertThat(back).hasSize(max + 1);
    client.delete(id, ids, null);
    assertThat(client.count(id)).isZero();
  }

  @Test
  void metadataIntegers_are64BitAndFilterExactly() {
    String id = newCollection("cosine");
    long hlc = 1_800_000_000_000_001L;
    client.upsert(id, List.of(record("hlc", hlc), record("max", Long.MAX_VALUE)));

    List<Row> rows = client.get(id, List.of("hlc", "max"), EnumSet.of(Include.METADATAS));
    assertThat(rows)
        .extracting(r -> RecordCodec.version(r.metadata()))
        .containsExactlyInAnyOrder(hlc, Long.MAX_VALUE);
    assertThat(
            ids(
                client.getPage(
                    id,
                    ChromaClient.where(RecordCodec.VERSION, "$eq", hlc),
                    10,
                    0,
                    EnumSet.noneOf(Include.class))))
        .containsExactly("hlc");
    assertThat(
            ids(
                client.getPage(
                    id,
                    ChromaClient.where(RecordCodec.VERSION, "$eq", hlc + 1),
                    10,
                    0,
                    EnumSet.noneOf(Include.class))))
        .isEmpty();
    assertThat(
            ids(
                client.getPage(
                    id,
                    ChromaClient.where(RecordCodec.VERSION, "$lt", hlc),
                    10,
                    0,
                    EnumSet.noneOf(Include.class))))
        .isEmpty();

    client.delete(
        id, List.of("hlc", "max"), ChromaClient.where(RecordCodec.VERSION, "$lt", hlc + 1));
    assertThat(ids(client.get(id, List.of("hlc", "max"), EnumSet.noneOf(Include.class))))
        .containsExactly("max");
  }

  @Test
  void build_existingL2Collection_failsClearly() {
    String name = ChromaTestSupport.uniqueCollection("tm-client-it-l2");
    collections.add(name);
    client.getOrCreateCollection(name, "l2");

    assertThatThrownBy(
            () ->
                ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), Embedder.hashing())
                    .collection(name)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'" + name + "'")
        .hasMessageContaining("'l2'")
        .hasMessageContaining("'cosine'");
  }

  @Test
  void build_existingCollectionOfOtherDimension_failsClearly() {
    String name = ChromaTestSupport.uniqueCollection("tm-client-it-dim");
    collections.add(name);
    String id = client.getOrCreateCollection(name, "cosine").id();
    client.upsert(id, List.of(record("a", 1)));

    assertThatThrownBy(
            () ->
                ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), Embedder.hashing())
                    .collection(name)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3-dimensional")
        .hasMessageContaining("256");
    assertThat(client.getOrCreateCollection(name, "cosine").metadata())
        .as("a failed build records no embedder")
        .isNull();
  }

  @Test
  void call_serverThatNeverAnswers_failsWithinTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // keeps the connection open, never answers
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      ChromaClient slow = ChromaTestSupport.client(url, Duration.ofMillis(500));

      long start = System.nanoTime();
      assertThatThrownBy(slow::heartbeat)
          .isInstanceOfSatisfying(
              ChromaException.class,
              e -> {
                assertThat(e.status()).isEqualTo(ChromaException.NO_RESPONSE);
                assertThat(e.getMessage()).contains("GET /api/v2/heartbeat").contains("PT0.5S");
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

      start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  ChromaTierStore.builder(url, Embedder.hashing())
                      .timeout(Duration.ofMillis(500))
                      .build())
          .isInstanceOf(ChromaException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void call_refusedConnection_failsWithoutResponse() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ChromaClient nobody =
        ChromaTestSupport.client(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2));
    assertThatThrownBy(nobody::heartbeat)
        .isInstanceOfSatisfying(
            ChromaException.class,
            e -> assertThat(e.status()).isEqualTo(ChromaException.NO_RESPONSE));
  }

  private static List<String> ids(List<Row> rows) {
    return rows.stream().map(Row::id).toList();
  }
}
