package io.dgm4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.latent.PixelLikelihood;
import org.junit.jupiter.api.Test;

/**
 * The discretized logistic against plain double-precision Java that forms the difference of two
 * sigmoids directly (on the side of the logistic where both are small, so the subtraction keeps
 * its digits): an independent route to the same probabilities.
 */
class DiscretizedLogisticTest {

  /** (μ, s) pairs from sharp to nearly flat, centred inside, on and beyond the ends. */
  private static final double[][] PARAMETERS = {
      {127.5, 127.5}, {3.2, 2.5}, {0, 0.05}, {255, 0.3}, {17.0004, 1e-3}, {-40, 12},
      {300, 6}, {200.7, 1e4}, {60, 1e6}, {128.49, 0.01}};

  /** log P(x | μ, s) in double: σ(a) − σ(b), or σ(−b) − σ(−a) where the logistic is past 1/2. */
  static double reference(double mu, double s, int x) {
    double a = (x + 0.5 - mu) / s;
    double b = (x - 0.5 - mu) / s;
    if (x == 0) {
      return logSigmoid(a);
    }
    if (x == 255) {
      return logSigmoid(-b);
    }
    double p = a + b > 0 ? sigmoid(-b) - sigmoid(-a) : sigmoid(a) - sigmoid(b);
    return Math.log(p);
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }

  private static double logSigmoid(double t) {
    return t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
  }

  /** log P of every value 0..255 under one (μ, s), from the engine, as doubles. */
  private static double[] allValues(NDManager m, double mu, double s) {
    float[] x = new float[256];
    for (int k = 0; k < 256; k++) {
      x[k] = k;
    }
    NDArray mean = m.full(new Shape(256), (float) mu);
    NDArray logScale = m.full(new Shape(256), (float) Math.log(s));
    float[] lp = DiscretizedLogistic.logProb(mean, logScale, m.create(x)).toFloatArray();
    double[] out = new double[256];
    for (int k = 0; k < 256; k++) {
      out[k] = lp[k];
    }
    return out;
  }

  @Test
  void theProbabilitiesOfThe256ValuesSumToOne() {
    try (NDManager m = Engines.newManager()) {
      for (double[] p : PARAMETERS) {
        double[] lp = allValues(m, p[0], p[1]);
        double total = 0;
        for (double v : lp) {
          assertThat(v).as("μ=%s s=%s", p[0], p[1]).isFinite().isLessThanOrEqualTo(1e-6);
          total += Math.exp(v);
        }
        assertThat(total).as("sum over 0..255 at μ=%s s=%s", p[0], p[1])
            .isCloseTo(1.0, within(2e-5));
      }
    }
  }

