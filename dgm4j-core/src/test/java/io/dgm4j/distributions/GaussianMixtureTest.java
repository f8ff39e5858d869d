package io.dgm4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  static double normalLogDensity(double x, double mean, double std) {
    double z = (x - mean) / std;
    return -0.5 * z * z - Math.log(std) - 0.5 * LOG_2PI;
  }

  @Test
  void diagonalGaussianMatchesHandValue() {
    try (NDManager m = Engines.newManager()) {
      NDArray mean = m.create(new float[] {0f, 0f}, new Shape(1, 2));
      NDArray logStd = m.create(new float[] {0f, (float) Math.log(2)}, new Shape(1, 2));
      NDArray x = m.create(new float[] {0f, 1f}, new Shape(1, 2));
      double expected = -0.5 * LOG_2PI + (-1.0 / 8 - Math.log(2) - 0.5 * LOG_2PI);
      assertThat(DiagonalGaussian.logProb(mean, logStd, x).getShape()).isEqualTo(new Shape(1));
      assertThat(DiagonalGaussian.logProb(mean, logStd, x).getFloat(0))
          .isCloseTo((float) expected, within(1e-5f));
    }
  }

  @Test
  void diagonalGaussianSamplesHaveItsMoments() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(1);
      int n = 40_000;
      NDArray mean = m.create(new float[] {-1f, 3f}).broadcast(new Shape(n, 2));
      NDArray logStd = m.create(new float[] {(float) Math.log(0.5), (float) Math.log(2)});
      NDArray s = DiagonalGaussian.sample(mean, logStd);
      float[] mu = s.mean(new int[] {0}).toFloatArray();
      float[] var = s.sub(s.mean(new int[] {0})).square().mean(new int[] {0}).toFloatArray();
      // standard errors: sigma/sqrt(n) <= 0.01, sigma^2 sqrt(2/n) <= 0.03; 5 of them
      assertThat(mu[0]).isCloseTo(-1f, within(0.05f));
      assertThat(mu[1]).isCloseTo(3f, within(0.05f));
      assertThat(var[0]).isCloseTo(0.25f, within(0.01f));
      assertThat(var[1]).isCloseTo(4f, within(0.15f));
    }
  }

  @Test
  void mixtureMatchesHandValue() {
    try (NDManager m = Engines.newManager()) {
      // pi = softmax(0, ln 3) = (1/4, 3/4); components N(-1, 1), N(2, 0.5^2)
      NDArray logits = m.create(new float[] {0f, (float) Math.log(3)}, new Shape(1, 2));
      NDArray means = m.create(new float[] {-1f, 2f}, new Shape(1, 2));
      NDArray logStds = m.create(new float[] {0f, (float) Math.log(0.5)}, new Shape(1, 2));
      NDArray x = m.create(new float[] {0.5f}, new Shape(1));
      double expected = Math.log(0.25 * Math.exp(normalLogDensity(0.5, -1, 1))
          + 0.75 * Math.exp(normalLogDensity(0.5, 2, 0.5)));
      assertThat(GaussianMixture.logProb(logits, means, logStds, x).getFloat(0))
          .isCloseTo((float) expected, within(1e-5f));
    }
  }

  @Test
  void mixtureIntegratesToOne() {
    try (NDManager m = Engines.newManager()) {
      int points = 8001; // [-20, 20], step 0.005
      float[] grid = new float[points];
      for (int i = 0; i < points; i++) {
        grid[i] = -20f + 40f * i / (points - 1);
      }
      NDArray logits = m.create(new float[] {1f, -0.5f, 0.2f}).broadcast(new Shape(points, 3));
      NDArray means = m.create(new float[] {-3f, 0.5f, 4f});
      NDArray logStds = m.create(new float[] {0f, -1.5f, 0.7f});
      float[] p = GaussianMixture.logProb(logits, means, logStds, m.create(grid)).exp()
          .toFloatArray();
      assertThat(trapezoid(p, 40.0 / (points - 1))).isCloseTo(1.0, within(1e-4));
    }
  }

  @Test
  void mixtureSamplesHaveItsMoments() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(2);
      int n = 50_000;
      double[] pi = {0.2, 0.5, 0.3};
      double[] mu = {-3, 0.5, 4};
      double[] sd = {1, 0.3, 2};
      NDArray logits = m.create(new float[] {(float) Math.log(0.2), (float) Math.log(0.5),
          (float) Math.log(0.3)}).broadcast(new Shape(n, 3));
      NDArray means = m.create(new float[] {-3f, 0.5f, 4f}).broadcast(new Shape(n, 3));
      NDArray logStds = m.create(new float[] {0f, (float) Math.log(0.3), (float) Math.log(2)})
          .broadcast(new Shape(n, 3));
      float[] s = GaussianMixture.sample(logits, means, logStds).toFloatArray();
      assertThat(s).hasSize(n);
      double mean = 0;
      double second = 0;
      for (int k = 0; k < 3; k++) {
        mean += pi[k] * mu[k];
        second += pi[k] * (sd[k] * sd[k] + mu[k] * mu[k]);
      }
      double var = second - mean * mean;
      double sampleMean = 0;
      for (float v : s) {
        sampleMean += v;
      }
      sampleMean /= n;
      double sampleVar = 0;
      for (float v : s) {
        sampleVar += (v - sampleMean) * (v - sampleMean);
      }
      sampleVar /= n;
      // mean: sd/sqrt(n) ~ 0.012; variance: about var*sqrt(2/n)*1.5 ~ 0.07; 5 of each
      assertThat(sampleMean).isCloseTo(mean, within(5 * Math.sqrt(var / n)));
      assertThat(sampleVar).isCloseTo(var, within(0.35));
      // the component weights: fraction of draws near the narrow component at 0.5
      long near = 0;
      for (float v : s) {
        if (Math.abs(v - 0.5) < 0.3) {
          near++;
        }
      }
      double expectedNear = 0;
      for (int k = 0; k < 3; k++) {
        expectedNear += pi[k] * (cdf((0.8 - mu[k]) / sd[k]) - cdf((0.2 - mu[k]) / sd[k]));
      }
      assertThat(near / (double) n).isCloseTo(expectedNear, within(0.012));
    }
  }

  static double trapezoid(float[] values, double step) {
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += (i == 0 || i == values.length - 1 ? 0.5 : 1.0) * values[i];
    }
    return sum * step;
  }

  /** Standard normal CDF by the Abramowitz-Stegun erf approximation (error < 1.5e-7). */
  static double cdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
    return 0.5 * (1 + Math.signum(z) * erf);
  }
}
