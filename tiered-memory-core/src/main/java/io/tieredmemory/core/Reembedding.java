package io.tieredmemory.core;

import io.tieredmemory.core.internal.Validation;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Moves every memory of one tier backend into another built with a new embedder: how an archive
 * changes model. A tier built with an embedder records it with its data and refuses another (see
 * docs/search.md), so the new model gets a new collection or table, and this fills it.
 *
 * <pre>{@code
 * TierStore old = ChromaTierStore.builder(url, Embedder.hashing()).collection("agent-cold").build();
 * TierStore fresh = ChromaTierStore.builder(url, MiniLmEmbedder.shared())
 *     .collection("agent-cold-minilm").build();
 * Reembedding.Result r = Reembedding.from(old).to(fresh, MiniLmEmbedder.shared())
 *     .progress(p -> log.info("{} moved, {} to go", p.moved(), p.remaining()))
 *     .run();
 * // then build the store with .cold(fresh) and .embedder(MiniLmEmbedder.shared())
 * }</pre>
 *
 * <p>A batch at a time (oldest accessed first): copied into the target, which embeds each memory
 * with its own embedder as it takes it in, then removed from the source once the target holds that
 * version. So it is <b>resumable</b>: stopped or failed at any point, every memory is in the source
 * or the target at its version (in both, for a batch in flight), and running it again goes on with
 * what the source still holds. Versions, metadata, content and access statistics are kept, so the
 * WARM tier's archive marks stay valid. Run it while no store uses either tier (reads of archived
 * memories would miss the ones in flight).
 *
 * <p>A memory written with its own embedding ({@link Memory#hasEmbedding()}, as LangChain4j's and
 * Spring AI's adapters write) gets a new one too, so that it stays comparable with the rest: by
 * default its content embedded by the new embedder (the adapters embed the same text the same way),
 * or whatever {@link Builder#ownEmbeddings} returns. One with no content to embed (an embedding
 * added without text) needs {@code ownEmbeddings}; without it the run stops before that batch,
 * naming the key.
 */
public final class Reembedding {
  private Reembedding() {}

  /** Starts a re-embedding that empties {@code source}. */
  public static Builder from(TierStore source) {
    return new Builder(Validation.requireNonNull("source", source));
  }

  /**
   * Where a run is, after each batch.
   *
   * @param moved memories moved by this run so far
   * @param remaining memories the source still holds (as its {@link TierStore#count()} says)
   * @param ownReembedded memories among those moved whose writer's embedding was replaced
   */
  public record Progress(long moved, long remaining, long ownReembedded) {}

  /**
   * What a run did.
   *
   * @param moved memories moved
   * @param ownReembedded memories among those moved whose writer's embedding was replaced
   * @param batches batches copied
   */
  public record Result(long moved, long ownReembedded, int batches) {}

  /** Configures and runs one re-embedding. */
  public static final class Builder {
    private final TierStore source;
    private @Nullable TierStore target;
    private @Nullable Embedder embedder;
    private int batchSize = 100;
    private @Nullable Function<Memory, float[]> own;
    private Consumer<Progress> progress = p -> {};

    private Builder(TierStore source) {
      this.source = source;
    }

    /**
     * The tier backend to fill (required), built with {@code newEmbedder}, which also embeds again
     * the memories written with their own embedding.
     */
    public Builder to(TierStore newTarget, Embedder newEmbedder) {
      this.target = Validation.requireNonNull("target", newTarget);
      this.embedder = Validation.requireNonNull("embedder", newEmbedder);
      return this;
    }

    /** Memories per batch (default 100, 1 to 10,000). */
    public Builder batchSize(int size) {
      if (size < 1 || size > 10_000) {
        throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + size);
      }
      this.batchSize = size;
      return this;
    }

    /**
     * How to embed again a memory written with its own embedding (default: its content, by the new
     * embedder). The function gets the memory and returns its new embedding, of the new embedder's
     * dimension.
     */
    public Builder ownEmbeddings(Function<Memory, float[]> embed) {
      this.own = Validation.requireNonNull("ownEmbeddings", embed);
      return this;
    }

    /** Called after each batch, on the running thread (default: nothing). */
    public Builder progress(Consumer<Progress> listener) {
      this.progress = Validation.requireNonNull("progress", listener);
      return this;
    }

    /**
     * Moves every memory of the source into the target.
     *
     * @throws IllegalStateException if no target was set, if source and target are the same
     *     backend, or if the target refuses memories the source holds (it holds newer versions of
     *     them): those keys are named and left in the source
     * @throws RuntimeException whatever a backend throws; run again to resume
     */
    public Result run() {
      TierStore to = target;
      Embedder fresh = embedder;
      if (to == null || fresh == null) {
        throw new IllegalStateException(
            "target must be set: Reembedding.from(source).to(target, embedder)");
      }
      Function<Memory, float[]> again = own != null ? own : m -> embedContent(m, fresh);
      if (to == source) {
        throw new IllegalStateException("source and target must be different tier backends");
      }
      long moved = 0;
      long ownReembedded = 0;
      int batches = 0;
      while (true) {
        List<StoredMemory> batch = source.oldestAccessed(Long.MAX_VALUE, batchSize);
        if (batch.isEmpty()) {
          return new Result(moved, ownReembedded, batches);
        }
        List<StoredMemory> copies = new ArrayList<>(batch.size());
        Map<String, Long> versions = new HashMap<>();
        long batchOwn = 0;
        for (StoredMemory s : batch) {
          Memory m = s.memory();
          if (m.hasEmbedding()) {
            float[] e = again.apply(m);
            if (e == null || e.length != fresh.dimension()) {
              throw new IllegalStateException(
                  "the new embedding of "
                      + MemoryLimits.quote(m.key())
                      + " must have "
                      + fresh.dimension()
                      + " dimensions (the new embedder's), had "
                      + (e == null ? "null" : String.valueOf(e.length)));
            }
            m = m.withEmbedding(e);
            batchOwn++;
          }
          copies.add(new StoredMemory(m, s.accessCount(), s.lastAccessMillis()));
          versions.put(s.key(), s.version());
        }
        to.copyAllIn(copies);
        to.flush();
        Map<String, StoredMemory> held = to.peekAll(versions.keySet());
        Map<String, Long> done = new HashMap<>();
        List<String> refused = new ArrayList<>();
        versions.forEach(
            (key, version) -> {
              StoredMemory h = held.get(key);
              if (h != null && h.version() == version) {
                done.put(key, version);
              } else {
                refused.add(key);
              }
            });
        if (!refused.isEmpty()) {
          refused.sort(null);
          throw new IllegalStateException(
              "the target does not hold the source's version of "
                  + refused.size()
                  + " memories (it holds another version or refused them), left in the source: "
                  + refused.subList(0, Math.min(10, refused.size()))
                  + (refused.size() > 10 ? " ..." : ""));
        }
        source.removeAllIfVersion(done);
        source.flush();
        moved += done.size();
        ownReembedded += batchOwn;
        batches++;
        progress.accept(new Progress(moved, source.count(), ownReembedded));
      }
    }

    private static float[] embedContent(Memory m, Embedder fresh) {
      if (m.content().isBlank()) {
        throw new IllegalStateException(
            "memory "
                + MemoryLimits.quote(m.key())
                + " has its writer's embedding and no content to embed again: give"
                + " ownEmbeddings(...) a way to embed it with the new model");
      }
      return fresh.embed(m.content());
    }
  }
}