  @Test
  void logProbabilitiesMatchDoublePrecisionIncludingEdgesTailsAndExtremeScales() {
    try (NDManager m = Engines.newManager()) {
      int checked = 0;
      for (double[] p : PARAMETERS) {
        double[] lp = allValues(m, p[0], p[1]);
        // the engine sees μ and log s rounded to float32: the reference takes the same inputs
        double mu = (float) p[0];
        double s = Math.exp((float) Math.log(p[1]));
        for (int x = 0; x < 256; x++) {
          double expected = reference(mu, s, x);
          if (expected < -600) {
            continue; // below double's range for the reference's plain difference
          }
          // float32 arithmetic on a = (x + 0.5 − μ) / s: a relative error of a few 1e-7
          double a = Math.abs((x - mu) / s) + 1;
          assertThat(lp[x]).as("log P(%d | μ=%s, s=%s)", x, p[0], p[1])
              .isCloseTo(expected, within(2e-5 + 5e-7 * a + 1e-6 * Math.abs(expected)));
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(1500);
      // the far tail, where σ(a) − σ(b) cancels to 0 in float32 and even in double on the
      // wrong side: x = 200 under μ = 10, s = 5 has log P ≈ −39.6
      double[] lp = allValues(m, 10, 5);
      assertThat(lp[200]).isCloseTo(reference(10, 5, 200), within(1e-4));
      assertThat(reference(10, 5, 200)).isLessThan(-39);
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesOfTheDoubleReference() {
    double[][] points = { // μ, s, x: middle, both edges, a sharp bin, the series branch
        {100.3, 7, 104}, {3.2, 2.5, 0}, {250, 4, 255}, {60.2, 0.4, 60}, {120, 300, 30},
        {-5, 20, 0}, {260, 1.5, 254}};
    try (NDManager m = Engines.newManager()) {
      int n = points.length;
      float[] mu = new float[n];
      float[] logS = new float[n];
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        mu[i] = (float) points[i][0];
        logS[i] = (float) Math.log(points[i][1]);
        x[i] = (float) points[i][2];
      }
      NDArray mean = m.create(mu);
      NDArray logScale = m.create(logS);
      mean.setRequiresGradient(true);
      logScale.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(DiscretizedLogistic.logProb(mean, logScale, m.create(x)).sum());
      }
      float[] dMu = mean.getGradient().toFloatArray();
      float[] dLogS = logScale.getGradient().toFloatArray();
      for (int i = 0; i < n; i++) {
        double u = mu[i];
        double l = logS[i];
        int v = (int) x[i];
        double h = 1e-5;
        double numericMu = (reference(u + h, Math.exp(l), v) - reference(u - h, Math.exp(l), v))
            / (2 * h);
        double numericLogS = (reference(u, Math.exp(l + h), v)
            - reference(u, Math.exp(l - h), v)) / (2 * h);
        assertThat((double) dMu[i]).as("d log P / d μ at %s", java.util.Arrays.toString(
            points[i])).isCloseTo(numericMu, within(1e-4 + 1e-3 * Math.abs(numericMu)));
        assertThat((double) dLogS[i]).as("d log P / d log s at %s", java.util.Arrays.toString(
            points[i])).isCloseTo(numericLogS, within(1e-4 + 1e-3 * Math.abs(numericLogS)));
      }
    }
  }

  @Test
  void samplesFollowTheProbabilities() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(7);
      int n = 200_000;
      double mu = 3.2;
      double s = 2.5;
      float[] draws = DiscretizedLogistic.sample(m.full(new Shape(n), (float) mu),
          m.full(new Shape(n), (float) Math.log(s))).toFloatArray();
      int[] counts = new int[256];
      for (float d : draws) {
        assertThat(d).isBetween(0f, 255f).isEqualTo((float) Math.rint(d));
        counts[(int) d]++;
      }
      int tested = 0;
      for (int k = 0; k < 256; k++) {
        double p = Math.exp(reference(mu, s, k));
        if (n * p > 50) {
          assertThat((double) counts[k]).as("draws of %d", k)
              .isCloseTo(n * p, within(5 * Math.sqrt(n * p * (1 - p))));
          tested++;
        }
      }
      assertThat(tested).isGreaterThan(10);
    }
  }

  @Test
  void meanMatchesTheEnumeratedExpectation() {
    try (NDManager m = Engines.newManager()) {
      for (double[] p : PARAMETERS) {
        double expected = 0;
        for (int k = 1; k < 256; k++) {
          expected += k * Math.exp(reference(p[0], p[1], k));
        }
        float mean = DiscretizedLogistic.mean(m.create(new float[] {(float) p[0]}),
            m.create(new float[] {(float) Math.log(p[1])})).getFloat(0);
        assertThat((double) mean).as("E[x] at μ=%s s=%s", p[0], p[1])
            .isCloseTo(expected, within(1e-3 + 1e-5 * expected));
      }
    }
  }

  /**
   * The VAE's decoder: network outputs (m, l) mean μ = 127.5 (1 + m), s = 127.5 e^l, and
   * log p(x | output) sums the D values.
   */
  @Test
  void theDecoderMapsNetworkOutputsToPixelUnitsAndSumsOverValues() {
    PixelLikelihood logistic = PixelLikelihood.named("logistic");
    assertThat(logistic.parametersPerValue()).isEqualTo(2);
    double[][] values = {{31.9, 4, 30}, {250, 0.7, 255}, {-3, 9, 0}};
    try (NDManager m = Engines.newManager()) {
      float[] out = new float[6];
      float[] x = new float[3];
      double expected = 0;
      for (int d = 0; d < 3; d++) {
        out[d] = (float) (values[d][0] / 127.5 - 1);
        out[3 + d] = (float) Math.log(values[d][1] / 127.5);
        x[d] = (float) values[d][2];
        expected += reference(values[d][0], values[d][1], (int) values[d][2]);
      }
      float got = logistic.logProb(m.create(out, new Shape(1, 6)), m.create(x, new Shape(1, 3)))
          .getFloat(0);
      assertThat((double) got).isCloseTo(expected, within(1e-3));
      assertThat(logistic.networkInput(m.create(new float[] {0, 51, 255})).toFloatArray())
          .containsExactly(new float[] {0f, 0.2f, 1f}, org.assertj.core.api.Assertions.within(
              1e-6f));
    }
  }
}
