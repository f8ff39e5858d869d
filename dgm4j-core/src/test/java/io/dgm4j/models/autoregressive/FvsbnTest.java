package io.dgm4j.models.autoregressive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.testing.ModelChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FvsbnTest {

  private static Fvsbn model(NDManager m, int dimension, String ordering, long seed) {
    Fvsbn f = new Fvsbn(m.newSubManager(), dimension, new Fvsbn.Config(ordering, 3), seed);
    // larger weights than the initialisation so the conditionals differ clearly
    NDArray w = f.parameters().get("weights");
    w.set(Scalars.times(w, 3).toFloatArray());
    f.parameters().get("bias").set(m.randomUniform(-1f, 1f, new Shape(dimension)).toFloatArray());
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void normalizedOverAllStates(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(1);
      ModelChecks.assertNormalized(model(m, 5, ordering, 11), 1e-5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void logitsAreAutoregressive(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(2);
      Fvsbn f = model(m, 7, ordering, 12);
      if ("random".equals(ordering)) {
        assertThat(f.ordering()).isNotEqualTo(new int[] {0, 1, 2, 3, 4, 5, 6});
      }
      ModelChecks.assertAutoregressive(m, f::logits, f.ordering(), false);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void samplesMatchLogProb(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      ModelChecks.assertSamplesMatchLogProb(model(m, 3, ordering, 13), 20_000, 5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void completionKeepsObservedAndDrawsTheExactConditional(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(4);
      Fvsbn f = model(m, 5, ordering, 14);
      ModelChecks.assertCompletionMatchesConditional(f, 1, 1, 20_000, 5);
      ModelChecks.assertCompletionMatchesConditional(f, 2, 0b01, 20_000, 5);
      ModelChecks.assertCompletionMatchesConditional(f, 3, 0b110, 20_000, 5);
    }
  }

  @Test
  void logProbMatchesHandComputedValue() {
    try (NDManager m = Engines.newManager()) {
      Fvsbn f = new Fvsbn(m.newSubManager(), 2, Fvsbn.Config.defaults(), 1);
      // W_01 = 2 (x_0 into logit 1); W_10 would be masked: set it to check it is ignored
      f.parameters().get("weights").set(new float[] {0f, 2f, 5f, 0f});
      f.parameters().get("bias").set(new float[] {-1f, 0.5f});
      NDArray x = m.create(new float[] {1, 1, 1, 0, 0, 1}, new Shape(3, 2));
      float[] lp = f.logProb(x).toFloatArray();
      assertThat(lp[0]).isCloseTo((float) (logSigmoid(-1) + logSigmoid(2.5)), within(1e-5f));
      assertThat(lp[1]).isCloseTo((float) (logSigmoid(-1) + logSigmoid(-2.5)), within(1e-5f));
      assertThat(lp[2]).isCloseTo((float) (logSigmoid(1) + logSigmoid(0.5)), within(1e-5f));
    }
  }

  @Test
  void parameterCountIsTheFreeParameters() {
    try (NDManager m = Engines.newManager()) {
      Fvsbn f = new Fvsbn(m.newSubManager(), 784, Fvsbn.Config.defaults(), 1);
      assertThat(f.parameterCount()).isEqualTo(784L * 783 / 2 + 784);
    }
  }

  @Test
  void randomOrderingDependsOnTheOrderingSeedOnly() {
    try (NDManager m = Engines.newManager()) {
      int[] a = new Fvsbn(m.newSubManager(), 20, new Fvsbn.Config("random", 5), 1).ordering();
      int[] b = new Fvsbn(m.newSubManager(), 20, new Fvsbn.Config("random", 5), 2).ordering();
      int[] c = new Fvsbn(m.newSubManager(), 20, new Fvsbn.Config("random", 6), 1).ordering();
      assertThat(a).isEqualTo(b).isNotEqualTo(c);
      assertThat(a).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 20).toArray());
    }
  }

  @Test
  void badOrderingIsRejectedByName() {
    assertThatThrownBy(() -> new Fvsbn.Config("spiral", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ordering");
    ObjectNode bad = ModelRegistry.json().createObjectNode().put("ordering", "spiral");
    assertThatThrownBy(() -> ModelRegistry.family("fvsbn").parseConfig(bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ordering");
  }

  @Test
  void registryBuildsIt() {
    try (NDManager m = Engines.newManager()) {
      DensityModel model = (DensityModel) ModelRegistry.family("fvsbn").create(m.newSubManager(), 4,
          ModelRegistry.json().createObjectNode().put("ordering", "random"), 1);
      assertThat(model).isInstanceOf(Fvsbn.class);
      assertThat(model.family()).isEqualTo("fvsbn");
      assertThat(model.sample(m, 2).getShape()).isEqualTo(new Shape(2, 4));
    }
  }

  static double logSigmoid(double z) {
    return -Math.log1p(Math.exp(-z));
  }

  /** Counted independently: scalars whose gradient of log p(x) on random data is non-zero. */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void parameterCountEqualsTheScalarsThatMoveLogProb(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Fvsbn model = model(m, 6, ordering, 2);
      NDArray x = m.randomUniform(0f, 1f, new Shape(60, 6)).gt(0.5f)
          .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      assertThat(model.parameterCount()).isEqualTo(ModelChecks.usedParameterCount(model, x))
          .isEqualTo(15 + 6);
    }
  }
}
