package dev.lattice.worker.action.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestTest {
  private static final float[] QUERY = {1, 0, 0};

  @Test
  void ranksByCosineSimilarityBestFirst() {
    Nearest nearest = new Nearest(QUERY, 3);
    nearest.offer("opposite", new float[] {-1, 0, 0});
    nearest.offer("same", new float[] {2, 0, 0});
    nearest.offer("orthogonal", new float[] {0, 1, 0});
    nearest.offer("close", new float[] {1, 0.2f, 0});

    List<Nearest.Scored> best = nearest.best();

    assertThat(best).extracting(Nearest.Scored::id).containsExactly("same", "close", "orthogonal");
    // Cosine, not the dot product: the longer vector in the same direction scores 1.
    assertThat(best.get(0).score()).isCloseTo(1.0, within(1e-9));
    assertThat(best.get(1).score()).isCloseTo(1 / Math.sqrt(1.04), within(1e-6));
    assertThat(best.get(2).score()).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void keepsTheBestKWhateverTheOrderOffered() {
    Nearest nearest = new Nearest(QUERY, 2);
    for (int i = 0; i < 50; i++) {
      nearest.offer("v" + i, new float[] {1, i, 0});
    }

    assertThat(nearest.best()).extracting(Nearest.Scored::id).containsExactly("v0", "v1");
  }

  @Test
  void equalScoresRankByIdSoTheOrderIsStable() {
    Nearest nearest = new Nearest(QUERY, 2);
    nearest.offer("b", new float[] {1, 0, 0});
    nearest.offer("c", new float[] {1, 0, 0});
    nearest.offer("a", new float[] {1, 0, 0});

    assertThat(nearest.best()).extracting(Nearest.Scored::id).containsExactly("a", "b");
  }

  @Test
  void vectorsOfAnotherDimensionOrWithoutLengthMatchNothing() {
    Nearest nearest = new Nearest(QUERY, 5);

    assertThat(nearest.offer("longer", new float[] {1, 0, 0, 0})).isFalse();
    assertThat(nearest.offer("zero", new float[] {0, 0, 0})).isTrue();
    assertThat(nearest.best()).isEmpty();
  }
}
