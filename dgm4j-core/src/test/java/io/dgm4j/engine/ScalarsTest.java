package io.dgm4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.dgm4j.testing.CompiledCalls;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScalarsTest {
  /**
   * DJL's tensor-with-number operations whose scalar autograd keeps for the backward pass. The
   * in-place forms (muli, divi) are left out: dgm4j applies them only to tensors autograd does
   * not record (optimizer moments, sampler chains), where the scalar is used once and dropped.
   */
  private static final Set<String> UNSAFE = Set.of("mul", "div", "pow", "maximum", "minimum",
      "rdiv", "rpow");

  @Test
  void gradientsThroughScalarOperationsMatchTheirClosedForms() {
    try (NDManager m = Engines.newManager()) {
      float[] v = {0.5f, 2f, 3f};
      NDArray x = m.create(v);
      x.setRequiresGradient(true);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray y = Scalars.times(x, 3).add(Scalars.dividedBy(x, 4)).add(Scalars.power(x, 3))
            .add(Scalars.atLeast(x, 1)).add(Scalars.atMost(x, 2.5))
            .add(Scalars.clamp(x, 1, 2.5)).sum();
        // allocation churn and collections between the forward and the backward pass: the
        // situation in which DJL's own scalar operations read freed memory
        for (int i = 0; i < 5; i++) {
          byte[][] garbage = new byte[2000][];
          for (int j = 0; j < garbage.length; j++) {
            garbage[j] = new byte[1000];
          }
          System.gc();
        }
        c.backward(y);
      }
      float[] g = x.getGradient().toFloatArray();
      for (int i = 0; i < v.length; i++) {
        double want = 3 + 0.25 + 3.0 * v[i] * v[i] + (v[i] > 1 ? 1 : 0) + (v[i] < 2.5 ? 1 : 0)
            + (v[i] > 1 && v[i] < 2.5 ? 1 : 0);
        assertThat((double) g[i]).as("d/dx at %s", v[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void noCompiledCodeUsesDjlsNumberOverloadsOfScaleLikeOperations() {
    assertThat(CompiledCalls.find(call -> call.owner().startsWith("ai/djl/")
        && (UNSAFE.contains(call.name())
            && call.descriptor().startsWith("(Ljava/lang/Number;)")
            || call.name().equals("clip")
            && call.descriptor().startsWith("(Ljava/lang/Number;Ljava/lang/Number;)"))))
        .as("use io.dgm4j.engine.Scalars instead").isEmpty();
  }

  /** DJL's swish multiplies by its β through mul(Number) inside DJL, out of the scan above. */
  @Test
  void noCompiledCodeUsesDjlsSwish() {
    assertThat(CompiledCalls.find(call -> call.owner().startsWith("ai/djl/")
        && call.name().equals("swish")))
        .as("use io.dgm4j.nn.TensorMath.swish instead").isEmpty();
  }
}
