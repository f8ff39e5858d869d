package io.dgm4j.models.autoregressive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

class NadeTest {

  private static Nade model(NDManager m, int dimension, int hidden, String ordering, long seed) {
    Nade nade = new Nade(m.newSubManager(), dimension, new Nade.Config(hidden, ordering, 3), seed);
    // non-zero biases so that every part of the forward pass matters
    nade.parameters().get("b").set(m.randomUniform(-1f, 1f, new Shape(dimension)).toFloatArray());
    nade.parameters().get("c").set(m.randomUniform(-1f, 1f, new Shape(hidden)).toFloatArray());
    NDArray v = nade.parameters().get("v");
    v.set(Scalars.times(v, 3).toFloatArray());
    NDArray w = nade.parameters().get("w");
    w.set(Scalars.times(w, 3).toFloatArray());
    return nade;
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void normalizedOverAllStates(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(1);
      ModelChecks.assertNormalized(model(m, 5, 4, ordering, 11), 1e-5);
    }
  }

  /** D = 37 spans five blocks of the forward pass, the last one partial. */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void logitsAreAutoregressive(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(2);
      Nade nade = model(m, 37, 6, ordering, 12);
      ModelChecks.assertAutoregressive(m, nade::logits, nade.ordering(), false);
      ModelChecks.assertAutoregressive(m, nade::logConditionals, nade.ordering(), true);
    }
  }

  /** The vectorised logits equal the definition evaluated one conditional at a time. */
  @ParameterizedTest
  @ValueSource(ints = {1, 5, 8, 9, 16, 37})
  void vectorisedLogitsEqualAPerStepLoop(int dimension) {
    for (String ordering : new String[] {"raster", "random"}) {
      try (NDManager m = Engines.newManager()) {
        Engines.seed(5);
        int hidden = 7;
        Nade nade = model(m, dimension, hidden, ordering, 15);
        NDArray x = m.randomUniform(0f, 1f, new Shape(4, dimension)).gt(0.5f)
            .toType(DataType.FLOAT32, false);
        float[] fast = nade.logits(x).toFloatArray();
        float[] slow = naiveLogits(nade, x.toFloatArray(), 4, dimension, hidden);
        for (int i = 0; i < fast.length; i++) {
          assertThat(fast[i]).as("logit %d (%s)", i, ordering).isCloseTo(slow[i], within(1e-4f));
        }
      }
    }
  }

  /**
   * Autograd gradients through several blocks (D = 21: two full blocks and a partial one) match
   * central finite differences for every parameter.
   */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void gradientsThroughSeveralBlocksMatchFiniteDifferences(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(6);
      int dimension = 21;
      Nade nade = model(m, dimension, 5, ordering, 16);
      NDArray x = m.randomUniform(0f, 1f, new Shape(6, dimension)).gt(0.5f)
          .toType(DataType.FLOAT32, false);
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        gc.backward(nade.logProb(x).sum());
      }
      for (String name : new String[] {"w", "c", "v", "b"}) {
        NDArray p = nade.parameters().get(name);
        float[] grad = p.getGradient().toFloatArray();
        float[] values = p.toFloatArray();
        for (int i = 0; i < values.length; i += 7) {
          double h = 1e-2;
          float[] moved = values.clone();
          moved[i] = values[i] + (float) h;
          p.set(moved);
          double up = nade.logProb(x).sum().getFloat();
          moved[i] = values[i] - (float) h;
          p.set(moved);
          double down = nade.logProb(x).sum().getFloat();
          p.set(values);
          double numeric = (up - down) / (2 * h);
          assertThat((double) grad[i]).as("%s d logp / d %s[%d]", ordering, name, i)
              .isCloseTo(numeric, within(5e-3 + 0.02 * Math.abs(numeric)));
        }
      }
    }
  }

  /**
   * The hand-derived gradient used in training (vector API, several threads) gives the same
   * loss and the same gradients as autograd through the block-wise forward pass, for hidden
   * sizes that are and are not a multiple of the vector length and for examples split unevenly
   * over threads, and for batches that fill several of the sweep's blocks of examples
   * (hidden:threads:examples).
   */
  @ParameterizedTest
  @ValueSource(strings = {"raster:37:1:7", "random:37:3:7", "raster:48:2:7", "random:5:1:7",
      "random:37:2:37", "raster:16:1:19"})
  void handDerivedGradientEqualsAutograd(String setting) {
    assertThat(io.dgm4j.engine.SharedMemory.VECTOR_API).as("tests run with --add-modules jdk.incubator.vector").isTrue();
    String[] parts = setting.split(":");
    int hidden = Integer.parseInt(parts[1]);
    int threads = Integer.parseInt(parts[2]);
    int previous = Engines.threads();
    try (NDManager m = Engines.newManager()) {
      Engines.seed(8);
      int dimension = 29;
      Nade nade = model(m, dimension, hidden, parts[0], 18);
      NDArray x = m.randomUniform(0f, 1f, new Shape(Integer.parseInt(parts[3]), dimension))
          .gt(0.6f)
          .toType(DataType.FLOAT32, false);
      java.util.Map<String, float[]> autograd = new java.util.HashMap<>();
      double expected;
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray loss = nade.logProb(x).mean().neg();
        expected = loss.getFloat();
        gc.backward(loss);
      }
      for (String name : new String[] {"w", "c", "v", "b"}) {
        NDArray p = nade.parameters().get(name);
        autograd.put(name, p.getGradient().toFloatArray());
        p.getGradient().subi(p.getGradient());
      }
      Engines.threads(threads);
      double actual;
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray loss = nade.meanNegativeLogLikelihood(io.dgm4j.models.Batch.of(x), 0);
        actual = loss.getFloat();
        gc.backward(loss);
      }
      assertThat(actual).isCloseTo(expected, within(1e-5 * Math.abs(expected)));
      for (String name : new String[] {"w", "c", "v", "b"}) {
        float[] want = autograd.get(name);
        float[] got = nade.parameters().get(name).getGradient().toFloatArray();
        for (int i = 0; i < want.length; i++) {
          assertThat(got[i]).as("%s d loss / d %s[%d]", setting, name, i)
              .isCloseTo(want[i], within(2e-6f + 1e-4f * Math.abs(want[i])));
        }
      }
    } finally {
      Engines.threads(previous);
    }
  }

  /**
   * log p(x) outside autograd (the sweep's forward half, on several threads) equals the
   * block-wise forward pass that autograd records.
   */
  @ParameterizedTest
  @ValueSource(strings = {"raster:37:1", "random:37:3", "random:48:2"})
  void logProbOutsideAutogradEqualsTheRecordedForwardPass(String setting) {
    String[] parts = setting.split(":");
    int previous = Engines.threads();
    try (NDManager m = Engines.newManager()) {
      Engines.seed(10);
      Nade nade = model(m, 29, Integer.parseInt(parts[1]), parts[0], 20);
      NDArray x = m.randomUniform(0f, 1f, new Shape(9, 29)).gt(0.5f)
          .toType(DataType.FLOAT32, false);
      float[] recorded;
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        assertThat(io.dgm4j.engine.Autograd.isRecording()).isTrue();
        recorded = nade.logProb(x).toFloatArray();
      }
      assertThat(io.dgm4j.engine.Autograd.isRecording()).isFalse();
      Engines.threads(Integer.parseInt(parts[2]));
      float[] swept = nade.logProb(x).toFloatArray();
      assertThat(swept).hasSize(9);
      for (int i = 0; i < swept.length; i++) {
        assertThat(swept[i]).as("%s row %d", setting, i)
            .isCloseTo(recorded[i], within(1e-4f * Math.abs(recorded[i])));
      }
    } finally {
      Engines.threads(previous);
    }
  }

  /**
   * The hand-derived gradient against central differences of the loss written out in plain
   * double-precision Java (no engine, no shared code).
   */
  @Test
  void handDerivedGradientMatchesDoublePrecisionFiniteDifferences() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(9);
      int dimension = 11;
      int hidden = 19;
      int n = 3;
      Nade nade = model(m, dimension, hidden, "random", 19);
      NDArray x = m.randomUniform(0f, 1f, new Shape(n, dimension)).gt(0.5f)
          .toType(DataType.FLOAT32, false);
      float[] xs = x.toFloatArray();
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        gc.backward(nade.meanNegativeLogLikelihood(io.dgm4j.models.Batch.of(x), 0));
      }
      String[] names = {"w", "c", "v", "b"};
      double[][] params = doubleParams(nade);
      int[] order = nade.ordering();
      for (int p = 0; p < 4; p++) {
        float[] grad = nade.parameters().get(names[p]).getGradient().toFloatArray();
        for (int i = 0; i < grad.length; i += 3) {
          double keep = params[p][i];
          double h = 1e-5;
          params[p][i] = keep + h;
          double up = meanNll(params, xs, n, dimension, hidden, order);
          params[p][i] = keep - h;
          double down = meanNll(params, xs, n, dimension, hidden, order);
          params[p][i] = keep;
          double numeric = (up - down) / (2 * h);
          assertThat((double) grad[i]).as("d loss / d %s[%d]", names[p], i)
              .isCloseTo(numeric, within(1e-5 + 1e-4 * Math.abs(numeric)));
        }
      }
    }
  }

  /** -(1/N) sum_n log p(x_n) of NADE, in double precision; params = {w, c, v, b}. */
  private static double meanNll(double[][] params, float[] x, int n, int dimension, int hidden,
      int[] order) {
    double[] logits = doubleLogits(params, x, n, dimension, hidden, order);
    double total = 0;
    for (int i = 0; i < logits.length; i++) {
      double p = 1 / (1 + Math.exp(-logits[i]));
      total -= x[i] == 1f ? Math.log(p) : Math.log(1 - p);
    }
    return total / n;
  }

  /** h_d = sigmoid(c + sum_{j before d} W_j x_j), l_d = b_d + V_d . h_d, in double precision. */
  private static float[] naiveLogits(Nade nade, float[] x, int n, int dimension, int hidden) {
    double[] logits = doubleLogits(doubleParams(nade), x, n, dimension, hidden,
        nade.ordering());
    float[] out = new float[logits.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) logits[i];
    }
    return out;
  }

  /** The model's {w, c, v, b} in double precision. */
  private static double[][] doubleParams(Nade nade) {
    String[] names = {"w", "c", "v", "b"};
    double[][] params = new double[4][];
    for (int p = 0; p < 4; p++) {
      float[] f = nade.parameters().get(names[p]).toFloatArray();
      params[p] = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        params[p][i] = f[i];
      }
    }
    return params;
  }

  /** The (n, D) logits of NADE with params = {w, c, v, b}, one conditional at a time. */
  private static double[] doubleLogits(double[][] params, float[] x, int n, int dimension,
      int hidden, int[] order) {
    double[] w = params[0];
    double[] c = params[1];
    double[] v = params[2];
    double[] b = params[3];
    double[] out = new double[n * dimension];
    for (int row = 0; row < n; row++) {
      for (int i = 0; i < dimension; i++) {
        int d = order[i];
        double logit = b[d];
        for (int k = 0; k < hidden; k++) {
          double a = c[k];
          for (int before = 0; before < i; before++) {
            int j = order[before];
            a += w[j * hidden + k] * x[row * dimension + j];
          }
          logit += v[d * hidden + k] / (1 + Math.exp(-a));
        }
        out[row * dimension + d] = logit;
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void samplesMatchLogProb(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      ModelChecks.assertSamplesMatchLogProb(model(m, 3, 4, ordering, 13), 20_000, 5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void completionKeepsObservedAndDrawsTheExactConditional(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(4);
      Nade nade = model(m, 4, 4, ordering, 14);
      ModelChecks.assertCompletionMatchesConditional(nade, 1, 1, 20_000, 5);
      ModelChecks.assertCompletionMatchesConditional(nade, 1, 0, 20_000, 5);
      ModelChecks.assertCompletionMatchesConditional(nade, 2, 0b10, 20_000, 5);
    }
  }

  @Test
  void completionWithPerRowMaskKeepsEachRowsObservedValues() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(6);
      Nade nade = model(m, 4, 3, "raster", 16);
      NDArray x = m.create(new float[] {1, 0, 1, 0, 0, 1, 1, 1}, new Shape(2, 4));
      NDArray mask = m.create(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, new Shape(2, 4));
      float[] done = nade.complete(x, mask).toFloatArray();
      assertThat(done[0]).isEqualTo(1f);
      assertThat(done[3]).isEqualTo(0f);
      assertThat(done[5]).isEqualTo(1f);
      assertThat(done[6]).isEqualTo(1f);
      for (float v : done) {
        assertThat(v).isIn(0f, 1f);
      }
    }
  }

  @Test
  void logProbMatchesHandComputedValue() {
    try (NDManager m = Engines.newManager()) {
      Nade nade = new Nade(m.newSubManager(), 2, new Nade.Config(1, "raster", 0), 1);
      nade.parameters().get("w").set(new float[] {2f, 7f}); // W_1 (from x_1) must be unused
      nade.parameters().get("c").set(new float[] {-1f});
      nade.parameters().get("v").set(new float[] {1.5f, -3f});
      nade.parameters().get("b").set(new float[] {0.25f, 0.5f});
      NDArray x = m.create(new float[] {1, 1, 0, 1}, new Shape(2, 2));
      float[] lp = nade.logProb(x).toFloatArray();
      double l0 = 0.25 + 1.5 * sigmoid(-1); // h_0 = sigmoid(c)
      double l1given1 = 0.5 - 3 * sigmoid(-1 + 2); // h_1 = sigmoid(c + W_0 x_0)
      double l1given0 = 0.5 - 3 * sigmoid(-1);
      assertThat(lp[0]).isCloseTo(
          (float) (FvsbnTest.logSigmoid(l0) + FvsbnTest.logSigmoid(l1given1)), within(1e-5f));
      assertThat(lp[1]).isCloseTo(
          (float) (FvsbnTest.logSigmoid(-l0) + FvsbnTest.logSigmoid(l1given0)), within(1e-5f));
    }
  }

  @Test
  void badHiddenIsRejectedByName() {
    assertThatThrownBy(() -> new Nade.Config(0, "raster", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden");
    ObjectNode bad = ModelRegistry.json().createObjectNode().put("hidden", -3);
    assertThatThrownBy(() -> ModelRegistry.family("nade").parseConfig(bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden");
  }

  @Test
  void registryBuildsItWithThePapersDefaults() {
    try (NDManager m = Engines.newManager()) {
      assertThat(Nade.Config.defaults().hidden()).isEqualTo(500);
      DensityModel model = (DensityModel) ModelRegistry.family("nade").create(m.newSubManager(), 4,
          ModelRegistry.json().createObjectNode().put("hidden", 3), 1);
      assertThat(model).isInstanceOf(Nade.class);
      assertThat(model.parameterCount()).isEqualTo(3 * 3 + 3 + 4 * 3 + 4);
      assertThat(model.sample(m, 2).getShape()).isEqualTo(new Shape(2, 4));
    }
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * (D - 1) H + H + D H + D: the input weights of the coordinate generated last feed no
   * conditional; counted independently by gradients on random data.
   */
  @ParameterizedTest
  @ValueSource(strings = {"raster", "random"})
  void parameterCountLeavesOutTheLastCoordinatesInputWeights(String ordering) {
    try (NDManager m = Engines.newManager()) {
      Nade model = model(m, 5, 3, ordering, 2);
      NDArray x = m.randomUniform(0f, 1f, new Shape(40, 5)).gt(0.5f)
          .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      long used = ModelChecks.usedParameterCount(model, x);
      assertThat(used).isEqualTo(4 * 3 + 3 + 5 * 3 + 5);
      assertThat(model.parameterCount()).isEqualTo(used);
    }
  }
}
