package io.dgm4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
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
}
