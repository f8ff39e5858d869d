package io.dgm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import io.dgm4j.testing.CompiledCalls;
import org.junit.jupiter.api.Test;

class TensorMathTest {

  @Test
  void logSumExpIsStableAndExact() {
    try (NDManager m = Engines.newManager()) {
      NDArray x = m.create(new float[] {
          1000f, 1000f, 1000f,                                             // overflows naively
          0f, (float) Math.log(2), (float) Math.log(3),                     // log 6
          Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, new Shape(3, 3));
      float[] lse = TensorMath.logSumExp(x, 1).toFloatArray();
      assertThat(lse[0]).isCloseTo(1000f + (float) Math.log(3), within(1e-3f));
      assertThat(lse[1]).isCloseTo((float) Math.log(6), within(1e-6f));
      assertThat(lse[2]).isEqualTo(Float.NEGATIVE_INFINITY);
      assertThat(TensorMath.logSumExp(x.get("1:2"), -1).toFloatArray())
          .containsExactly(new float[] {(float) Math.log(6)}, within(1e-6f));
      assertThat(TensorMath.logMeanExp(x.get("1:2"), 1).getFloat(0))
          .isCloseTo((float) Math.log(2), within(1e-6f));
      // along axis 0: column 1 holds 1000, ln 2, -inf
      assertThat(TensorMath.logSumExp(x, 0).getFloat(1)).isCloseTo(1000f, within(1e-3f));
    }
  }

  /**
   * Terms far below the largest leave neither their value nor a subnormal gradient: the value
   * and the gradient (the softmax) against double precision for terms spread over 0 .. -200,
   * and no gradient entry is subnormal (they slow x86 arithmetic many times over).
   */
  @Test
  void logSumExpOfWidelySpreadTermsHasNoSubnormalGradient() {
    try (NDManager m = Engines.newManager()) {
      int n = 41;
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = -5f * i; // 0, -5, ..., -200
      }
      NDArray x = m.create(v, new Shape(1, n));
      x.setRequiresGradient(true);
      float value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray lse = TensorMath.logSumExp(x, 1);
        value = lse.getFloat(0);
        gc.backward(lse.sum());
      }
      double sum = 0;
      for (float t : v) {
        sum += Math.exp(t);
      }
      assertThat((double) value).isCloseTo(Math.log(sum), within(1e-6));
      float[] g = x.getGradient().toFloatArray();
      for (int i = 0; i < n; i++) {
        double softmax = Math.exp(v[i]) / sum;
        assertThat((double) g[i]).as("d/dx_%d", i).isCloseTo(softmax, within(1e-7));
        assertThat(g[i] == 0f || Math.abs(g[i]) >= Float.MIN_NORMAL).as("gradient %d = %s is"
            + " subnormal", i, g[i]).isTrue();
      }
    }
  }

  /**
   * d/dx_i sum_j c_j concat(x, ...)_j = c_i for one, two or three arrays: the gradient reaches
   * every input, a single one included (DJL's own concat returns a copy cut from the graph).
   */
  @Test
  void concatKeepsTheGradientForAnyNumberOfArrays() {
    try (NDManager m = Engines.newManager()) {
      for (int count = 1; count <= 3; count++) {
        NDList parts = new NDList();
        for (int k = 0; k < count; k++) {
          NDArray x = m.create(new float[] {k, k + 1f}, new Shape(1, 2));
          x.setRequiresGradient(true);
          parts.add(x);
        }
        float[] weights = new float[2 * count];
        for (int j = 0; j < weights.length; j++) {
          weights[j] = j + 0.5f;
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray joined = TensorMath.concat(parts, 1);
          assertThat(joined.getShape()).isEqualTo(new Shape(1, 2 * count));
          gc.backward(joined.mul(m.create(weights, new Shape(1, 2 * count))).sum());
        }
        for (int k = 0; k < count; k++) {
          assertThat(parts.get(k).getGradient().toFloatArray()).as("%d arrays: input %d",
              count, k).containsExactly(weights[2 * k], weights[2 * k + 1]);
        }
      }
      // a new array, as for several: the input may be closed once joined
      NDArray only = m.create(new float[] {3f, 4f});
      NDArray joined = TensorMath.concat(new NDList(only), 0);
      only.close();
      assertThat(joined.toFloatArray()).containsExactly(3f, 4f);
    }
  }

  @Test
  void noCompiledCodeUsesDjlsConcatOfAList() {
    assertThat(CompiledCalls.find(call -> call.owner().equals("ai/djl/ndarray/NDArrays")
        && call.name().equals("concat")
        && !call.caller().equals(TensorMath.class.getName())))
        .as("use io.dgm4j.nn.TensorMath.concat instead").isEmpty();
  }
}
