package io.tieredmemory.springai;

import io.tieredmemory.core.spi.Embedder;
import io.tieredmemory.embeddings.MiniLmEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A Spring AI {@link EmbeddingModel} over one of the library's {@link Embedder}s: the real sentence
 * model all-MiniLM-L6-v2 ({@link #miniLm()}), run in process, since Spring AI brings no local model
 * here. It records the size of every request it was called with.
 */
final class EmbedderModel implements EmbeddingModel {

  final Embedder embedder;
  final List<Integer> requestSizes = new CopyOnWriteArrayList<>();

  EmbedderModel(Embedder embedder) {
    this.embedder = embedder;
  }

  static EmbedderModel miniLm() {
    return new EmbedderModel(MiniLmEmbedder.shared());
  }

  @Override
  public EmbeddingResponse call(EmbeddingRequest request) {
    requestSizes.add(request.getInstructions().size());
    List<Embedding> out = new ArrayList<>();
    for (String text : request.getInstructions()) {
      out.add(new Embedding(embedder.embed(text), out.size()));
    }
    return new EmbeddingResponse(out);
  }

  @Override
  public float[] embed(Document document) {
    String text = document.getText();
    return embed(text == null ? "" : text);
  }

  @Override
  public int dimensions() {
    return embedder.dimension();
  }
}
