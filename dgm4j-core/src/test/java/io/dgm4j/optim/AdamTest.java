package io.dgm4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.nn.Parameters;
import org.junit.jupiter.api.Test;

class AdamTest {
  /** Two copies of the same parameters, one updated fused, one in tensor form, agree. */
  @Test
  void fusedUpdateGivesTheSameFloatsAsTheTensorForm() {
    assertThat(SharedMemory.VECTOR_API).as("tests run with the vector API").isTrue();
    try (NDManager m = Engines.newManager()) {
      Parameters fusedParams = new Parameters(m.newSubManager(), 3);
      Parameters plainParams = new Parameters(m.newSubManager(), 3);
      // 37 and 5 entries: a vector loop with a scalar tail, and a tail only
      for (Parameters p : new Parameters[] {fusedParams, plainParams}) {
        p.normal("a", 1.0, 37);
        p.normal("b", 1.0, 5);
      }
      plainParams.get("a").set(fusedParams.get("a").toFloatArray());
      plainParams.get("b").set(fusedParams.get("b").toFloatArray());
      Adam fused = new Adam(fusedParams);
      Adam plain = new Adam(plainParams).fused(false);
      for (int step = 0; step < 5; step++) {
        NDArray target = Scalars.times(m.randomNormal(new Shape(37)), step + 1);
        for (Object[] pair : new Object[][] {{fusedParams, fused}, {plainParams, plain}}) {
          Parameters p = (Parameters) pair[0];
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.get("a").sub(target).square().sum()
                .add(Scalars.power(p.get("b"), 3).sum()));
          }
          ((Adam) pair[1]).step(0.01 * (step + 1));
        }
        for (String name : new String[] {"a", "b"}) {
          float[] x = fusedParams.get(name).toFloatArray();
          float[] y = plainParams.get(name).toFloatArray();
          for (int i = 0; i < x.length; i++) {
            // identical on AVX-512; with PyTorch's AVX2 kernels the tensor form rounds a few
            // quotients differently, and the difference carries on. Its size is set by the
            // updates (about lr each), not by the parameter, which may pass near zero: 3.6e-9
            // was seen at step 4 for a parameter of -0.0028 (15 of its ulps, 1 of lr's)
            float lr = 0.01f * (step + 1);
            assertThat(x[i]).as("step %d %s[%d]", step, name, i)
                .isCloseTo(y[i], within(8 * (Math.ulp(y[i]) + Math.ulp(lr))));
          }
        }
        assertThat(fusedParams.get("a").getGradient().abs().max().getFloat()).isZero();
      }
      float[] mf = fused.state().get(0).toFloatArray();
      float[] mp = plain.state().get(0).toFloatArray();
      for (int i = 0; i < mf.length; i++) {
        // the gradients, 2 (a - target), carry the parameters' differences into the moments
        assertThat(mf[i]).isCloseTo(mp[i], within(8 * (Math.ulp(mp[i]) + Math.ulp(0.05f))));
      }
    }
  }

  @Test
  void fusedGradientNormMatchesPlainJava() {
    try (NDManager m = Engines.newManager()) {
      Parameters params = new Parameters(m.newSubManager(), 5);
      params.normal("a", 1.0, 3000); // blocks of 1,024 and a tail
      params.normal("b", 1.0, 3);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(Scalars.power(params.get("a"), 2).sum()
            .add(Scalars.times(params.get("b"), 3).sum()));
      }
      double expected = 0;
      for (float v : params.get("a").toFloatArray()) {
        expected += 4.0 * v * v; // d/da a^2 = 2a
      }
      expected += 3 * 9.0;
      double fused = new Adam(params).gradientNorm();
      double tensor = new Adam(params).fused(false).gradientNorm();
      assertThat(fused).isCloseTo(Math.sqrt(expected), within(1e-5 * Math.sqrt(expected)));
      assertThat(tensor).isCloseTo(Math.sqrt(expected), within(1e-5 * Math.sqrt(expected)));
      params.get("a").getGradient().set(new float[3000]); // a NaN shows through
      float[] nan = new float[3];
      nan[1] = Float.NaN;
      params.get("b").getGradient().set(nan);
      assertThat(new Adam(params).gradientNorm()).isNaN();
    }
  }

  /** The update against Adam written out in double precision for one scalar. */
  @Test
  void fusedUpdateMatchesTheFormula() {
    try (NDManager m = Engines.newManager()) {
      Parameters params = new Parameters(m.newSubManager(), 1);
      NDArray x = params.add("x", new float[] {0.5f}, 1);
      Adam adam = new Adam(params);
      double theta = 0.5;
      double first = 0;
      double second = 0;
      for (int t = 1; t <= 4; t++) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(Scalars.times(x.mul(x), 3).sum()); // g = 6 x
        }
        adam.step(0.1);
        double g = 6 * theta;
        first = 0.9 * first + 0.1 * g;
        second = 0.999 * second + 0.001 * g * g;
        double mHat = first / (1 - Math.pow(0.9, t));
        double vHat = second / (1 - Math.pow(0.999, t));
        theta -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
        assertThat((double) x.getFloat(0)).as("step %d", t).isCloseTo(theta, within(1e-5));
      }
    }
  }
}
