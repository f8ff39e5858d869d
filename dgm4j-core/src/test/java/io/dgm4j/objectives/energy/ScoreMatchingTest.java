package io.dgm4j.objectives.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.Batch;
import io.dgm4j.objectives.LossObjective;
import io.dgm4j.testing.GaussianEnergy;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The score-matching losses against closed forms on a Gaussian model
 * E(x) = ½ (x − μ)ᵀ P (x − μ), P = A Aᵀ, with data x ~ N(m, C): the Fisher divergence is
 * F(θ) = ½ [tr(B C Bᵀ) + ‖P (m − μ)‖²], B = P − C⁻¹, and exact score matching equals
 * F(θ) − ½ tr(C⁻¹), the constant being −½ E‖∇ log p_data‖². All closed forms are computed here
 * in plain double precision.
 */
class ScoreMatchingTest {
  private static final double[] DATA_MEAN = {0.5, -1.0};
  private static final double[][] DATA_COV = {{1.0, 0.3}, {0.3, 0.5}};

  /** n points from N(m, C) in plain Java. */
  private static NDArray data(NDManager m, int n, double[][] cov, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double l00 = Math.sqrt(cov[0][0]);
    double l10 = cov[1][0] / l00;
    double l11 = Math.sqrt(cov[1][1] - l10 * l10);
    float[] v = new float[2 * n];
    for (int i = 0; i < n; i++) {
      double z0 = gaussian(r);
      double z1 = gaussian(r);
      v[2 * i] = (float) (DATA_MEAN[0] + l00 * z0);
      v[2 * i + 1] = (float) (DATA_MEAN[1] + l10 * z0 + l11 * z1);
    }
    return m.create(v, new Shape(n, 2));
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** F(θ) for data N(m, cov), closed form. */
  private static double fisher(GaussianEnergy model, double[][] cov) {
    double[][] p = model.precision();
    double[] mu = model.meanValues();
    double[][] ci = inverse(cov);
    double[][] b = new double[2][2];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        b[i][j] = p[i][j] - ci[i][j];
      }
    }
    double trace = 0; // tr(B C Bᵀ)
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        for (int k = 0; k < 2; k++) {
          trace += b[i][j] * cov[j][k] * b[i][k];
        }
      }
    }
    double shift = 0;
    for (int i = 0; i < 2; i++) {
      double s = 0;
      for (int j = 0; j < 2; j++) {
        s += p[i][j] * (DATA_MEAN[j] - mu[j]);
      }
      shift += s * s;
    }
    return 0.5 * (trace + shift);
  }

  private static double[][] inverse(double[][] c) {
    double det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    return new double[][] {{c[1][1] / det, -c[0][1] / det}, {-c[1][0] / det, c[0][0] / det}};
  }

  private static GaussianEnergy model(NDManager m, float shift, float scale) {
    return new GaussianEnergy(m, new float[] {shift, 0.2f},
        new float[] {scale, 0.1f, -0.2f, 0.8f * scale});
  }

  private static double loss(LossObjective objective, NDArray x, long seed) {
    Engines.seed(seed);
    return objective.loss(Batch.of(x), 0).getFloat();
  }

  @Test
  void hessianTraceByDoubleBackwardEqualsTheAnalyticTrace() {
    try (NDManager m = Engines.newManager()) {
      GaussianEnergy model = model(m.newSubManager(), 0.3f, 1.3f);
      NDArray x = data(m, 7, DATA_COV, 1);
      // f = −E: ∇x f = −P (x − μ), tr ∇²x f = −tr P at every x
      Autograd.InputGradient g = Autograd.inputGradient(x, e -> model.energy(e).neg(), true,
          model.parameters().asMap().values());
      float[] trace = Autograd.divergence(g, model.parameters().asMap().values())
          .toFloatArray();
      double[][] p = model.precision();
      for (float t : trace) {
        assertThat((double) t).isCloseTo(-(p[0][0] + p[1][1]), within(1e-4));
      }
      // and the first derivative: −P (x − μ)
      float[] xs = x.toFloatArray();
      float[] s = g.gradient().toFloatArray();
      double[] mu = model.meanValues();
      for (int n = 0; n < 7; n++) {
        for (int i = 0; i < 2; i++) {
          double expected = -(p[i][0] * (xs[2 * n] - mu[0]) + p[i][1] * (xs[2 * n + 1] - mu[1]));
          assertThat((double) s[2 * n + i]).isCloseTo(expected, within(1e-4));
        }
      }
      for (NDArray w : model.parameters().asMap().values()) {
        assertThat(w.getGradient().abs().sum().getFloat()).as("weights' gradients zeroed")
            .isZero();
      }
    }
  }

  @Test
  void exactAndSlicedScoreMatchingEqualTheFisherDivergenceUpToAConstant() {
    try (NDManager m = Engines.newManager()) {
      NDArray x = data(m, 40_000, DATA_COV, 2);
      double constant = -0.5 * (inverse(DATA_COV)[0][0] + inverse(DATA_COV)[1][1]);
      for (float[] theta : new float[][] {{0f, 1f}, {0.5f, 1.4f}, {-1f, 0.6f}}) {
        GaussianEnergy model = model(m.newSubManager(), theta[0], theta[1]);
        double expected = fisher(model, DATA_COV) + constant;
        double esm = loss(new ExactScoreMatching(model, 0), x, 3);
        double ssm = loss(new SlicedScoreMatching(model, new SlicedScoreMatching.Config(4,
            false), 0), x, 3);
        double ssmVr = loss(new SlicedScoreMatching(model, SlicedScoreMatching.Config.defaults(),
            0), x, 3);
        double tolerance = 0.03 * (1 + Math.abs(expected));
        assertThat(esm).as("esm at %s", java.util.Arrays.toString(theta))
            .isCloseTo(expected, within(tolerance));
        assertThat(ssmVr).as("ssm-vr at %s", java.util.Arrays.toString(theta))
            .isCloseTo(expected, within(2 * tolerance));
        assertThat(ssm).as("ssm at %s", java.util.Arrays.toString(theta))
            .isCloseTo(expected, within(3 * tolerance));
      }
    }
  }

  @Test
  void denoisingScoreMatchingTracksTheFisherDivergenceToTheSmoothedData() {
    try (NDManager m = Engines.newManager()) {
      NDArray x = data(m, 100_000, DATA_COV, 4);
      for (double sigma : new double[] {0.5, 0.2}) {
        double[][] smoothed = {{DATA_COV[0][0] + sigma * sigma, DATA_COV[0][1]},
            {DATA_COV[1][0], DATA_COV[1][1] + sigma * sigma}};
        GaussianEnergy a = model(m.newSubManager(), 0f, 1f);
        GaussianEnergy b = model(m.newSubManager(), 0.5f, 1.4f);
        DenoisingScoreMatching.Config c = new DenoisingScoreMatching.Config(sigma, true);
        // same noise for both models: the θ-free constant cancels in the difference
        double difference = loss(new DenoisingScoreMatching(a, c, 0), x, 5)
            - loss(new DenoisingScoreMatching(b, c, 0), x, 5);
        double expected = fisher(a, smoothed) - fisher(b, smoothed);
        assertThat(difference).as("sigma %s", sigma)
            .isCloseTo(expected, within(0.05 * Math.abs(expected) + 0.05));
      }
      // as σ → 0 the smoothed Fisher divergence approaches the data's
      GaussianEnergy a = model(m.newSubManager(), 0f, 1f);
      GaussianEnergy b = model(m.newSubManager(), 0.5f, 1.4f);
      double small = 0.01;
      double[][] smoothed = {{DATA_COV[0][0] + small * small, DATA_COV[0][1]},
          {DATA_COV[1][0], DATA_COV[1][1] + small * small}};
      assertThat(fisher(a, smoothed) - fisher(b, smoothed))
          .isCloseTo(fisher(a, DATA_COV) - fisher(b, DATA_COV), within(1e-3));
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    try (NDManager m = Engines.newManager()) {
      NDArray x = data(m, 64, DATA_COV, 6);
      Map<String, Function<GaussianEnergy, LossObjective>> objectives = Map.of(
          "esm", g -> new ExactScoreMatching(g, 0),
          "ssm", g -> new SlicedScoreMatching(g, new SlicedScoreMatching.Config(2, false), 0),
          "dsm", g -> new DenoisingScoreMatching(g, new DenoisingScoreMatching.Config(0.3, true), 0));
      objectives.forEach((name, make) -> {
        GaussianEnergy model = model(m.newSubManager(), 0.4f, 1.2f);
        LossObjective objective = make.apply(model);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Engines.seed(7);
          gc.backward(objective.loss(Batch.of(x), 0));
        }
        // read every gradient first: each loss evaluation below zeroes them
        Map<String, float[]> gradients = Map.of(
            "mean", model.parameters().get("mean").getGradient().toFloatArray(),
            "factor", model.parameters().get("factor").getGradient().toFloatArray());
        for (String p : new String[] {"mean", "factor"}) {
          NDArray w = model.parameters().get(p);
          float[] grad = gradients.get(p);
          float[] values = w.toFloatArray();
          for (int i = 0; i < values.length; i++) {
            double h = 1e-2;
            float[] up = values.clone();
            up[i] += (float) h;
            w.set(up);
            double lossUp = loss(objective, x, 7);
            float[] down = values.clone();
            down[i] -= (float) h;
            w.set(down);
            double lossDown = loss(objective, x, 7);
            w.set(values);
            double numeric = (lossUp - lossDown) / (2 * h);
            assertThat((double) grad[i]).as("%s: d loss / d %s[%d]", name, p, i)
                .isCloseTo(numeric, within(2e-3 + 0.01 * Math.abs(numeric)));
          }
        }
      });
    }
  }
}
