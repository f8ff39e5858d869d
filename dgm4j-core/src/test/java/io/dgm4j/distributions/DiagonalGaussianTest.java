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
}
