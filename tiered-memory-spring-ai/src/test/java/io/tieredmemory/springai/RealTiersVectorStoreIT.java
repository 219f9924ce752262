package io.tieredmemory.springai;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.postgres.PostgresTierStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorStoreContract} on real Redis (HOT), PostgreSQL (WARM, searchable with MiniLM) and
 * Chroma (COLD), each store under names of its own (Redis prefix, table, collection).
 */
class RealTiersVectorStoreIT extends VectorStoreContract {

  private static RealTiers real;

  @BeforeAll
  static void connect() {
    real = new RealTiers("spring-ai-vector-it", "saivs_");
  }

  @AfterAll
  static void disconnect() throws Exception {
    real.close();
  }

  /** A PostgreSQL WARM without an embedder cannot search: the store says so, and how. */
  @Test
  void aWarmTierThatCannotSearch_isRefused_sayingHow() {
    String table = real.table("saivs_plain_" + Long.toHexString(System.nanoTime()));
    try (TieredMemory memory =
        TieredMemory.builder("plain")
            .discoverObservers(false)
            .disableScheduledSweeps()
            .embedder(MODEL.embedder)
            .warm(PostgresTierStore.builder(real.pool()).table(table).build())
            .build()) {
      assertThatThrownBy(() -> TieredVectorStore.builder(memory, MODEL).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("WARM of the memory store 'plain'")
          .hasMessageContaining("PostgresTierStore.builder(dataSource).embedder(embedder)");
    }
  }

  @Override
  TieredMemory.Builder tiers(String name) {
    return real.tiers(name, MODEL.embedder);
  }
}
