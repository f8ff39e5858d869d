package io.dgm4j.models.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MAF: normalised (quadrature in 2-D), invertible, autoregressive in every layer. */
class MafTest {

  /** A flow with weights moved away from the identity initialisation. */
  private static Maf perturbed(NDManager m, int dimension) {
    Maf maf = new Maf(m, dimension, new Maf.Config(List.of(16, 16), 3, 5L), 9L);
    Engines.seed(2);
    for (NDArray p : maf.parameters().asMap().values()) {
      p.addi(Scalars.times(m.randomNormal(p.getShape()), 0.2f));
    }
    return maf;
  }

  @Test
  void densityIntegratesToTheProbabilityOfItsOwnSamples() {
    try (NDManager m = Engines.newManager()) {
      Maf maf = perturbed(m.newSubManager(), 2);
      double hi = 9;
      double mass = PlaneQuadrature.mass(m, maf, -hi, hi, 400);
      // the flow's exact samples (inverse of the flow, tested below) say how much probability
      // lies inside the grid's box; the quadrature of exp(logProb) over the box must agree
      double inside = PlaneQuadrature.fractionInside(maf.sample(m, 20_000).toFloatArray(), -hi,
          hi);
      assertThat(inside).as("fraction of draws in the box").isGreaterThan(0.9);
      assertThat(mass).isCloseTo(inside, within(0.01)); // binomial s.e. <= 0.0035
    }
  }

  /** Maximum likelihood recovers a correlated 2-D Gaussian ({@link KnownGaussian}). */
  @Test
  void trainingRecoversAKnownGaussian() {
    try (NDManager m = Engines.newManager()) {
      KnownGaussian.assertRecoveredBy(m, new Maf(m.newSubManager(), 2,
          new Maf.Config(List.of(16, 16), 4, 5L), 3));
    }
  }

  @Test
  void inverseUndoesForward() {
    try (NDManager m = Engines.newManager()) {
      Maf maf = perturbed(m.newSubManager(), 5);
      NDArray x = m.randomNormal(new Shape(20, 5));
      NDArray u = maf.forward(x).get(0);
      float[] back = maf.inverse(u).toFloatArray();
      float[] original = x.toFloatArray();
      for (int i = 0; i < original.length; i++) {
        assertThat((double) back[i]).isCloseTo(original[i], within(1e-4));
      }
    }
  }

  @Test
  void eachLayerIsAutoregressiveInItsOrdering() {
    try (NDManager m = Engines.newManager()) {
      int d = 5;
      Maf maf = perturbed(m.newSubManager(), d);
      NDArray x = m.randomNormal(new Shape(1, d));
      for (int layer = 0; layer < maf.layers(); layer++) {
        int[] ordering = maf.ordering(layer);
        int[] position = new int[d];
        for (int i = 0; i < d; i++) {
          position[ordering[i]] = i;
        }
        NDList base = maf.shiftAndLogScale(x, layer);
        for (int j = 0; j < d; j++) {
          float[] moved = x.toFloatArray();
          moved[j] += 1.5f;
          NDList changed = maf.shiftAndLogScale(m.create(moved, new Shape(1, d)), layer);
          for (int out = 0; out < d; out++) {
            for (int k = 0; k < 2; k++) {
              double before = base.get(k).toFloatArray()[out];
              double after = changed.get(k).toFloatArray()[out];
              if (position[out] <= position[j]) {
                assertThat(after).as("layer %d: output %d must not see input %d", layer, out, j)
                    .isEqualTo(before);
              }
            }
          }
        }
        // and the last coordinate does depend on the first (the masks are not all zero)
        float[] moved = x.toFloatArray();
        moved[ordering[0]] += 1.5f;
        NDList changed = maf.shiftAndLogScale(m.create(moved, new Shape(1, d)), layer);
        assertThat(changed.get(0).toFloatArray()[ordering[d - 1]])
            .isNotEqualTo(base.get(0).toFloatArray()[ordering[d - 1]]);
      }
    }
  }
}
