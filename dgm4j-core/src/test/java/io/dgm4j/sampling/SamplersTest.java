package io.dgm4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each sampler recovers a target whose answer is known in closed form, with fixed seeds.
 *
 * <p>Continuous: a correlated 2-D Gaussian, mean (1, −2), variances 1 and 2, correlation 0.8.
 * {@value #CHAINS} independent chains run {@value #STEPS} steps from a point far from the mean;
 * their final states are treated as independent draws. With n = 4000 draws the standard error of
 * a mean is at most sqrt(2/4000) ≈ 0.022 and of a (co)variance at most about
 * sqrt(2·2²/4000) ≈ 0.045, so the tolerances (0.1 for means, 0.2 for the covariance entries)
 * are about 4.5 standard errors.
 *
 * <p>Discrete: an arbitrary distribution over 3 bits; the final states of {@value #CHAINS}
 * chains must pass a chi-square test against the exact probabilities (7 degrees of freedom;
 * 24.32 is the 0.999 quantile).
 */
class SamplersTest {
  private static final int CHAINS = 4000;
  private static final int STEPS = 300;
  private static final double[] MEAN = {1, -2};
  private static final double[][] COVARIANCE = {{1, 0.8 * Math.sqrt(2)}, {0.8 * Math.sqrt(2), 2}};
  private static final double[] PROBABILITIES = {0.30, 0.05, 0.10, 0.15, 0.02, 0.08, 0.20, 0.10};
  private static final double CHI_SQUARE_999_7DOF = 24.32;

  /** f(x) = −½ (x − μ)ᵀ Σ⁻¹ (x − μ), computed on the engine; Z is not needed. */
  private static LogDensity gaussian(NDManager m) {
    double det = COVARIANCE[0][0] * COVARIANCE[1][1] - COVARIANCE[0][1] * COVARIANCE[1][0];
    float[] precision = {
        (float) (COVARIANCE[1][1] / det), (float) (-COVARIANCE[0][1] / det),
        (float) (-COVARIANCE[1][0] / det), (float) (COVARIANCE[0][0] / det)};
    NDArray p = m.create(precision, new Shape(2, 2));
    NDArray mu = m.create(new float[] {(float) MEAN[0], (float) MEAN[1]});
    return x -> {
      NDArray d = x.sub(mu);
      return Scalars.times(d.matMul(p).mul(d).sum(new int[] {1}), -0.5);
    };
  }

  private static void assertRecoversGaussian(Function<LogDensity, TransitionKernel> kernel,
      long seed) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(seed);
      NDArray start = m.full(new Shape(CHAINS, 2), 4f);
      Chains.Result r = Chains.draw(m, start, kernel.apply(gaussian(m)), STEPS, null);
      float[] x = r.values().toFloatArray();
      double[] mean = new double[2];
      for (int i = 0; i < CHAINS; i++) {
        mean[0] += x[2 * i] / CHAINS;
        mean[1] += x[2 * i + 1] / CHAINS;
      }
      double[][] cov = new double[2][2];
      for (int i = 0; i < CHAINS; i++) {
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            cov[a][b] += (x[2 * i + a] - mean[a]) * (x[2 * i + b] - mean[b]) / (CHAINS - 1);
          }
        }
      }
      for (int a = 0; a < 2; a++) {
        assertThat(mean[a]).as("mean[%d]", a).isCloseTo(MEAN[a], within(0.1));
        for (int b = 0; b < 2; b++) {
          assertThat(cov[a][b]).as("cov[%d][%d]", a, b).isCloseTo(COVARIANCE[a][b],
              within(0.2));
        }
      }
    }
  }

  @Test
  void randomWalkMetropolisRecoversACorrelatedGaussian() {
    assertRecoversGaussian(f -> new RandomWalkMetropolis(f, 0.8), 1);
  }

  @Test
  void malaRecoversACorrelatedGaussian() {
    assertRecoversGaussian(f -> new Mala(f, 0.3), 2);
  }

  @Test
  void unadjustedLangevinWithASmallStepRecoversACorrelatedGaussian() {
    // the O(η) bias of the unadjusted chain is well inside the tolerance at η = 0.05 (variance inflated by at most 1/(1 − η/(2·0.263)) ≈ 1.1 along the short axis)
    assertRecoversGaussian(f -> new Langevin(f, 0.05), 3);
  }

  @Test
  void langevinClampsEachScoreCoordinateBeforeItsStep() {
    try (NDManager m = Engines.newManager()) {
      // f(x) = −½ Σ a_i x_i², score −a_i x_i; with no noise one step is x − η clamp(a x, ±c)
      double[] a = {100, 0.5, -100};
      NDArray scale = m.create(new float[] {(float) a[0], (float) a[1], (float) a[2]});
      LogDensity f = x -> Scalars.times(x.square().mul(scale).sum(new int[] {1}), -0.5);
      double eta = 0.2;
      double c = 3;
      float[] x = {1f, 2f, 0.5f};
      float[] next = new Langevin(f, eta, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
          c).step(m.create(x, new Shape(1, 3))).next().toFloatArray();
      for (int i = 0; i < 3; i++) {
        double score = Math.max(-c, Math.min(c, -a[i] * x[i]));
        assertThat((double) next[i]).isCloseTo(x[i] + eta * score, within(1e-5));
      }
      // the clamp bites on coordinates 0 and 2 only: without it they would move by −20 and +10
      assertThat((double) next[0]).isCloseTo(1 - 0.6, within(1e-5));
      assertThat((double) next[2]).isCloseTo(0.5 + 0.6, within(1e-5));
    }
  }

  /** f(x) = log p(index(x)) for the 3-bit table, index = 4 x0 + 2 x1 + x2. */
  private static LogDensity discrete(NDManager m) {
    float[] logP = new float[8];
    for (int i = 0; i < 8; i++) {
      logP[i] = (float) Math.log(PROBABILITIES[i]);
    }
    NDArray table = m.create(logP, new Shape(8, 1));
    NDArray powers = m.create(new float[] {4, 2, 1}, new Shape(3, 1));
    return x -> x.matMul(powers).squeeze(1).toType(ai.djl.ndarray.types.DataType.INT64, false)
        .oneHot(8, ai.djl.ndarray.types.DataType.FLOAT32).matMul(table).squeeze(1);
  }

  private static double chiSquare(Function<LogDensity, TransitionKernel> kernel, long seed) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(seed);
      NDArray start = m.zeros(new Shape(CHAINS, 3));
      Chains.Result r = Chains.draw(m, start, kernel.apply(discrete(m)), 100, null);
      float[] x = r.values().toFloatArray();
      int[] counts = new int[8];
      for (int i = 0; i < CHAINS; i++) {
        counts[(int) (4 * x[3 * i] + 2 * x[3 * i + 1] + x[3 * i + 2])]++;
      }
      double chi = 0;
      for (int k = 0; k < 8; k++) {
        double expected = CHAINS * PROBABILITIES[k];
        chi += (counts[k] - expected) * (counts[k] - expected) / expected;
      }
      return chi;
    }
  }

  @Test
  void bitFlipMetropolisPassesAChiSquareTest() {
    assertThat(chiSquare(BitFlipMetropolis::new, 4)).isLessThan(CHI_SQUARE_999_7DOF);
  }

  @Test
  void singleSiteGibbsPassesAChiSquareTest() {
    assertThat(chiSquare(SingleSiteGibbs::new, 5)).isLessThan(CHI_SQUARE_999_7DOF);
  }

  @Test
  void chiSquareTestRejectsAWrongSampler() {
    // a "sampler" that only ever proposes and accepts flips is uniform in the limit: the test
    // that the real samplers pass must reject it, or it proves nothing
    TransitionKernel uniform = new BitFlipMetropolis(x -> Scalars.times(x.sum(new int[] {1}), 0));
    assertThat(chiSquare(f -> uniform, 6)).isGreaterThan(CHI_SQUARE_999_7DOF);
  }

  @Test
  void autogradScoreEqualsTheClosedForm() {
    try (NDManager m = Engines.newManager()) {
      LogDensity f = gaussian(m);
      NDArray x = m.create(new float[] {0.5f, -1f, 3f, 2f}, new Shape(2, 2));
      float[] score = f.score(x).toFloatArray();
      double det = COVARIANCE[0][0] * COVARIANCE[1][1] - COVARIANCE[0][1] * COVARIANCE[1][0];
      double[][] p = {{COVARIANCE[1][1] / det, -COVARIANCE[0][1] / det},
          {-COVARIANCE[1][0] / det, COVARIANCE[0][0] / det}};
      float[] xs = x.toFloatArray();
      for (int i = 0; i < 2; i++) {
        for (int a = 0; a < 2; a++) {
          double expected = 0;
          for (int b = 0; b < 2; b++) {
            expected -= p[a][b] * (xs[2 * i + b] - MEAN[b]);
          }
          assertThat((double) score[2 * i + a]).isCloseTo(expected, within(1e-4));
        }
      }
      assertThat(x.hasGradient()).as("the input is left without a gradient").isFalse();
    }
  }

  @Test
  void scoreOfAParameterisedDensityLeavesParameterGradientsAsTheyWere() {
    try (NDManager m = Engines.newManager()) {
      NDArray w = m.create(new float[] {2f, -1f});
      w.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(Scalars.times(w, 3).sum()); // a training step's gradient, (3, 3)
      }
      LogDensity f = LogDensity.of(x -> x.mul(w).sum(new int[] {1}).neg().exp(), List.of(w));
      NDArray x = m.create(new float[] {0.1f, 0.2f}, new Shape(1, 2));
      float[] score = f.score(x).toFloatArray();
      double e = Math.exp(-(2 * 0.1 - 0.2));
      assertThat((double) score[0]).isCloseTo(-2 * e, within(1e-5));
      assertThat((double) score[1]).isCloseTo(e, within(1e-5));
      assertThat(w.getGradient().toFloatArray()).containsExactly(3f, 3f);
      // and w still takes part in training: a second backward accumulates (2, 2) onto (3, 3)
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(Scalars.times(w, 2).sum());
      }
      assertThat(w.getGradient().toFloatArray()).containsExactly(5f, 5f);
    }
  }

  @Test
  void acceptanceRateFallsAsTheStepGrows() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(7);
      NDArray start = m.zeros(new Shape(500, 2));
      double small = Chains.draw(m, start, new RandomWalkMetropolis(gaussian(m), 0.05), 50,
          null).statistics().acceptanceRate();
      double large = Chains.draw(m, start, new RandomWalkMetropolis(gaussian(m), 20), 50,
          null).statistics().acceptanceRate();
      assertThat(small).isGreaterThan(0.8);
      assertThat(large).isLessThan(0.1);
    }
  }

  @Test
  void persistentChainsKeepTheirStateAcrossRunsAndScopes() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(8);
      Chains chains;
      try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
        chains = new Chains(m, m.full(new Shape(100, 2), 4f));
      }
      ChainStatistics first = chains.run(new Mala(gaussian(m), 0.3), 20);
      float[] afterFirst = chains.state().toFloatArray();
      assertThat(first.steps()).isEqualTo(20);
      assertThat(first.acceptanceByStep()).hasSize(20);
      assertThat(afterFirst).isNotEqualTo(m.full(new Shape(100, 2), 4f).toFloatArray());
      // a restore to saved states continues from exactly there
      Engines.seed(9);
      chains.run(new Mala(gaussian(m), 0.3), 5);
      float[] a = chains.state().toFloatArray();
      chains.set(m.create(afterFirst, new Shape(100, 2)));
      Engines.seed(9);
      chains.run(new Mala(gaussian(m), 0.3), 5);
      assertThat(chains.state().toFloatArray()).containsExactly(a);
      chains.close();
    }
  }

  @Test
  void rhatIsNearOneForMixedChainsAndLargeForStuckOnes() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(10);
      LogDensity f = gaussian(m);
      NDArray start = Scalars.times(m.randomNormal(new Shape(50, 2)), 3);
      double mixed = Chains.draw(m, start, new Mala(f, 0.3), 800, f).statistics().rhat();
      double stuck = Chains.draw(m, start, new RandomWalkMetropolis(f, 1e-4), 800, f)
          .statistics().rhat();
      assertThat(mixed).isCloseTo(1.0, within(0.1));
      assertThat(stuck).isGreaterThan(2.0);
    }
  }
}
