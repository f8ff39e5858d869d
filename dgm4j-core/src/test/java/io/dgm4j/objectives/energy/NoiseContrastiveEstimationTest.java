package io.dgm4j.objectives.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Batch;
import io.dgm4j.testing.GaussianEnergy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * NCE learns log Z: on a 1-D Gaussian energy E(x) = ½ a² (x − μ)², whose partition function
 * Z = sqrt(2π) / |a| is known, the learned scalar converges to log Z of the learned energy, and
 * the energy to the data's Gaussian.
 */
class NoiseContrastiveEstimationTest {

  @Test
  void recoversLogZOfAOneDimensionalGaussianEnergy() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(11);
      GaussianEnergy model = new GaussianEnergy(m.newSubManager(), new float[] {0f},
          new float[] {2f});
      NoiseContrastiveEstimation nce = new NoiseContrastiveEstimation(model,
          NoiseContrastiveEstimation.Config.defaults(), 0);
      SplittableRandom r = new SplittableRandom(3);
      double dataMean = 0.5;
      double dataStd = 0.8;
      for (int step = 0; step < 600; step++) {
        float[] v = new float[500];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (dataMean + dataStd * Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
              * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        try (NDManager s = m.newSubManager()) {
          NDArray x = s.create(v, new Shape(500, 1));
          nce.step(Batch.of(x), step, step < 300 ? 0.05 : 0.005); // then settle
        }
      }
      double a = Math.abs(model.parameters().get("factor").getFloat());
      double trueLogZ = 0.5 * Math.log(2 * Math.PI) - Math.log(a);
      assertThat(model.logZ()).isPresent();
      assertThat(model.logZ().get().method()).isEqualTo("nce");
      assertThat(model.logZ().get().value()).as("learned log Z vs log(sqrt(2π)/|a|)")
          .isCloseTo(trueLogZ, within(0.05));
      assertThat(1 / a).as("learned standard deviation").isCloseTo(dataStd, within(0.05));
      assertThat((double) model.parameters().get("mean").getFloat()).isCloseTo(dataMean,
          within(0.05));
    }
  }
}
