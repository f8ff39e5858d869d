package io.dgm4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.nn.Parameters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adam against a trace computed by hand in plain double precision (Kingma and Ba, alg. 1). */
class AdamTraceTest {

  @Test
  void threeStepsFollowTheTextbookUpdate() {
    Adam.Settings textbook = Adam.Settings.defaults();
    assertThat(textbook).isEqualTo(new Adam.Settings(0.9, 0.999, 1e-8));
    for (boolean fused : new boolean[] {true, false}) {
      followsTrace(List.of(textbook, textbook, textbook), fused);
    }
  }

  /**
   * Other constants, large enough that each one moves the result (a β1 of 0.99 as in Burda et
   * al.'s code, ε of 0.1 against gradients of order 1), and constants changed between steps as
   * a resume with --adam-betas does: the bias corrections use the current values.
   */
  @Test
  void otherSettingsAndAChangeBetweenStepsFollowTheTrace() {
    Adam.Settings paper = new Adam.Settings(0.99, 0.99, 0.1);
    Adam.Settings later = new Adam.Settings(0.5, 0.9, 1e-3);
    for (boolean fused : new boolean[] {true, false}) {
      followsTrace(List.of(paper, paper, later, later), fused);
    }
  }

  @Test
  void badSettingsAreRefusedWithTheirRange() {
    assertThatThrownBy(() -> new Adam.Settings(1.0, 0.999, 1e-8))
        .hasMessageContaining("betas must each be in [0, 1)");
    assertThatThrownBy(() -> new Adam.Settings(0.9, -0.1, 1e-8))
        .hasMessageContaining("betas must each be in [0, 1)");
    assertThatThrownBy(() -> new Adam.Settings(0.9, 0.999, 0))
        .hasMessageContaining("epsilon must be positive");
    assertThatThrownBy(() -> new Adam.Settings(0.9, Double.NaN, 1e-8))
        .hasMessageContaining("betas");
  }

  /** loss = sum(c * w^2) with c = (1, 3): gradient 2 c w; step t uses {@code perStep.get(t-1)}. */
  private static void followsTrace(List<Adam.Settings> perStep, boolean fused) {
    double lr = 0.1;
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 1);
      NDArray w = p.add("w", new float[] {1f, -2f}, 2);
      Adam adam = new Adam(p, perStep.get(0)).fused(fused);
      double[] c = {1, 3};
      double[] theta = {1, -2};
      double[] mom = new double[2];
      double[] vel = new double[2];
      for (int t = 1; t <= perStep.size(); t++) {
        Adam.Settings s = perStep.get(t - 1);
        adam.settings(s);
        GradientStep.minimize(() -> w.square().mul(m.create(new float[] {1f, 3f})).sum(),
            adam, 0, lr);
        for (int i = 0; i < 2; i++) {
          double g = 2 * c[i] * theta[i];
          mom[i] = s.beta1() * mom[i] + (1 - s.beta1()) * g;
          vel[i] = s.beta2() * vel[i] + (1 - s.beta2()) * g * g;
          double mHat = mom[i] / (1 - Math.pow(s.beta1(), t));
          double vHat = vel[i] / (1 - Math.pow(s.beta2(), t));
          theta[i] -= lr * mHat / (Math.sqrt(vHat) + s.epsilon());
        }
        float[] got = w.toFloatArray();
        assertThat((double) got[0]).as("%s, fused %s, step %d, w0", s, fused, t)
            .isCloseTo(theta[0], within(1e-5));
        assertThat((double) got[1]).as("%s, fused %s, step %d, w1", s, fused, t)
            .isCloseTo(theta[1], within(1e-5));
      }
      assertThat(adam.steps()).isEqualTo(perStep.size());
      assertThat(adam.settings()).isEqualTo(perStep.get(perStep.size() - 1));
    }
  }
}
