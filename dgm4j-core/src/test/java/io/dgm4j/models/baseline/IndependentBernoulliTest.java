package io.dgm4j.models.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.engine.Engines;
import io.dgm4j.testing.ModelChecks;
import org.junit.jupiter.api.Test;

class IndependentBernoulliTest {

  @Test
  void normalizedOverAllStates() {
    try (NDManager m = Engines.newManager()) {
      IndependentBernoulli model = new IndependentBernoulli(m.newSubManager(), 5,
          IndependentBernoulli.Config.defaults(), 1);
      model.parameters().get("logits").set(new float[] {-2f, -0.5f, 0f, 1f, 3f});
      ModelChecks.assertNormalized(model, 1e-5);
    }
  }

  @Test
  void logProbMatchesHandComputedValue() {
    try (NDManager m = Engines.newManager()) {
      IndependentBernoulli model = new IndependentBernoulli(m.newSubManager(), 2,
          IndependentBernoulli.Config.defaults(), 1);
      // p = sigmoid(logit): logit ln(9) -> p = 0.9
      model.parameters().get("logits").set(new float[] {(float) Math.log(9), 0f});
      NDArray x = m.create(new float[] {1, 0}, new ai.djl.ndarray.types.Shape(1, 2));
      assertThat(model.logProb(x).getFloat(0)).isCloseTo(
          (float) (Math.log(0.9) + Math.log(0.5)), within(1e-6f));
    }
  }

  @Test
  void samplesRecoverTheProbabilities() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(7);
      IndependentBernoulli model = new IndependentBernoulli(m.newSubManager(), 2,
          IndependentBernoulli.Config.defaults(), 1);
      model.parameters().get("logits").set(new float[] {(float) Math.log(9), -(float) Math.log(3)});
      float[] mean = model.sample(m, 40_000).mean(new int[] {0}).toFloatArray();
      // standard error sqrt(p(1-p)/n) <= 0.0025; 6 standard errors
      assertThat(mean[0]).isCloseTo(0.9f, within(0.015f));
      assertThat(mean[1]).isCloseTo(0.25f, within(0.015f));
    }
  }
}
