package io.tieredmemory.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.Memory;
import io.tieredmemory.core.SweepResult;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.core.local.InProcessTiers;
import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.core.spi.StoredMemory;
import io.tieredmemory.core.spi.TierStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Archiving a batch WARM to COLD on a real Chroma. Each invocation gets {@value #BATCH} fresh
 * memories, idle for 30 days, in an in-process WARM; {@code sweepArchive} runs one {@code sweep()}
 * of a store whose COLD tier is {@code ChromaTierStore} and checks it archived exactly the batch.
 * Baseline {@code rawChromaAdd}: the same batch (same documents, embeddings and metadata) written
 * with one {@code /upsert} per {@code max_batch_size}. Scores are milliseconds per batch; the
 * report shows memories per second ({@code batch} / score). {@code batch} is a parameter so that
 * the smoke test can run a small one; published figures use the default.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class ArchiveBenchmark {
  static final int BATCH = 200;

  /** The memories each invocation archives. */
  @Param({"" + BATCH})
  public int batch;

  private final Embedder embedder = Embedder.hashing();
  private final BenchClock clock = new BenchClock(BenchClock.ORIGIN);
  private final String run = Long.toHexString(System.nanoTime());
  private RawChroma raw;
  private int maxBatch;
  private String rawCollection;
  private String rawCollectionId;
  private ChromaTierStore cold;
  private TierStore warm;
  private TieredMemory store;
  private int invocation;

  private List<RawChroma.Record> rawBatch;

  /** Two fresh collections: one for the store's COLD tier, one for the raw writes. */
  @Setup(Level.Trial)
  public void setUp() {
    raw = new RawChroma(Servers.chroma());
    maxBatch = raw.maxBatchSize();
    rawCollection = "bench-archive-raw-" + run;
    rawCollectionId = raw.createCollection(rawCollection);
    cold =
        ChromaTierStore.builder(Servers.chroma(), embedder)
            .collection("bench-archive-store-" + run)
            .build();
    warm = InProcessTiers.warm(Embedder.hashing());
    store =
        TieredMemory.builder("bench-archive")
            .warm(warm)
            .cold(cold)
            .clock(clock)
            .embedder(embedder)
            .disableScheduledSweeps()
            .discoverObservers(false)
            .build();
  }

  /** Deletes both collections. */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    raw.deleteCollection(rawCollection);
    raw.deleteCollection("bench-archive-store-" + run);
  }

  /** A fresh batch, idle for 30 days, in WARM; the same batch prepared for the raw writes. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    invocation++;
    Instant written = clock.instant().minus(Duration.ofDays(31));
    long lastAccess = clock.millis() - Duration.ofDays(30).toMillis();
    rawBatch = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      String key = "archive:" + invocation + ":" + i;
      String content =
          "memory "
              + i
              + " of batch "
              + invocation
              + ": the user prefers concise answers in French";
      Memory m = new Memory(key, content, Map.of(), written, written, 1_000_000L + i);
      warm.copyIn(new StoredMemory(m, 3, lastAccess));
      rawBatch.add(
          new RawChroma.Record(key, content, embedder.embed(content), metadata(m, 3, lastAccess)));
    }
  }

  /** The reserved metadata ChromaTierStore writes with each record (docs/backends/chroma.md). */
  private static ObjectNode metadata(Memory m, long count, long lastAccess) {
    ObjectNode meta = RawChroma.object();
    meta.put("tm_layout", 1);
    meta.put("tm_version", m.version());
    meta.put("tm_created", m.createdAt().toString());
    meta.put("tm_updated", m.updatedAt().toString());
    meta.put("tm_count", count);
    meta.put("tm_last", lastAccess);
    meta.put("tm_size", m.sizeInBytes());
    meta.put("tm_meta", "{}");
    return meta;
  }

  /** The baseline: the batch in one {@code /upsert} per {@code max_batch_size}. */
  @Benchmark
  public int rawChromaAdd() {
    raw.upsert(rawCollectionId, rawBatch, maxBatch);
    return rawBatch.size();
  }

  /** One sweep that archives the batch to Chroma through the store. */
  @Benchmark
  public SweepResult sweepArchive() {
    SweepResult r = store.sweep();
    if (r.archived() != batch) {
      throw new IllegalStateException("expected " + batch + " archived, the sweep gave " + r);
    }
    return r;
  }
}
