package io.tieredmemory.springai;

import io.tieredmemory.core.ReadMoves;
import io.tieredmemory.core.TieredMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ArchivedVectorStoreTest} on real Redis, PostgreSQL and Chroma: every document archived to
 * Chroma before each search of Spring AI's suite and of this project's.
 */
class RealTiersArchivedVectorStoreIT extends ArchivedVectorStoreTest {

  private static RealTiers real;

  @BeforeAll
  static void connect() {
    real = new RealTiers("spring-ai-archived-vector-it", "saiavs_");
  }

  @AfterAll
  static void disconnect() throws Exception {
    real.close();
  }

  @Override
  TieredMemory.Builder base(String name) {
    // Each put's HOT copy is made before put returns: the sweep before each search archives
    // every document, and no copy lands in HOT after it.
    return real.tiers(name, MODEL.embedder).readMoves(ReadMoves.CALLER);
  }
}
