package io.dgm4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import org.junit.jupiter.api.Test;

class BernoulliTest {
  private static final float[] LOGITS = {-120f, -30f, -3.5f, -0.2f, 0f, 0.7f, 4f, 25f, 95f};

  /** log p(x) in double precision: log sigmoid(l) for x = 1, log(1 - sigmoid(l)) for x = 0. */
  private static double logProb(double l, int x) {
    double u = x == 1 ? l : -l; // log sigmoid(u) = -softplus(-u)
    return -(Math.max(-u, 0) + Math.log1p(Math.exp(-Math.abs(u))));
  }

  /**
   * Value and gradient for both outcomes over logits from -120 to 95 (where e^l overflows a
   * float), against double precision: d/dl log p = x - sigmoid(l); and p(0) + p(1) = 1.
   */
  @Test
  void logProbAndItsGradientMatchDoublePrecisionForBothOutcomes() {
    try (NDManager m = Engines.newManager()) {
      for (int x : new int[] {0, 1}) {
        NDArray logits = m.create(LOGITS);
        logits.setRequiresGradient(true);
        NDArray values = m.full(new Shape(LOGITS.length), (float) x);
        float[] lp;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray out = Bernoulli.logProb(logits, values);
          lp = out.toFloatArray();
          gc.backward(out.sum());
        }
        float[] grad = logits.getGradient().toFloatArray();
        for (int i = 0; i < LOGITS.length; i++) {
          double l = LOGITS[i];
          double expected = logProb(l, x);
          assertThat((double) lp[i]).as("log p(%d | %s)", x, l)
              .isCloseTo(expected, within(1e-6 + 1e-6 * Math.abs(expected)));
          double sigmoid = 1 / (1 + Math.exp(-l));
          assertThat((double) grad[i]).as("gradient at x=%d, l=%s", x, l)
              .isCloseTo(x - sigmoid, within(1e-6));
        }
      }
      for (float l : LOGITS) {
        double total = Math.exp(logProb(l, 0)) + Math.exp(logProb(l, 1));
        NDArray both = Bernoulli.logProb(m.create(new float[] {l, l}), m.create(new float[] {0, 1}))
            .exp();
        assertThat((double) both.sum().getFloat()).isCloseTo(total, within(1e-6));
      }
    }
  }

  /** Logits of k draws (k, N, D) against data (N, D): the data broadcast over the draws. */
  @Test
  void dataBroadcastOverDraws() {
    try (NDManager m = Engines.newManager()) {
      float[] l = {0.5f, -2f, 3f, 0.1f, -0.4f, 1.5f, -1f, 2f, -3f, 0f, 4f, -0.5f};
      float[] x = {1, 0, 1, 0, 0, 1};
      float[] out = Bernoulli.logProb(m.create(l, new Shape(2, 2, 3)), m.create(x, new Shape(2, 3)))
          .toFloatArray();
      assertThat(out).hasSize(12);
      for (int i = 0; i < 12; i++) {
        assertThat((double) out[i]).isCloseTo(logProb(l[i], (int) x[i % 6]), within(1e-6));
      }
    }
  }
}
