package io.dgm4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.autoregressive.Fvsbn;
import io.dgm4j.models.autoregressive.Nade;
import io.dgm4j.models.autoregressive.RealNade;
import io.dgm4j.models.AutoregressiveModel;
import io.dgm4j.testing.ModelChecks;
import org.junit.jupiter.api.Test;

/**
 * The Gibbs correction against the exact conditional by enumeration, on masks that are not a
 * prefix of the ordering (where the chain-rule completion is wrong), with strong dependencies.
 */
class GibbsCompletionTest {

  private static Fvsbn strongFvsbn(NDManager m, int dimension, long seed) {
    Fvsbn f = new Fvsbn(m.newSubManager(), dimension, new Fvsbn.Config("raster", 0), seed);
    NDArray w = f.parameters().get("weights");
    w.set(Scalars.times(w, 8).toFloatArray()); // strong couplings: the chain must really mix
    f.parameters().get("bias").set(m.randomUniform(-1f, 1f, new Shape(dimension))
        .toFloatArray());
    return f;
  }

  private static void assertCorrected(AutoregressiveModel model, float[] mask, float[] values,
      NDManager m) {
    int n = 10_000;
    assertThat(model.completesExactly(m.create(mask))).isFalse();
    NDArray start = model.chainRuleComplete(ModelChecks.repeat(m, values, n), m.create(mask));
    double[] exact = ModelChecks.exactConditional(model, mask, values);
    assertThat(ModelChecks.totalVariation(ModelChecks.frequencies(start), exact))
        .as("the chain-rule draw alone is far from the conditional").isGreaterThan(0.05);
    // complete() is the chain-rule draw followed by the default number of Gibbs sweeps
    assertThat(model.completionMethod(m.create(mask), GibbsCompletion.DEFAULT_SWEEPS))
        .startsWith("MCMC").contains(GibbsCompletion.DEFAULT_SWEEPS + " Gibbs sweeps");
    NDArray refined = model.complete(ModelChecks.repeat(m, values, n), m.create(mask));
    ModelChecks.assertCompletionMatchesConditional(model, mask, values, refined, n, 5);
    assertThat(ModelChecks.totalVariation(ModelChecks.frequencies(refined), exact))
        .isLessThan(0.03);
  }

  /** The last coordinates observed, as the bottom rows of an image under a raster ordering. */
  @Test
  void defaultSweepsReachTheConditionalWhenTheObservedComeLast() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(11);
      assertCorrected(strongFvsbn(m, 5, 3), new float[] {0, 0, 0, 1, 1},
          new float[] {0, 0, 0, 1, 0}, m);
    }
  }

  /** Interleaved observed and unobserved coordinates, as the left half of an image. */
  @Test
  void defaultSweepsReachTheConditionalForAnInterleavedMask() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(12);
      assertCorrected(strongFvsbn(m, 6, 4), new float[] {1, 0, 0, 1, 0, 1},
          new float[] {1, 0, 0, 0, 0, 1}, m);
    }
  }

  @Test
  void nadeWithARandomOrderingAndAPrefixOfCoordinates() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(13);
      Nade nade = new Nade(m.newSubManager(), 5, new Nade.Config(6, "random", 2), 3);
      for (String name : new String[] {"w", "v"}) {
        NDArray p = nade.parameters().get(name);
        p.set(Scalars.times(p, 6).toFloatArray());
      }
      // coordinates 0 and 1 are not the first two of this random ordering
      assertThat(nade.ordering()[0] + nade.ordering()[1]).isNotEqualTo(1);
      assertCorrected(nade, new float[] {1, 1, 0, 0, 0}, new float[] {0, 1, 0, 0, 0}, m);
    }
  }

  @Test
  void observedValuesNeverChangeAndZeroSweepsKeepTheStart() {
    try (NDManager m = Engines.newManager()) {
      Fvsbn f = strongFvsbn(m, 4, 1);
      NDArray start = m.create(new float[] {1, 0, 1, 1, 0, 1, 0, 0}, new Shape(2, 4));
      NDArray mask = m.create(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, new Shape(2, 4));
      assertThat(GibbsCompletion.refine(f::logProb, start, mask, 0).toFloatArray())
          .containsExactly(start.toFloatArray());
      float[] out = GibbsCompletion.refine(f::logProb, start, mask, 5).toFloatArray();
      assertThat(new float[] {out[0], out[3], out[5], out[6]}).containsExactly(1, 1, 1, 0);
    }
  }

  /** Real values: exact when the observed come first, otherwise refused, not mislabelled. */
  @Test
  void realValuedModelsCompleteOnlyWhenExact() {
    try (NDManager m = Engines.newManager()) {
      RealNade r = new RealNade(m.newSubManager(), 3, RealNade.Config.defaults(), 1);
      NDArray prefix = m.create(new float[] {1, 0, 0});
      assertThat(r.completionMethod(prefix, 20)).startsWith("exact");
      assertThat(r.complete(m.ones(new Shape(2, 3)), prefix).getShape())
          .isEqualTo(new Shape(2, 3));
      NDArray last = m.create(new float[] {0, 0, 1});
      assertThat(r.completionMethod(last, 20)).startsWith("not available");
      assertThatThrownBy(() -> r.complete(m.zeros(new Shape(1, 3)), last))
          .hasMessageContaining("rnade").hasMessageContaining("--observe top-half");
    }
  }
}
