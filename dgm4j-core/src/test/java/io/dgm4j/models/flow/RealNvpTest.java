package io.dgm4j.models.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Real NVP: normalised (quadrature in 2-D, on R^2 and on the unit square), the log-determinant
 * against a numerical Jacobian, invertible, checkerboard masks, bad settings named.
 */
class RealNvpTest {

  private static RealNvp.Config config(int couplings, String network, String domain) {
    return new RealNvp.Config(couplings, network, List.of(16, 16), 4, List.of(1, 2), domain,
        0.05);
  }

  /** A flow with weights moved away from the identity initialisation. */
  private static RealNvp perturbed(NDManager m, int[] itemShape, RealNvp.Config config) {
    RealNvp flow = new RealNvp(m, itemShape, config, 9L);
    Engines.seed(2);
    for (NDArray p : flow.parameters().asMap().values()) {
      p.addi(Scalars.times(m.randomNormal(p.getShape()), 0.1f));
    }
    return flow;
  }

  /**
   * In the unit domain the density lives on the box B = (-α/(1-2α), (1-α)/(1-2α))^2 that the
   * logit transform maps onto the plane: it integrates to 1 there (without the transform's
   * Jacobian it would not), and its mass on [0, 1]^2 equals the fraction of exact samples there.
   */
  @Test
  void densityOnTheUnitDomainIntegratesToOneOverItsBox() {
    try (NDManager m = Engines.newManager()) {
      RealNvp flow = perturbed(m.newSubManager(), new int[] {2}, config(4, "mlp", "unit"));
      assertThat(flow.unitDomain()).isTrue();
      double low = -0.05 / 0.9;
      double high = 0.95 / 0.9;
      assertThat(PlaneQuadrature.mass(m, flow, low, high, 400)).isCloseTo(1.0, within(0.005));
      float[] draws = flow.sample(m, 20_000).toFloatArray();
      assertThat(PlaneQuadrature.fractionInside(draws, low, high)).isEqualTo(1.0);
      // about 1% of the mass lies outside; binomial standard error 0.0007
      double inUnit = PlaneQuadrature.fractionInside(draws, 0, 1);
      assertThat(inUnit).as("fraction of draws in the unit square").isLessThan(0.995);
      assertThat(PlaneQuadrature.mass(m, flow, 0, 1, 400)).isCloseTo(inUnit, within(0.003));
      float[] outside = flow.logProb(m.create(new float[] {-0.1f, 0.5f, 0.5f, 1.1f, 0.5f, 0.5f},
          new Shape(3, 2))).toFloatArray();
      assertThat(outside[0]).isEqualTo(Float.NEGATIVE_INFINITY);
      assertThat(outside[1]).isEqualTo(Float.NEGATIVE_INFINITY);
      assertThat(outside[2]).isFinite();
    }
  }

  @Test
  void densityOnThePlaneIntegratesToTheProbabilityOfItsOwnSamples() {
    try (NDManager m = Engines.newManager()) {
      RealNvp flow = perturbed(m.newSubManager(), new int[] {2}, config(4, "mlp", "auto"));
      assertThat(flow.unitDomain()).as("vectors are on R^D by default").isFalse();
      double hi = 9;
      double inside = PlaneQuadrature.fractionInside(flow.sample(m, 20_000).toFloatArray(), -hi,
          hi);
      assertThat(inside).as("fraction of draws in the box").isGreaterThan(0.9);
      // binomial standard error <= 0.0035
      assertThat(PlaneQuadrature.mass(m, flow, -hi, hi, 400)).isCloseTo(inside, within(0.01));
    }
  }

  /**
   * log |det ∂u/∂x| of the whole flow (logit transform and convolutional couplings on a
   * two-channel image) against the determinant of a Jacobian by central differences, in double
   * precision by Gaussian elimination; and log p(x) = log N(u) + that.
   */
  @Test
  void logDeterminantMatchesANumericalJacobian() {
    try (NDManager m = Engines.newManager()) {
      int[] shape = {3, 4, 2};
      int d = 24;
      RealNvp flow = perturbed(m.newSubManager(), shape, config(3, "conv", "auto"));
      SplittableRandom r = new SplittableRandom(3);
      float[] x = new float[d];
      for (int i = 0; i < d; i++) {
        x[i] = (float) (0.1 + 0.8 * r.nextDouble());
      }
      NDList ul = flow.forward(m.create(x, new Shape(1, d)));
      double logDet = ul.get(1).getFloat(0);
      float[] u = ul.get(0).toFloatArray();
      double eps = 1e-3; // float32 forward passes: at this step (and weights within 0.1 of the
      // identity) the log-determinants agreed to 1e-4; at 0.3, |u| reached 500 and rounding 1 nat
      double[][] jacobian = new double[d][d];
      for (int j = 0; j < d; j++) {
        float[] up = x.clone();
        float[] down = x.clone();
        up[j] += (float) eps;
        down[j] -= (float) eps;
        float[] uUp = flow.forward(m.create(up, new Shape(1, d))).get(0).toFloatArray();
        float[] uDown = flow.forward(m.create(down, new Shape(1, d))).get(0).toFloatArray();
        for (int i = 0; i < d; i++) {
          jacobian[i][j] = (uUp[i] - uDown[i]) / ((double) up[j] - down[j]);
        }
      }
      double numeric = logAbsDeterminant(jacobian);
      assertThat(logDet).isCloseTo(numeric, within(0.01));
      double logNormal = 0;
      for (float v : u) {
        logNormal += -0.5 * v * v - 0.5 * Math.log(2 * Math.PI);
      }
      assertThat((double) flow.logProb(m.create(x, new Shape(1, d))).getFloat(0))
          .isCloseTo(logNormal + numeric, within(0.01));
    }
  }

