package io.dgm4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

  /**
   * 3 classes in 5 dimensions, labelled by which of three fixed directions scores highest (a
   * linear rule), plus pure-noise features: separable by construction.
   */
  private static Dataset separable(int n, long seed) {
    double[][] directions = {{1, 0, 0, 1, 0}, {0, 1, 0, -1, 0}, {0, 0, 1, 0, 2}};
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * 5];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < 5; j++) {
        v[i * 5 + j] = (float) (r.nextDouble() * 4 - 2);
      }
      for (int c = 0; c < 3; c++) {
        double score = 0;
        for (int j = 0; j < 5; j++) {
          score += directions[c][j] * v[i * 5 + j];
        }
        if (score > best) {
          best = score;
          labels[i] = c;
        }
      }
    }
    return new Dataset("separable", v, n, new int[] {5}, labels);
  }

  @Test
  void separableDataIsClassifiedAlmostPerfectly() {
    try (NDManager m = Engines.newManager()) {
      LinearProbe.Result r = new LinearProbe(new LinearProbe.Config(300, 500, 0.1, 0))
          .evaluate(separable(3000, 1), separable(2000, 2), m, 1);
      assertThat(r.testAccuracy()).isGreaterThan(0.98);
      assertThat(r.trainAccuracy()).isGreaterThan(0.98);
    }
  }

  @Test
  void randomLabelsStayAtChanceOnTheTestSet() {
    Dataset train = separable(2000, 3);
    Dataset test = separable(2000, 4);
    SplittableRandom r = new SplittableRandom(9);
    int[] shuffled = new int[test.size()];
    for (int i = 0; i < shuffled.length; i++) {
      shuffled[i] = r.nextInt(3);
    }
    Dataset noise = new Dataset("noise", test.values(), test.size(), new int[] {5}, shuffled);
    try (NDManager m = Engines.newManager()) {
      double accuracy = new LinearProbe(new LinearProbe.Config(200, 500, 0.05, 1e-3))
          .evaluate(train, noise, m, 1)
          .testAccuracy();
      assertThat(accuracy).isBetween(0.28, 0.39);
    }
  }

  @Test
  void balancedSubsetTakesEqualCountsPerClass() {
    Dataset data = separable(600, 5);
    Dataset subset = LinearProbe.balancedSubset(data, 7, 2);
    assertThat(subset.size()).isEqualTo(21);
    int[] counts = new int[3];
    for (int y : subset.labels()) {
      counts[y]++;
    }
    assertThat(counts).containsExactly(7, 7, 7);
    assertThat(LinearProbe.balancedSubset(data, 7, 2).values()).containsExactly(subset.values());
  }
}
