package io.dgm4j.models.autoregressive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.models.Support;
import io.dgm4j.testing.ModelChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RealNadeTest {
  private static final double BOX = 20;

  /** Scales shrunk a little so every density sits well inside [-BOX, BOX]. */
  private static RealNade model(NDManager m, int dimension, String ordering, long seed) {
    RealNade r = new RealNade(m.newSubManager(), dimension,
        new RealNade.Config(3, 2, ordering, 3, 1e-3), seed);
    NDArray v = r.parameters().get("vLogStds");
    v.set(Scalars.times(v, 0.3f).toFloatArray());
    NDArray w = r.parameters().get("w");
    w.set(Scalars.times(w, 2).toFloatArray()); // make the conditionals depend clearly on the past
    return r;
  }

  private static float[] grid(int points) {
    float[] g = new float[points];
    for (int i = 0; i < points; i++) {
      g[i] = (float) (-BOX + 2 * BOX * i / (points - 1));
    }
    return g;
  }

  /** Every pair (g[i], g[j]) as rows of an (n^2, 2) array, row i * n + j. */
  private static float[] gridPairs(float[] g) {
    int points = g.length;
    float[] xy = new float[points * points * 2];
    for (int i = 0; i < points; i++) {
      for (int j = 0; j < points; j++) {
        xy[2 * (i * points + j)] = g[i];
        xy[2 * (i * points + j) + 1] = g[j];
      }
    }
    return xy;
  }

  private static double weight(int i, int points) {
    return i == 0 || i == points - 1 ? 0.5 : 1.0;
  }

  @Test
  void oneDimensionalDensityIntegratesToOne() {
    try (NDManager m = Engines.newManager()) {
      RealNade r = model(m, 1, "raster", 1);
      int points = 4001;
      float[] p = r.logProb(m.create(grid(points), new Shape(points, 1))).exp().toFloatArray();
      double total = 0;
      for (int i = 0; i < points; i++) {
        total += weight(i, points) * p[i];
      }
      assertThat(total * 2 * BOX / (points - 1)).isCloseTo(1.0, within(1e-3));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void twoDimensionalDensityIntegratesToOne(String ordering) {
    try (NDManager m = Engines.newManager()) {
      RealNade r = model(m, 2, ordering, 2);
      int points = 401;
      float[] g = grid(points);
      float[] xy = gridPairs(g);
      float[] p = r.logProb(m.create(xy, new Shape((long) points * points, 2))).exp()
          .toFloatArray();
      double total = 0;
      for (int i = 0; i < points; i++) {
        for (int j = 0; j < points; j++) {
          total += weight(i, points) * weight(j, points) * p[i * points + j];
        }
      }
      double step = 2 * BOX / (points - 1);
      assertThat(total * step * step).isCloseTo(1.0, within(1e-3));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void logConditionalsAreAutoregressive(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      RealNade r = model(m, 6, ordering, 3);
      ModelChecks.assertAutoregressive(m, r::logConditionals, r.ordering(), true);
      NDArray x = m.randomNormal(new Shape(4, 6));
      assertThat(r.logConditionals(x).sum(new int[] {1}).sub(r.logProb(x)).abs().max()
          .getFloat()).isLessThan(1e-4f);
    }
  }

  @Test
  void samplesHaveTheIntegratedMoments() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(4);
      RealNade r = model(m, 1, "raster", 4);
      int points = 4001;
      float[] g = grid(points);
      float[] p = r.logProb(m.create(g, new Shape(points, 1))).exp().toFloatArray();
      double[] moments = moments(g, p);
      int n = 40_000;
      float[] s = r.sample(m, n).toFloatArray();
      assertThat(s).hasSize(n);
      assertSampleMoments(s, moments, n);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void completionKeepsObservedAndDrawsTheIntegratedConditional(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(5);
      RealNade r = model(m, 2, ordering, 5);
      int first = r.ordering()[0];
      int other = 1 - first;
      float given = 1.3f;
      // the conditional density of the other coordinate on a grid, from logProb
      int points = 4001;
      float[] g = grid(points);
      float[] xy = new float[2 * points];
      for (int i = 0; i < points; i++) {
        xy[2 * i + first] = given;
        xy[2 * i + other] = g[i];
      }
      float[] joint = r.logProb(m.create(xy, new Shape(points, 2))).exp().toFloatArray();
      double[] moments = moments(g, joint); // normalises by p(x_first = given)
      int n = 40_000;
      float[] start = new float[2 * n];
      for (int i = 0; i < n; i++) {
        start[2 * i + first] = given;
      }
      float[] mask = new float[2];
      mask[first] = 1f;
      float[] done = r.complete(m.create(start, new Shape(n, 2)), m.create(mask)).toFloatArray();
      float[] drawn = new float[n];
      for (int i = 0; i < n; i++) {
        assertThat(done[2 * i + first]).isEqualTo(given);
        drawn[i] = done[2 * i + other];
      }
      assertSampleMoments(drawn, moments, n);
    }
  }

  /** (mean, variance, fourth central moment) of the normalised grid density. */
  private static double[] moments(float[] g, float[] p) {
    int points = g.length;
    double z = 0;
    double first = 0;
    for (int i = 0; i < points; i++) {
      z += weight(i, points) * p[i];
      first += weight(i, points) * p[i] * g[i];
    }
    double mean = first / z;
    double var = 0;
    double fourth = 0;
    for (int i = 0; i < points; i++) {
      double d = g[i] - mean;
      var += weight(i, points) * p[i] * d * d;
      fourth += weight(i, points) * p[i] * d * d * d * d;
    }
    return new double[] {mean, var / z, fourth / z};
  }

  /** Sample mean and variance within 5 standard errors of the integrated ones. */
  private static void assertSampleMoments(float[] s, double[] moments, int n) {
    double mean = 0;
    for (float v : s) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (float v : s) {
      var += (v - mean) * (v - mean);
    }
    var /= n;
    double seMean = Math.sqrt(moments[1] / n);
    double seVar = Math.sqrt((moments[2] - moments[1] * moments[1]) / n);
    assertThat(mean).as("sample mean").isCloseTo(moments[0], within(5 * seMean));
    assertThat(var).as("sample variance").isCloseTo(moments[1], within(5 * seVar));
  }

  @Test
  void badSettingsAreRejectedByName() {
    assertThatThrownBy(() -> new RealNade.Config(10, 0, "raster", 0, 1e-3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("components");
    assertThatThrownBy(() -> new RealNade.Config(0, 3, "raster", 0, 1e-3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden");
  }

  @Test
  void registryBuildsIt() {
    try (NDManager m = Engines.newManager()) {
      DensityModel model = (DensityModel) ModelRegistry.family("rnade").create(m.newSubManager(), 3,
          ModelRegistry.json().createObjectNode().put("hidden", 4).put("components", 2), 1);
      assertThat(model).isInstanceOf(RealNade.class);
      assertThat(model.support()).isEqualTo(Support.REAL);
      // W (2 of 3 rows x 4) + c (4) + per coordinate (H + 1)(3K - 1) = 5 x 5
      assertThat(model.parameterCount()).isEqualTo(8 + 4 + 3 * 25);
      assertThat(model.sample(m, 2).getShape()).isEqualTo(new Shape(2, 3));
    }
  }

  /** With every log-scale driven to -50, the floor keeps each density below N(0; 0, minStd). */
  @Test
  void minStdBoundsTheDensity() {
    try (NDManager m = Engines.newManager()) {
      RealNade model = new RealNade(m.newSubManager(), 2, new RealNade.Config(3, 2, "raster", 0,
          0.01), 1);
      NDArray b = model.parameters().get("bLogStds");
      b.set(new float[(int) b.getShape().size()]);
      b.subi(50f);
      NDArray v = model.parameters().get("vLogStds");
      v.set(new float[(int) v.getShape().size()]);
      NDArray x = m.randomUniform(0f, 1f, new ai.djl.ndarray.types.Shape(20, 2));
      float[] logp = model.logProb(x).toFloatArray();
      double bound = 2 * -Math.log(Math.sqrt(2 * Math.PI) * 0.01);
      for (float lp : logp) {
        assertThat((double) lp).isLessThanOrEqualTo(bound + 1e-3).isFinite();
      }
    }
  }

  /**
   * The last coordinate's input weights feed nothing, and each conditional's mixing logits
   * h V + b are unchanged by a common shift of their K columns (H + 1 redundant scalars per
   * coordinate): (D - 1) H + H + 2 D (H + 1) K + D (H + 1) (K - 1).
   */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void parameterCountLeavesOutUnusedWeightsAndTheSoftmaxShift(String ordering) {
    try (NDManager m = Engines.newManager()) {
      RealNade model = model(m, 4, ordering, 2); // H = 3, K = 2
      NDArray x = m.randomNormal(new Shape(40, 4));
      long used = ModelChecks.usedParameterCount(model, x);
      assertThat(used).isEqualTo(3 * 3 + 3 + 3 * 4 * 3 * 2 + 4 * 2 * 3);
      assertThat(model.parameterCount()).isEqualTo(used - 4 * (3 + 1))
          .isEqualTo(3 * 3 + 3 + 2 * 4 * 4 * 2 + 4 * 4 * 1);
      // the shift itself: adding one vector to both mixing-logit columns changes nothing
      float[] before = model.logProb(x).toFloatArray();
      NDArray vw = model.parameters().get("vWeights"); // (D, H, K)
      float[] shifted = vw.toFloatArray();
      for (int i = 0; i < shifted.length; i += 2) {
        float delta = 0.7f * (i % 5);
        shifted[i] += delta;
        shifted[i + 1] += delta;
      }
      vw.set(shifted);
      assertThat(model.logProb(x).toFloatArray()).containsExactly(before, within(1e-3f));
    }
  }

  /** D = 3 by a product trapezoid rule: every conditional, not just the first two. */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void threeDimensionalDensityIntegratesToOne(String ordering) {
    try (NDManager m = Engines.newManager()) {
      RealNade r = model(m, 3, ordering, 5);
      // h = 2/3: the trapezoid rule is spectrally accurate for these Gaussians (sigma >= 0.4)
      int points = 61;
      float[] g = grid(points);
      double total = 0;
      float[] slab = new float[points * points * 3];
      for (int i = 0; i < points; i++) {
        for (int j = 0; j < points; j++) {
          for (int k = 0; k < points; k++) {
            int row = j * points + k;
            slab[3 * row] = g[i];
            slab[3 * row + 1] = g[j];
            slab[3 * row + 2] = g[k];
          }
        }
        try (NDManager step = m.newSubManager()) {
          float[] p = r.logProb(step.create(slab, new Shape((long) points * points, 3))).exp()
              .toFloatArray();
          for (int j = 0; j < points; j++) {
            for (int k = 0; k < points; k++) {
              total += weight(i, points) * weight(j, points) * weight(k, points)
                  * p[j * points + k];
            }
          }
        }
      }
      double h = 2 * BOX / (points - 1);
      assertThat(total * h * h * h).isCloseTo(1.0, within(2e-3));
    }
  }

  /**
   * Sampling for D = 2: the second coordinate's marginal moments (integrated from logProb on a
   * grid) match the samples', which tests the ordering and the running state of the sampler.
   */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void twoDimensionalSamplesHaveTheIntegratedMarginals(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(6);
      RealNade r = model(m, 2, ordering, 7);
      int points = 401;
      float[] g = grid(points);
      float[] xy = gridPairs(g);
      float[] p = r.logProb(m.create(xy, new Shape((long) points * points, 2))).exp()
          .toFloatArray();
      int n = 40_000;
      float[] s = r.sample(m, n).toFloatArray();
      for (int coordinate = 0; coordinate < 2; coordinate++) {
        float[] marginal = new float[points];
        for (int i = 0; i < points; i++) {
          for (int j = 0; j < points; j++) {
            int at = coordinate == 0 ? i : j;
            int other = coordinate == 0 ? j : i;
            marginal[at] += (float) (weight(other, points) * p[i * points + j]);
          }
        }
        float[] drawn = new float[n];
        for (int i = 0; i < n; i++) {
          drawn[i] = s[2 * i + coordinate];
        }
        assertSampleMoments(drawn, moments(g, marginal), n);
      }
    }
  }
}