  /** log |det A| by Gaussian elimination with partial pivoting. */
  private static double logAbsDeterminant(double[][] matrix) {
    int n = matrix.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = matrix[i].clone();
    }
    double sum = 0;
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) {
          pivot = i;
        }
      }
      double[] row = a[pivot];
      a[pivot] = a[c];
      a[c] = row;
      sum += Math.log(Math.abs(a[c][c]));
      for (int i = c + 1; i < n; i++) {
        double f = a[i][c] / a[c][c];
        for (int j = c; j < n; j++) {
          a[i][j] -= f * a[c][j];
        }
      }
    }
    return sum;
  }

  @Test
  void inverseUndoesForward() {
    try (NDManager m = Engines.newManager()) {
      for (RealNvp.Config c : List.of(config(3, "conv", "auto"), config(4, "mlp", "auto"))) {
        RealNvp flow = perturbed(m.newSubManager(), new int[] {3, 4, 2}, c);
        NDArray x = m.randomUniform(0.05f, 0.95f, new Shape(6, 24));
        float[] back = flow.inverse(flow.forward(x).get(0)).toFloatArray();
        float[] original = x.toFloatArray();
        for (int i = 0; i < original.length; i++) {
          assertThat((double) back[i]).as(c.network()).isCloseTo(original[i], within(1e-4));
        }
      }
    }
  }

  /** Maximum likelihood recovers a correlated 2-D Gaussian ({@link KnownGaussian}). */
  @Test
  void trainingRecoversAKnownGaussian() {
    try (NDManager m = Engines.newManager()) {
      KnownGaussian.assertRecoveredBy(m, new RealNvp(m.newSubManager(), new int[] {2},
          config(4, "mlp", "auto"), 3));
    }
  }

  @Test
  void masksAreCheckerboardsForImagesAndAlternateCoordinatesForVectors() {
    try (NDManager m = Engines.newManager()) {
      RealNvp image = new RealNvp(m, new int[] {3, 4, 2}, config(2, "mlp", "auto"), 1);
      float[] first = image.mask(0).toFloatArray();
      float[] second = image.mask(1).toFloatArray();
      for (int row = 0; row < 3; row++) {
        for (int col = 0; col < 4; col++) {
          for (int c = 0; c < 2; c++) {
            int d = (row * 4 + col) * 2 + c;
            assertThat(first[d]).as("(%d, %d, %d)", row, col, c)
                .isEqualTo((row + col) % 2 == 0 ? 1f : 0f);
            assertThat(second[d]).isEqualTo(1 - first[d]);
          }
        }
      }
      RealNvp vector = new RealNvp(m, new int[] {5}, config(2, "mlp", "auto"), 1);
      assertThat(vector.mask(0).toFloatArray()).containsExactly(1, 0, 1, 0, 1);
      assertThat(vector.mask(1).toFloatArray()).containsExactly(0, 1, 0, 1, 0);
    }
  }

  @Test
  void untrainedFlowIsTheIdentityOnThePlane() {
    try (NDManager m = Engines.newManager()) {
      RealNvp flow = new RealNvp(m, new int[] {2}, config(4, "mlp", "real"), 1);
      float[] logp = flow.logProb(m.create(new float[] {0.3f, -1.2f}, new Shape(1, 2)))
          .toFloatArray();
      double expected = -0.5 * (0.09 + 1.44) - Math.log(2 * Math.PI);
      assertThat((double) logp[0]).isCloseTo(expected, within(1e-5));
    }
  }

  @Test
  void anUntrainedFlowDrawsItsBaseScaledByTheTemperature() {
    try (NDManager m = Engines.newManager()) {
      RealNvp flow = new RealNvp(m, new int[] {2}, config(4, "mlp", "real"), 1);
      Engines.seed(3);
      int n = 20_000;
      float[] s = flow.sample(m, n, 0.3).toFloatArray();
      double sumSquares = 0;
      for (float v : s) {
        sumSquares += v * v;
      }
      // the identity map (zero-initialised couplings): x = 0.3 u, E[x²] = 0.09
      assertThat(sumSquares / s.length).isCloseTo(0.09, within(0.004));
      assertThatThrownBy(() -> flow.sample(m, 2, -1))
          .hasMessageContaining("temperature must be a finite number >= 0, got -1");
    }
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> config(1, "mlp", "auto"))
        .hasMessageContaining("couplings must be at least 2");
    assertThatThrownBy(() -> config(4, "resnet", "auto"))
        .hasMessageContaining("network must be mlp or conv, got resnet");
    assertThatThrownBy(() -> config(4, "mlp", "sphere"))
        .hasMessageContaining("domain must be auto, unit or real, got sphere");
    assertThatThrownBy(() -> new RealNvp.Config(4, "mlp", List.of(8), 4, List.of(1), "auto", 0.5))
        .hasMessageContaining("alpha must be in (0, 0.5), got 0.5");
    assertThatThrownBy(() -> new RealNvp.Config(4, "mlp", List.of(), 4, List.of(1), "auto", 0.1))
        .hasMessageContaining("hidden must list positive layer sizes");
    try (NDManager m = Engines.newManager()) {
      assertThatThrownBy(() -> new RealNvp(m, new int[] {6}, config(2, "conv", "auto"), 1))
          .hasMessageContaining("network=conv needs images");
      assertThatThrownBy(() -> new RealNvp(m, new int[] {2, 2, 2, 2}, config(2, "mlp", "auto"), 1))
          .hasMessageContaining("(H, W) or (H, W, C)");
    }
  }
}
