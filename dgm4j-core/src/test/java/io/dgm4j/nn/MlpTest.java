package io.dgm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fully connected network against plain double-precision Java. */
class MlpTest {

  /** Each activation, forward pass by hand from the same weights. */
  @Test
  void forwardPassMatchesPlainJavaForEveryActivation() {
    for (String activation : List.of("tanh", "relu", "leaky-relu")) {
      try (NDManager m = Engines.newManager()) {
        Parameters p = new Parameters(m, 3);
        Mlp net = new Mlp(p, "net", List.of(3, 4, 2), activation);
        float[] w0 = p.get("net.w0").toFloatArray(); // (3, 4)
        float[] w1 = p.get("net.w1").toFloatArray(); // (4, 2)
        float[] b0 = {0.3f, -0.2f, 0.1f, -0.4f};
        p.get("net.b0").set(b0);
        float[] x = {0.5f, -1.5f, 2f};
        float[] got = net.forward(m.create(x, new Shape(1, 3))).toFloatArray();
        double[] h = new double[4];
        for (int j = 0; j < 4; j++) {
          double a = b0[j];
          for (int i = 0; i < 3; i++) {
            a += x[i] * w0[i * 4 + j];
          }
          h[j] = switch (activation) {
            case "tanh" -> Math.tanh(a);
            case "relu" -> Math.max(a, 0);
            default -> a > 0 ? a : 0.2 * a;
          };
        }
        for (int k = 0; k < 2; k++) {
          double out = 0;
          for (int j = 0; j < 4; j++) {
            out += h[j] * w1[j * 2 + k];
          }
          assertThat((double) got[k]).as("%s output %d", activation, k)
              .isCloseTo(out, within(1e-5));
        }
      }
    }
  }

  /**
   * Dropout before a linear layer keeps the output's expectation: the mean over many draws is
   * the output without dropout, and single draws differ from it.
   */
  @Test
  void dropoutKeepsTheExpectedOutput() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(4);
      Mlp net = new Mlp(new Parameters(m, 5), "net", List.of(3, 64, 1), "relu");
      NDArray x = m.create(new float[] {0.5f, -1f, 1.5f}, new Shape(1, 3));
      double plain = net.forward(x).getFloat();
      int draws = 20_000;
      NDArray repeated = x.repeat(0, draws);
      float[] dropped = net.forward(repeated, 0.3).toFloatArray();
      double mean = 0;
      double spread = 0;
      for (float v : dropped) {
        mean += v / draws;
        spread = Math.max(spread, Math.abs(v - plain));
      }
      assertThat(spread).as("a draw differs from the plain output").isGreaterThan(0.01);
      assertThat(mean).isCloseTo(plain, within(0.01 + 0.02 * Math.abs(plain)));
      assertThatThrownBy(() -> net.forward(x, 1.0)).hasMessageContaining("dropout rate");
    }
  }
}
