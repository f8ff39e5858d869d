package io.dgm4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.nn.Parameters;
import org.junit.jupiter.api.Test;

/** The one shared update path refuses non-finite steps without touching the weights. */
class GradientStepTest {

  @Test
  void finiteLossWithInfiniteGradientChangesNothing() {
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 1);
      NDArray w = p.add("w", new float[] {0f, 1f}, 2);
      Adam adam = new Adam(p);
      // sqrt is finite at 0 but its derivative is not: loss 1, gradient (inf, 0.5)
      assertThatThrownBy(() -> GradientStep.minimize(() -> w.sqrt().sum(), adam, 0, 0.1))
          .isInstanceOf(NonFiniteException.class)
          .hasMessageContaining("gradient norm");
      assertThat(w.toFloatArray()).containsExactly(0f, 1f);
      assertThat(adam.steps()).isZero();
      assertThat(w.getGradient().toFloatArray()).containsExactly(0f, 0f);
      // a later good step is not contaminated by the refused one
      GradientStep.minimize(() -> w.sub(3f).square().sum(), adam, 0, 0.1);
      float[] after = w.toFloatArray();
      // Adam's first step moves each coordinate by lr against the gradient's sign (-6, -4)
      assertThat(after[0]).isCloseTo(0.1f, within(1e-5f));
      assertThat(after[1]).isCloseTo(1.1f, within(1e-5f));
    }
  }

  @Test
  void nonFiniteLossIsRefusedBeforeBackpropagation() {
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 1);
      NDArray w = p.add("w", new float[] {-1f}, 1);
      Adam adam = new Adam(p);
      assertThatThrownBy(() -> GradientStep.minimize(() -> w.log().sum(), adam, 0, 0.1))
          .isInstanceOf(NonFiniteException.class)
          .hasMessageStartingWith("loss became NaN");
      assertThat(w.toFloatArray()).containsExactly(-1f);
    }
  }

  @Test
  void gradientNormAndClippingMatchHandComputation() {
    try (NDManager m = Engines.newManager()) {
      Parameters p = new Parameters(m, 1);
      NDArray a = p.add("a", new float[] {3f}, 1);
      NDArray b = p.add("b", new float[] {4f}, 1);
      Adam adam = new Adam(p);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        // loss = (a² + b²) / 2: gradient (3, 4), norm 5
        gc.backward(Scalars.dividedBy(a.square().add(b.square()).sum(), 2));
      }
      double norm = adam.gradientNorm();
      assertThat(norm).isCloseTo(5.0, within(1e-6));
      adam.clipGradientNorm(1.0, norm);
      assertThat(a.getGradient().getFloat()).isCloseTo(0.6f, within(1e-6f));
      assertThat(b.getGradient().getFloat()).isCloseTo(0.8f, within(1e-6f));
      adam.clipGradientNorm(10.0, adam.gradientNorm()); // under the limit: unchanged
      assertThat(a.getGradient().getFloat()).isCloseTo(0.6f, within(1e-6f));
    }
  }
}
