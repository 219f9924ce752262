package io.tieredmemory.spring.autoconfigure;

import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.TierStore;
import java.net.URI;

/** COLD on a Chroma server: its URL, tenant, database and the store's collection. */
final class ChromaTier {
  private ChromaTier() {}

  static TierStore create(String name, StoreProperties.Chroma p, String prefix, Embedder embedder) {
    URI url =
        TieredMemoryFactory.checked(
            prefix,
            "url",
            p.getUrl(),
            () -> {
              URI u = URI.create(p.getUrl());
              if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("the scheme must be http or https");
              }
              return u;
            });
    ChromaTierStore.Builder b = ChromaTierStore.builder(url, embedder);
    String collection = p.getCollection() != null ? p.getCollection() : "tiered_memory_" + name;
    TieredMemoryFactory.checked(prefix, "collection", collection, () -> b.collection(collection));
    TieredMemoryFactory.checked(prefix, "tenant", p.getTenant(), () -> b.tenant(p.getTenant()));
    TieredMemoryFactory.checked(
        prefix, "database", p.getDatabase(), () -> b.database(p.getDatabase()));
    TieredMemoryFactory.checked(prefix, "timeout", p.getTimeout(), () -> b.timeout(p.getTimeout()));
    return b.build();
  }
}
