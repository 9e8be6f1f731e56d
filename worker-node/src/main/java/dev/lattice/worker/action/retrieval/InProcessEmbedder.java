package dev.lattice.worker.action.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;

/**
 * Embeds texts with all-MiniLM-L6-v2 (384 dimensions), an ONNX model that ships inside a jar and
 * runs in this JVM: no network, no API key.
 *
 * <p>The model takes about 90 MB of memory and a second or two to load, so it is loaded at the
 * first call, once per JVM, and shared by every node and action in it (it holds no state between
 * calls). Calls block their thread on CPU work: make them on a dedicated dispatcher, never on an
 * actor's thread.
 */
public final class InProcessEmbedder {
  /** The model's name, as outputs report it. */
  public static final String MODEL = "all-minilm-l6-v2";

  private static final Object LOCK = new Object();
  private static volatile AllMiniLmL6V2EmbeddingModel model;

  /** Texts embedded: one vector per text, in their order, and the tokens the model read. */
  public record Embedded(String model, int dimension, List<float[]> vectors, long tokens) {}

  /** Embeds {@code texts}, loading the model first if no call did yet. */
  public Embedded embed(List<String> texts) {
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    Response<List<Embedding>> response = model().embedAll(segments);
    List<float[]> vectors = response.content().stream().map(Embedding::vector).toList();
    Integer tokens = response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount();
    return new Embedded(
        MODEL, vectors.get(0).length, vectors, tokens == null ? 0 : tokens.longValue());
  }

  private static AllMiniLmL6V2EmbeddingModel model() {
    AllMiniLmL6V2EmbeddingModel loaded = model;
    if (loaded != null) {
      return loaded;
    }
    synchronized (LOCK) {
      if (model == null) {
        model = load();
      }
      return model;
    }
  }

  private static AllMiniLmL6V2EmbeddingModel load() {
    // The tokenizer's library (DJL) would otherwise look for a newer version of its native code
    // and report its use to its makers (asking a cloud's metadata address first) when it starts:
    // the model is all in the jar, and a node calls nowhere it was not told to.
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    // A direct executor: the model embeds several texts on the calling thread, one after the
    // other, instead of starting a thread pool of its own beside the dispatcher's.
    return new AllMiniLmL6V2EmbeddingModel(Runnable::run);
  }
}
