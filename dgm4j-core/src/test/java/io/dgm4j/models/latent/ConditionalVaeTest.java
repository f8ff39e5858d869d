package io.dgm4j.models.latent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Batch;
import io.dgm4j.objectives.Elbo;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingConfig;
import io.dgm4j.training.TrainingState;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConditionalVaeTest {
  private static final int D = 16;
  private static final int CLASSES = 4;

  /** Class c lights pixels 4c..4c+3 with probability 0.9, every other pixel with 0.1. */
  private static Dataset blocks(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * D];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(CLASSES);
      labels[i] = c;
      for (int d = 0; d < D; d++) {
        v[i * D + d] = r.nextDouble() < (d / 4 == c ? 0.9 : 0.1) ? 1f : 0f;
      }
    }
    return new Dataset("blocks", v, n, new int[] {D}, labels);
  }

  /** Samples drawn for label y are assigned to class y by the nearest class mean of the data. */
  @Test
  void samplesHonourTheLabel() {
    Dataset data = blocks(3000, 1);
    double[][] classMeans = new double[CLASSES][D];
    int[] counts = new int[CLASSES];
    for (int i = 0; i < data.size(); i++) {
      counts[data.labels()[i]]++;
      for (int d = 0; d < D; d++) {
        classMeans[data.labels()[i]][d] += data.get(i, d);
      }
    }
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      ConditionalVae cvae = new ConditionalVae(m, new int[] {D},
          new ConditionalVae.Config(2, List.of(16), "tanh", CLASSES, "bernoulli"), 1);
      new Trainer(cvae, new Elbo(cvae, Elbo.Config.defaults(), 0),
          new TrainingConfig(8, 50, 0.01, "constant", 0, 0, 1), TrainingState.start(), List.of())
          .fit(epoch -> data, data.slice(0, 300));
      int correct = 0;
      int n = 200;
      for (int y = 0; y < CLASSES; y++) {
        int[] labels = new int[n];
        java.util.Arrays.fill(labels, y);
        float[] s = cvae.sampleGiven(m, m.create(labels)).toFloatArray();
        for (int i = 0; i < n; i++) {
          int best = -1;
          double bestDistance = Double.POSITIVE_INFINITY;
          for (int c = 0; c < CLASSES; c++) {
            double dist = 0;
            for (int d = 0; d < D; d++) {
              double diff = s[i * D + d] - classMeans[c][d] / counts[c];
              dist += diff * diff;
            }
            if (dist < bestDistance) {
              bestDistance = dist;
              best = c;
            }
          }
          correct += best == y ? 1 : 0;
        }
      }
      assertThat(correct / (double) (n * CLASSES)).as("fraction assigned to the asked label")
          .isGreaterThan(0.9);
    }
  }

  /** The marginal bound log Σ_y p(y) exp(ELBO(x|y)) lies below the marginal IWAE estimate. */
  @Test
  void marginalBoundsAreOrdered() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Engines.seed(3);
      ConditionalVae cvae = new ConditionalVae(m, new int[] {D},
          new ConditionalVae.Config(2, List.of(8), "tanh", CLASSES, "bernoulli"), 2);
      NDArray x = m.create(blocks(1, 5).values(), new Shape(1, D)).repeat(0, 2000);
      double elbo = cvae.elbo(x).mean().getFloat();
      double iwae = cvae.logProbEstimate(x, 50).mean().getFloat();
      assertThat(iwae).isGreaterThan(elbo);
      assertThatThrownBy(() -> cvae.elboTerms(Batch.of(x)))
          .hasMessageContaining("cvae needs class labels");
      assertThatThrownBy(() -> cvae.sampleGiven(m, m.create(new int[] {CLASSES})))
          .hasMessageContaining("outside 0..3");
    }
  }
}
