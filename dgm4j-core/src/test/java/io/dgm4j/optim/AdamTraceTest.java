package io.dgm4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.nn.Parameters;
import org.junit.jupiter.api.Test;

/** Adam against a trace computed by hand in plain double precision (Kingma and Ba, alg. 1). */
class AdamTraceTest {

  @Test
  void threeStepsFollowTheTextbookUpdate() {
    double lr = 0.1;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 1);
      NDArray w = p.add("w", new float[] {1f, -2f}, 2);
      Adam adam = new Adam(p, b1, b2, eps);
      // loss = sum(c * w^2) with c = (1, 3): gradient 2 c w
      double[] c = {1, 3};
      double[] theta = {1, -2};
      double[] mom = new double[2];
      double[] vel = new double[2];
      for (int t = 1; t <= 3; t++) {
        GradientStep.minimize(() -> w.square().mul(m.create(new float[] {1f, 3f})).sum(),
            adam, 0, lr);
        for (int i = 0; i < 2; i++) {
          double g = 2 * c[i] * theta[i];
          mom[i] = b1 * mom[i] + (1 - b1) * g;
          vel[i] = b2 * vel[i] + (1 - b2) * g * g;
          double mHat = mom[i] / (1 - Math.pow(b1, t));
          double vHat = vel[i] / (1 - Math.pow(b2, t));
          theta[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
        }
        float[] got = w.toFloatArray();
        assertThat((double) got[0]).as("step %d, w0", t).isCloseTo(theta[0], within(1e-5));
        assertThat((double) got[1]).as("step %d, w1", t).isCloseTo(theta[1], within(1e-5));
      }
      assertThat(adam.steps()).isEqualTo(3);
    }
  }
}
