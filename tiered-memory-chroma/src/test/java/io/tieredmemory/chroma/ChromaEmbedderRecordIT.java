package io.tieredmemory.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.chroma.ChromaClient.Write;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.spi.Embedder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedder a collection records ({@code tm_embedder}, {@code tm_dimension}), against the real
 * Chroma server in TM_CHROMA_URL: written at creation, checked at every build, added to a
 * collection created before the record existed.
 */
class ChromaEmbedderRecordIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private ChromaClient client;
  private String name;
  private final List<ChromaTierStore> stores = new ArrayList<>();

  @BeforeEach
  void connect() {
    client = ChromaTestSupport.client(ChromaTestSupport.chromaUrl(), Duration.ofSeconds(10));
    name = ChromaTestSupport.uniqueCollection("tm-embedder-it");
  }

  @AfterEach
  void deleteCollection() {
    stores.forEach(ChromaTierStore::close);
    ChromaTestSupport.deleteQuietly(client, name);
  }

  private ChromaTierStore build(Embedder embedder) {
    ChromaTierStore s =
        ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder).collection(name).build();
    stores.add(s);
    return s;
  }

  private ChromaTierStore.Builder builder(Embedder embedder) {
    return ChromaTierStore.builder(ChromaTestSupport.chromaUrl(), embedder).collection(name);
  }

  /** The hashing embedder under another name: same dimension, another vector space. */
  private static Embedder renamed(String id) {
    Embedder hashing = Embedder.hashing();
    return new Embedder() {
      @Override
      public int dimension() {
        return hashing.dimension();
      }

      @Override
      public float[] embed(String text) {
        return hashing.embed(text);
      }

      @Override
      public String id() {
        return id;
      }
    };
  }

  private ObjectNode collectionMetadata() {
    ObjectNode meta = client.getOrCreateCollection(name, "cosine").metadata();
    assertThat(meta).isNotNull();
    return meta;
  }

  @Test
  void aNewCollection_recordsTheEmbedder_andTheSameEmbedderReopensIt() {
    ChromaTierStore first = build(Embedder.hashing());
    first.upsert(new Memory("k", "kept", Map.of(), T0, T0, 1), 0);

    ObjectNode meta = collectionMetadata();
    assertThat(meta.path(ChromaTierStore.EMBEDDER_KEY).asText()).isEqualTo("hashing/256");
    assertThat(meta.path(ChromaTierStore.DIMENSION_KEY).asInt()).isEqualTo(256);

    ChromaTierStore again = build(Embedder.hashing());
    assertThat(again.read("k", 0).content()).isEqualTo("kept");
  }

  @Test
  void anotherEmbedderId_failsAtBuild_namingCollectionBothEmbeddersAndWhatToDo() {
    build(Embedder.hashing()).upsert(new Memory("k", "kept", Map.of(), T0, T0, 1), 0);

    assertThatThrownBy(() -> builder(renamed("other-model/256")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "collection '"
                + name
                + "' was written with embedder 'hashing/256' (tm_embedder, 256 dimensions in"
                + " tm_dimension), but this store's embedder is 'other-model/256' (256"
                + " dimensions): vectors of two embedders cannot be compared. Build the store with"
                + " the recorded embedder, use another collection, or re-embed the records into a"
                + " new collection with this embedder");
    assertThat(collectionMetadata().path(ChromaTierStore.EMBEDDER_KEY).asText())
        .as("the record is left as it was")
        .isEqualTo("hashing/256");
  }

  @Test
  void anotherDimension_failsAtBuild_evenBeforeAnyRecordWasWritten() {
    build(Embedder.hashing()).close();

    assertThatThrownBy(() -> builder(Embedder.hashing(128)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("collection '" + name + "' was written with embedder 'hashing/256'")
        .hasMessageContaining("256 dimensions in tm_dimension")
        .hasMessageContaining("this store's embedder is 'hashing/128' (128 dimensions)")
        .hasMessageContaining("use another collection, or re-embed");
  }

  @Test
  void aCollectionCreatedBeforeTheRecord_isAdopted_keepingItsOtherMetadata() {
    ObjectNode legacy = ChromaJson.NODES.objectNode().put("owner", "team-a").put("n", 3);
    String id = client.getOrCreateCollection(name, "cosine", legacy).id();
    ObjectNode recordMeta =
        RecordCodec.metadata(
            new io.tieredmemory.core.spi.StoredMemory(
                new Memory("old", "written before", Map.of(), T0, T0, 1), 0, 0));
    recordMeta.remove(RecordCodec.EMBEDDING); // as the layout was before the field
    client.upsert(
        id, List.of(new Write("old", "written before", Embedder.hashing().embed("x"), recordMeta)));

    ChromaTierStore adopted = build(Embedder.hashing());

    ObjectNode meta = collectionMetadata();
    assertThat(meta.path("owner").asText()).isEqualTo("team-a");
    assertThat(meta.path("n").asInt()).isEqualTo(3);
    assertThat(meta.path(ChromaTierStore.EMBEDDER_KEY).asText()).isEqualTo("hashing/256");
    assertThat(meta.path(ChromaTierStore.DIMENSION_KEY).asInt()).isEqualTo(256);
    Memory old = adopted.read("old", 0);
    assertThat(old.content()).isEqualTo("written before");
    assertThat(old.embedding()).as("a record of the old layout has no embedding").isNull();
    assertThatThrownBy(() -> builder(renamed("other-model/256")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was written with embedder 'hashing/256'");
  }
}
