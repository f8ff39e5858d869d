package io.dgm4j.objectives.gan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.Batch;
import io.dgm4j.models.gan.Gan;
import io.dgm4j.optim.Adam;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The adversarial game's pieces against independent computations: the losses against plain
 * Java from the discriminator's logits, the trained discriminator against the optimal D* =
 * p_data / (p_data + p_g) in closed form, the generator recovering a known Gaussian, and the
 * validation MMD² against a plain-Java computation on the same samples.
 */
class AdversarialNetsTest {

  /** A one-dimensional linear generator G(z) = w z + b: p_g = N(b, w²). */
  private static Gan linear(NDManager m, float w, float b) {
    Gan g = new Gan(m.newSubManager(), new int[] {1}, new Gan.Config(1, List.of(), "relu",
        "linear"), 1);
    g.parameters().get("generator.w0").set(new float[] {w});
    g.parameters().get("generator.b0").set(new float[] {b});
    return g;
  }

  private static double normalDensity(double x, double mean, double std) {
    double u = (x - mean) / std;
    return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
  }

  @Test
  void lossesAreTheNegativeLogProbabilitiesOfTheDiscriminator() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(1);
      Gan g = linear(m, 1f, 0f);
      for (String variant : List.of("non-saturating", "minimax")) {
        AdversarialNets game = new AdversarialNets(g,
            new AdversarialNets.Config(List.of(5), 1, 1.0, variant, 0), 0);
        NDArray real = m.randomNormal(new Shape(7, 1));
        NDArray fake = Scalars.times(m.randomNormal(new Shape(9, 1)), 3);
        float[] lr = game.logit(real).toFloatArray();
        float[] lf = game.logit(fake).toFloatArray();
        double expectedD = 0;
        for (float l : lr) {
          expectedD -= Math.log(1 / (1 + Math.exp(-l))) / lr.length; // -log D(x)
        }
        double expectedG = 0;
        for (float l : lf) {
          double d = 1 / (1 + Math.exp(-l));
          expectedD -= Math.log(1 - d) / lf.length; // -log(1 - D(G(z)))
          expectedG += ("minimax".equals(variant) ? Math.log(1 - d) : -Math.log(d)) / lf.length;
        }
        assertThat((double) game.discriminatorLoss(real, fake).getFloat()).as(variant)
            .isCloseTo(expectedD, within(1e-5));
        assertThat((double) game.generatorLoss(fake).getFloat()).as(variant)
            .isCloseTo(expectedG, within(1e-5));
      }
    }
  }

  /**
   * Against a fixed generator N(1, 0.5²) and data N(0, 1), D trained alone approaches the
   * optimum D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al., Proposition 1).
   */
  @Test
  void theDiscriminatorLearnsTheDensityRatio() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      Gan g = linear(m, 0.5f, 1f);
      AdversarialNets game = new AdversarialNets(g,
          new AdversarialNets.Config(List.of(32, 32), 1, 1.0, "non-saturating", 0), 0);
      for (int step = 0; step < 1500; step++) {
        try (NDManager s = m.newSubManager()) {
          game.discriminatorStep(s.randomNormal(new Shape(256, 1)), g.sample(s, 256), 0.005);
        }
      }
      float[] xs = {-1.5f, -1f, -0.5f, 0f, 0.5f, 1f, 1.5f, 2f};
      float[] logits = game.logit(m.create(xs, new Shape(xs.length, 1))).toFloatArray();
      for (int i = 0; i < xs.length; i++) {
        double data = normalDensity(xs[i], 0, 1);
        double optimal = data / (data + normalDensity(xs[i], 1, 0.5));
        assertThat(1 / (1 + Math.exp(-logits[i]))).as("D(%s)", xs[i])
            .isCloseTo(optimal, within(0.05));
      }
    }
  }

  /** The game moves a linear generator from N(0, 1) to the data's N(2, 0.5²). */
  @Test
  void theGeneratorRecoversAKnownGaussian() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(5);
      Gan g = linear(m, 1f, 0f);
      AdversarialNets game = new AdversarialNets(g,
          new AdversarialNets.Config(List.of(16, 16), 1, 1.0, "non-saturating", 0), 0);
      game.optimizers().forEach(a -> a.settings(new Adam.Settings(0.5, 0.999, 1e-8)));
      for (int step = 0; step < 1000; step++) {
        try (NDManager s = m.newSubManager()) {
          NDArray real = Scalars.times(s.randomNormal(new Shape(128, 1)), 0.5).add(2f);
          game.step(Batch.of(real), step, 0.003);
        }
      }
      float[] x = g.sample(m, 20_000).toFloatArray();
      double mean = 0;
      for (float v : x) {
        mean += v / x.length;
      }
      double variance = 0;
      for (float v : x) {
        variance += (v - mean) * (v - mean) / x.length;
      }
      assertThat(mean).as("mean of G's samples").isCloseTo(2, within(0.1));
      assertThat(Math.sqrt(variance)).as("std of G's samples").isCloseTo(0.5, within(0.1));
    }
  }

  /**
   * Validation's MMD²_u equals a plain-Java computation on the same draws; it is near 0 when
   * G reproduces the data's distribution and far from 0 when it does not.
   */
  @Test
  void validationIsTheUnbiasedMmdToTheHeldOutData() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(7);
      NDArray held = m.randomNormal(new Shape(200, 1));
      Gan same = linear(m, 1f, 0f);
      AdversarialNets game = new AdversarialNets(same, AdversarialNets.Config.defaults(), 0);
      Engines.seed(11);
      double reported = game.validationLoss(Batch.of(held));
      Engines.seed(11);
      float[] y = same.sample(m, 200).toFloatArray();
      assertThat(reported).isCloseTo(mmd(held.toFloatArray(), y), within(1e-4));

      double sum = 0;
      for (int i = 0; i < 20; i++) {
        sum += game.validationLoss(Batch.of(m.randomNormal(new Shape(200, 1))));
      }
      assertThat(sum / 20).as("same distribution").isCloseTo(0, within(0.005));
      Gan shifted = linear(m, 1f, 1.5f);
      double apart = new AdversarialNets(shifted, AdversarialNets.Config.defaults(), 0)
          .validationLoss(Batch.of(held));
      assertThat(apart).as("means 1.5 apart").isGreaterThan(0.2);
    }
  }

  /** MMD²_u in double precision, bandwidth the median distance among the rows of x. */
  private static double mmd(float[] x, float[] y) {
    int n = x.length;
    double[] d = new double[n * (n - 1)];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          d[at++] = (x[i] - x[j]) * (double) (x[i] - x[j]);
        }
      }
    }
    java.util.Arrays.sort(d);
    double twice = 2 * d[d.length / 2];
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          xx += Math.exp(-Math.pow(x[i] - x[j], 2) / twice);
          yy += Math.exp(-Math.pow(y[i] - y[j], 2) / twice);
        }
        xy += Math.exp(-Math.pow(x[i] - y[j], 2) / twice);
      }
    }
    return xx / (n * (n - 1.0)) + yy / (n * (n - 1.0)) - 2 * xy / ((double) n * n);
  }

  @Test
  void badSettingsAreRefusedWithTheirNames() {
    assertThatThrownBy(() -> new AdversarialNets.Config(List.of(8), 0, 1.0, "non-saturating", 0))
        .hasMessageContaining("discriminatorSteps");
    assertThatThrownBy(() -> new AdversarialNets.Config(List.of(8), 1, 0, "non-saturating", 0))
        .hasMessageContaining("discriminatorLrScale");
    assertThatThrownBy(() -> new AdversarialNets.Config(List.of(8), 1, 1.0, "wasserstein", 0))
        .hasMessageContaining("generatorLoss must be non-saturating or minimax");
    assertThatThrownBy(() -> new AdversarialNets.Config(List.of(8), 1, 1.0, "minimax", 1))
        .hasMessageContaining("discriminatorDropout must be in [0, 1)");
    assertThatThrownBy(() -> new Gan.Config(4, List.of(8), "relu", "tanh"))
        .hasMessageContaining("output must be sigmoid, linear or auto");
  }
}
