package dev.lattice.worker.action.retrieval;

import com.typesafe.config.Config;

/**
 * The settings of the built-in retrieval actions: {@code split} ({@code lattice.split}), {@code
 * embed} ({@code lattice.embeddings}), {@code vectors.upsert} and {@code vectors.query} ({@code
 * lattice.vectors}).
 *
 * @param split how documents are cut into chunks
 * @param embeddings how texts are embedded
 * @param vectors how vectors are stored and searched
 */
public record RetrievalSettings(Split split, Embeddings embeddings, Vectors vectors) {

  /**
   * @param chunkSize a chunk's most characters when the step does not say
   * @param overlap characters a chunk repeats of the one before when the step does not say
   * @param maxChunkSize the largest chunk size a step may ask for
   * @param maxChunks the most chunks one text may make
   */
  public record Split(int chunkSize, int overlap, int maxChunkSize, int maxChunks) {}

  /**
   * @param dispatcher the dispatcher the model's inference runs on
   * @param maxTexts the most texts one step may embed
   */
  public record Embeddings(String dispatcher, int maxTexts) {}

  /**
   * @param dispatcher the dispatcher the store's JDBC work runs on
   * @param poolSize connections of the store's pool in the journal's database
   * @param maxItems the most chunks one upsert may store
   * @param defaultTopK matches a query returns when the step does not say
   * @param maxTopK the most matches a step may ask for
   */
  public record Vectors(
      String dispatcher, int poolSize, int maxItems, int defaultTopK, int maxTopK) {}

  /** Reads the three sections from {@code config}, a node's whole configuration. */
  public static RetrievalSettings create(Config config) {
    Config split = config.getConfig("lattice.split");
    Config embeddings = config.getConfig("lattice.embeddings");
    Config vectors = config.getConfig("lattice.vectors");
    return new RetrievalSettings(
        new Split(
            split.getInt("chunk-size"),
            split.getInt("overlap"),
            split.getInt("max-chunk-size"),
            split.getInt("max-chunks")),
        new Embeddings("lattice.embeddings.dispatcher", embeddings.getInt("max-texts")),
        new Vectors(
            "lattice.vectors.dispatcher",
            vectors.getInt("pool-size"),
            vectors.getInt("max-items"),
            vectors.getInt("default-top-k"),
            vectors.getInt("max-top-k")));
  }
}
