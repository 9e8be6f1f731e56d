package dev.lattice.worker.action.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The {@code k} vectors most like a query, by cosine similarity, among those offered one by one:
 * memory for {@code k} of them, whatever their number. Equal scores are ordered by id, so the same
 * rows always rank the same. A vector of another dimension than the query's, or of length zero,
 * matches nothing. Pure Java, no index: it reads every vector it is offered once, which is what a
 * collection of some tens of thousands of chunks costs a query (docs/operations.md).
 */
final class Nearest {
  /** A vector's id and its similarity to the query, from -1 to 1. */
  record Scored(String id, double score) {}

  /** Worst first, so that the queue's head is the one to drop. */
  private static final Comparator<Scored> WORST_FIRST =
      Comparator.comparingDouble(Scored::score)
          .thenComparing(Scored::id, Comparator.reverseOrder());

  private final float[] query;
  private final double queryNorm;
  private final int k;
  private final PriorityQueue<Scored> best;

  Nearest(float[] query, int k) {
    this.query = query.clone();
    this.queryNorm = norm(query);
    this.k = k;
    this.best = new PriorityQueue<>(Math.max(1, k), WORST_FIRST);
  }

  /** Considers the vector {@code id}; false if it has another dimension than the query's. */
  boolean offer(String id, float[] vector) {
    if (vector.length != query.length) {
      return false;
    }
    double norm = norm(vector);
    if (norm == 0 || queryNorm == 0 || k == 0) {
      return true;
    }
    double dot = 0;
    for (int i = 0; i < vector.length; i++) {
      dot += (double) query[i] * vector[i];
    }
    Scored scored = new Scored(id, dot / (norm * queryNorm));
    if (best.size() < k) {
      best.add(scored);
    } else if (WORST_FIRST.compare(scored, best.peek()) > 0) {
      best.poll();
      best.add(scored);
    }
    return true;
  }

  /** The best ones, best first. */
  List<Scored> best() {
    List<Scored> ranked = new ArrayList<>(best);
    ranked.sort(WORST_FIRST.reversed());
    return ranked;
  }

  private static double norm(float[] vector) {
    double sum = 0;
    for (float component : vector) {
      sum += (double) component * component;
    }
    return Math.sqrt(sum);
  }
}
