package dev.lattice.worker.action.llm;

/**
 * Where the text of a streamed answer goes as it arrives, before the whole answer is known. The
 * seam for live delta fan-out to a run's followers; today nothing listens.
 */
@FunctionalInterface
public interface DeltaSink {
  DeltaSink NONE = (idempotencyKey, text) -> {};

  /**
   * Receives the next piece of the answer of the attempt {@code idempotencyKey}. Called on a stream
   * thread, in order; must not block.
   */
  void delta(String idempotencyKey, String text);
}
