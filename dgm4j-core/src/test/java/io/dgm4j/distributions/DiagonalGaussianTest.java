package io.dgm4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiagonalGaussianTest {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  /**
   * k draws (k, N, L) scored under a Gaussian whose parameters are per example (N, L), the way
   * a VAE scores its importance samples: values and the gradients in mean, log sigma and x
   * against double precision (d/dmu = (x - mu) / sigma^2, d/dlog sigma = (x - mu)^2 / sigma^2 - 1,
   * each summed over the draws; d/dx = -(x - mu) / sigma^2).
   */
  @Test
  void logProbOfDrawsAndItsGradientsMatchDoublePrecision() {
    int k = 3;
    int n = 2;
    int l = 4;
    SplittableRandom r = new SplittableRandom(7);
    float[] mean = new float[n * l];
    float[] logStd = new float[n * l];
    float[] x = new float[k * n * l];
    for (int i = 0; i < n * l; i++) {
      mean[i] = (float) (2 * r.nextDouble() - 1);
      logStd[i] = (float) (1.5 * r.nextDouble() - 1);
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (4 * r.nextDouble() - 2);
    }
    try (NDManager m = Engines.newManager()) {
      NDArray mu = m.create(mean, new Shape(n, l));
      NDArray ls = m.create(logStd, new Shape(n, l));
      NDArray z = m.create(x, new Shape(k, n, l));
      mu.setRequiresGradient(true);
      ls.setRequiresGradient(true);
      z.setRequiresGradient(true);
      float[] lp;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = DiagonalGaussian.logProb(mu, ls, z);
        assertThat(out.getShape()).isEqualTo(new Shape(k, n));
        lp = out.toFloatArray();
        gc.backward(out.sum());
      }
      float[] gMu = mu.getGradient().toFloatArray();
      float[] gLs = ls.getGradient().toFloatArray();
      float[] gX = z.getGradient().toFloatArray();
      double[] eMu = new double[n * l];
      double[] eLs = new double[n * l];
      for (int d = 0; d < k; d++) {
        for (int i = 0; i < n; i++) {
          double sum = 0;
          for (int j = 0; j < l; j++) {
            int p = i * l + j;
            double sigma = Math.exp(logStd[p]);
            double diff = x[(d * n + i) * l + j] - mean[p];
            sum += -0.5 * diff * diff / (sigma * sigma) - logStd[p] - 0.5 * LOG_2PI;
            eMu[p] += diff / (sigma * sigma);
            eLs[p] += diff * diff / (sigma * sigma) - 1;
            assertThat((double) gX[(d * n + i) * l + j])
                .isCloseTo(-diff / (sigma * sigma), within(1e-4));
          }
          assertThat((double) lp[d * n + i]).isCloseTo(sum, within(1e-4));
        }
      }
      for (int p = 0; p < n * l; p++) {
        assertThat((double) gMu[p]).isCloseTo(eMu[p], within(1e-4));
        assertThat((double) gLs[p]).isCloseTo(eLs[p], within(1e-4));
      }
    }
  }

  /** One scale shared by every coordinate (logStd of shape (N, 1) or a scalar) counts L times. */
  @Test
  void aScaleSharedAlongTheLastAxisCountsOncePerCoordinate() {
    try (NDManager m = Engines.newManager()) {
      NDArray mean = m.zeros(new Shape(2, 3));
      NDArray x = m.create(new float[] {0.5f, -1f, 2f, 0f, 1f, -0.5f}, new Shape(2, 3));
      float s = (float) Math.log(1.5);
      NDArray full = DiagonalGaussian.logProb(mean, m.full(new Shape(2, 3), s), x);
      NDArray column = DiagonalGaussian.logProb(mean, m.full(new Shape(2, 1), s), x);
      NDArray scalar = DiagonalGaussian.logProb(mean, m.create(s), x);
      double[] expected = new double[2];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          double v = x.getFloat(i, j) / 1.5;
          expected[i] += -0.5 * v * v - Math.log(1.5) - 0.5 * LOG_2PI;
        }
      }
      for (NDArray out : new NDArray[] {full, column, scalar}) {
        assertThat(out.getShape()).isEqualTo(new Shape(2));
        for (int i = 0; i < 2; i++) {
          assertThat((double) out.getFloat(i)).isCloseTo(expected[i], within(1e-5));
        }
      }
    }
  }

  /**
   * The log density of a draw x = mean + sigma eps computed from eps is the same function of
   * mean, log sigma and eps as the density at x: equal values and equal gradients in the mean and
   * log sigma (d/dmean = 0 and d/dlog sigma = -1 per coordinate once x moves with them), for k
   * draws per row and against double precision.
   */
  @Test
  void logProbOfADrawIsTheDensityAtTheDrawWithTheSameGradients() {
    try (NDManager m = Engines.newManager()) {
      NDArray mean = m.create(new float[] {0.4f, -1.1f, 2.0f, 0.3f, -0.2f, 1.2f}, new Shape(2, 3));
      NDArray logStd = m.create(new float[] {-0.3f, 0.5f, 0.1f, 0.8f, -1.0f, 0.0f},
          new Shape(2, 3));
      Engines.seed(3);
      NDArray eps = m.randomNormal(new Shape(4, 2, 3));
      float[][] values = new float[2][];
      float[][] meanGrads = new float[2][];
      float[][] stdGrads = new float[2][];
      for (int form = 0; form < 2; form++) {
        NDArray mu = mean.duplicate();
        NDArray ls = logStd.duplicate();
        mu.setRequiresGradient(true);
        ls.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray x = mu.add(ls.exp().mul(eps));
          NDArray out = form == 0 ? DiagonalGaussian.logProb(mu, ls, x)
              : DiagonalGaussian.logProbOfDraw(ls, eps);
          assertThat(out.getShape()).isEqualTo(new Shape(4, 2));
          values[form] = out.toFloatArray();
          gc.backward(out.sum());
        }
        meanGrads[form] = mu.getGradient().toFloatArray();
        stdGrads[form] = ls.getGradient().toFloatArray();
      }
      float[] e = eps.toFloatArray();
      float[] s = logStd.toFloatArray();
      for (int d = 0; d < 4; d++) {
        for (int i = 0; i < 2; i++) {
          double expected = 0;
          for (int j = 0; j < 3; j++) {
            double v = e[(d * 2 + i) * 3 + j];
            expected += -0.5 * v * v - s[i * 3 + j] - 0.5 * LOG_2PI;
          }
          assertThat((double) values[0][d * 2 + i]).isCloseTo(expected, within(1e-4));
          assertThat((double) values[1][d * 2 + i]).isCloseTo(expected, within(1e-5));
        }
      }
      for (int p = 0; p < 6; p++) {
        assertThat((double) meanGrads[0][p]).isCloseTo(0, within(1e-4));
        assertThat((double) meanGrads[1][p]).isCloseTo(0, within(1e-6));
        assertThat((double) stdGrads[0][p]).isCloseTo(-4, within(1e-4)); // 4 draws, -1 each
        assertThat((double) stdGrads[1][p]).isCloseTo(-4, within(1e-6));
      }
    }
  }
}
