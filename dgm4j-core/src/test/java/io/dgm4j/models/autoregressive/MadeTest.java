package io.dgm4j.models.autoregressive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.testing.ModelChecks;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MadeTest {

  private static Made.Config config(int[] hidden, int masks, boolean orderAgnostic,
      boolean direct) {
    return new Made.Config(hidden, masks, orderAgnostic, direct, 11L);
  }

  /**
   * Replaces every weight by N(0, std^2) draws, so that the distribution is far from flat, and
   * every bias by a positive value, so that no ReLU unit is dead at x = 0 (a dead unit would
   * hide a connection from the gradient check).
   */
  private static Made randomized(Made model, double std, long seed) {
    Random random = new Random(seed);
    model.parameters().asMap().forEach((name, p) -> {
      float[] v = new float[(int) p.getShape().size()];
      for (int i = 0; i < v.length; i++) {
        double g = random.nextGaussian() * std;
        v[i] = (float) (name.endsWith("bias") ? 0.2 + Math.abs(g) : g);
      }
      p.set(v);
    });
    return model;
  }

  @ParameterizedTest(name = "hidden={0}, direct={1}, orderAgnostic={2}")
  @CsvSource({"32, false, true", "32, true, true", "24 20, false, true", "24 20, true, true",
      "32, false, false", "24 20, true, false"})
  void everyMaskSetIsAutoregressiveInItsOrdering(String hidden, boolean direct,
      boolean orderAgnostic) {
    int[] sizes = Arrays.stream(hidden.split(" ")).mapToInt(Integer::parseInt).toArray();
    try (NDManager m = Engines.newManager()) {
      Made model = randomized(
          new Made(m.newSubManager(), 6, config(sizes, 4, orderAgnostic, direct), 3), 1.0, 5);
      boolean someOrderingIsNotNatural = false;
      for (int k = 0; k < model.maskCount(); k++) {
        int maskIndex = k;
        ModelChecks.assertAutoregressive(m, x -> model.logits(x, maskIndex),
            model.ordering(k), false);
        someOrderingIsNotNatural |= !Arrays.equals(model.ordering(k), new int[] {0, 1, 2, 3, 4, 5});
      }
      assertThat(someOrderingIsNotNatural).as("mask sets draw orderings").isEqualTo(orderAgnostic);
      assertThat(model.ordering()).containsExactly(0, 1, 2, 3, 4, 5);
    }
  }

  /**
   * Eleven sets of 784 x 4,096 x 2 masks (70.6 million entries) exceed the cache, so the model
   * keeps one set at a time and rebuilds the others from their degrees: set 0's log p is the
   * same after the other ten were used, and differs from set 1's.
   */
  @Test
  void maskSetsBeyondTheCacheAreRebuiltTheSame() {
    try (NDManager m = Engines.newManager()) {
      Made model = new Made(m.newSubManager(), 784, config(new int[] {4096}, 11, false, false), 3);
      NDArray x = m.randomUniform(0f, 1f, new Shape(3, 784)).gt(0.8f).toType(
          ai.djl.ndarray.types.DataType.FLOAT32, false);
      float[] first = model.logProb(x, 0).toFloatArray();
      float[] other = model.logProb(x, 1).toFloatArray();
      for (int k = 2; k < 11; k++) {
        model.logProb(x, k).close();
      }
      assertThat(model.logProb(x, 0).toFloatArray()).containsExactly(first);
      assertThat(other).isNotEqualTo(first);
    }
  }

  @Test
  void masksDifferAcrossSetsEvenWithTheNaturalOrdering() {
    try (NDManager m = Engines.newManager()) {
      Made model = randomized(
          new Made(m.newSubManager(), 6, config(new int[] {8}, 2, false, false), 3), 1.0, 5);
      NDArray x = m.randomUniform(0f, 1f, new Shape(4, 6)).gt(0.5f).toType(
          ai.djl.ndarray.types.DataType.FLOAT32, false);
      float gap = model.logits(x, 0).sub(model.logits(x, 1)).abs().max().getFloat();
      assertThat(gap).as("hidden connectivity differs between mask sets").isGreaterThan(1e-3f);
    }
  }

  @Test
  void hiddenLayerSmallerThanDimensionIsStillAutoregressiveAndNormalized() {
    try (NDManager m = Engines.newManager()) {
      // 3 hidden units for 8 inputs: most outputs have no hidden path; the direct connection
      // gives every output with earlier inputs a dependence, which the check requires.
      Made model = randomized(
          new Made(m.newSubManager(), 8, config(new int[] {3}, 3, true, true), 1), 1.0, 2);
      for (int k = 0; k < 3; k++) {
        int maskIndex = k;
        ModelChecks.assertAutoregressive(m, x -> model.logits(x, maskIndex),
            model.ordering(k), false);
      }
      ModelChecks.assertNormalized(model, 1e-5);
    }
  }

  @ParameterizedTest(name = "K={0}")
  @CsvSource({"1", "4"})
  void normalizedOverAllStates(int masks) {
    try (NDManager m = Engines.newManager()) {
      Made model = randomized(
          new Made(m.newSubManager(), 5, config(new int[] {16, 12}, masks, true, true), 7),
          1.5, 9);
      ModelChecks.assertNormalized(model, 1e-5);
      NDArray states = ModelChecks.allBinaryStates(m, 5);
      for (int k = 0; k < masks; k++) {
        assertThat(model.logProb(states, k).exp().sum().getFloat()).as("mask set %d", k)
            .isCloseTo(1f, within(1e-5f));
      }
    }
  }

  @Test
  void logProbIsTheLogMeanOfTheMaskSetsProbabilities() {
    try (NDManager m = Engines.newManager()) {
      Made model = randomized(
          new Made(m.newSubManager(), 4, config(new int[] {10}, 3, true, false), 7), 1.5, 9);
      NDArray states = ModelChecks.allBinaryStates(m, 4);
      float[] mixture = model.logProb(states).toFloatArray();
      float[][] single = new float[3][];
      for (int k = 0; k < 3; k++) {
        single[k] = model.logProb(states, k).toFloatArray();
      }
      for (int s = 0; s < mixture.length; s++) {
        double mean = (Math.exp(single[0][s]) + Math.exp(single[1][s]) + Math.exp(single[2][s]))
            / 3;
        assertThat((double) mixture[s]).isCloseTo(Math.log(mean), within(1e-5));
      }
    }
  }

  @Test
  void logProbMatchesHandComputedValue() {
    try (NDManager m = Engines.newManager()) {
      // D=2, one hidden unit: its degree must be 0, so it sees x0 and feeds only l1.
      Made model = new Made(m.newSubManager(), 2, config(new int[] {1}, 1, false, false), 1);
      model.parameters().get("hidden0.weight").set(new float[] {2f, 5f}); // 5 is masked out
      model.parameters().get("hidden0.bias").set(new float[] {-0.5f});
      model.parameters().get("output.weight").set(new float[] {7f, 3f}); // 7 is masked out
      model.parameters().get("output.bias").set(new float[] {0.3f, -1f});
      NDArray x = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
      float[] lp = model.logProb(x).toFloatArray();
      // x=(1,0): l0 = 0.3, l1 = 3 relu(2 - 0.5) - 1 = 3.5
      assertThat(lp[0]).isCloseTo((float) (logSigmoid(0.3) + logSigmoid(-3.5)), within(1e-5f));
      // x=(0,1): l0 = 0.3, l1 = 3 relu(-0.5) - 1 = -1
      assertThat(lp[1]).isCloseTo((float) (logSigmoid(-0.3) + logSigmoid(-1)), within(1e-5f));
    }
  }

  private static double logSigmoid(double l) {
    return -Math.log1p(Math.exp(-l));
  }

  @Test
  void oneDimensionIsALearnedConstant() {
    try (NDManager m = Engines.newManager()) {
      Made model = randomized(
          new Made(m.newSubManager(), 1, config(new int[] {4, 3}, 2, true, true), 1), 1.0, 3);
      float bias = model.parameters().get("output.bias").getFloat(0);
      NDArray x = m.create(new float[] {0, 1}, new Shape(2, 1));
      for (int k = 0; k < 2; k++) {
        assertThat(model.logits(x, k).toFloatArray()).containsExactly(bias, bias);
        int maskIndex = k;
        ModelChecks.assertAutoregressive(m, v -> model.logits(v, maskIndex), new int[] {0}, false);
      }
      assertThat(model.logProb(x).getFloat(1)).isCloseTo((float) logSigmoid(bias), within(1e-6f));
      ModelChecks.assertNormalized(model, 1e-6);
    }
  }

  @Test
  void samplesMatchTheMixture() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(42);
      Made model = randomized(
          new Made(m.newSubManager(), 3, config(new int[] {12}, 3, true, false), 1), 2.0, 4);
      NDArray states = ModelChecks.allBinaryStates(m, 3);
      // the mask sets are different models, so matching the mixture tests the mask choice
      float gap = model.logProb(states, 0).exp().sub(model.logProb(states, 1).exp()).abs().max()
          .getFloat();
      assertThat(gap).isGreaterThan(0.05f);
      ModelChecks.assertSamplesMatchLogProb(model, 20_000, 5);
    }
  }

  /**
   * Several connectivity-agnostic masks with the natural ordering: observed prefixes of length
   * 1, 2 and 3 are prefixes of every member's ordering, so completion must follow the
   * mixture's conditional sum_k p(k | x_o) p_k(x_u | x_o), checked by enumeration. Mask set 0's
   * conditional alone (the old behaviour) is far from it here, which the test also checks.
   */
  @Test
  void completionDrawsTheMixturesConditionalByMaskPosterior() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(3);
      Made model = randomized(
          new Made(m.newSubManager(), 5, config(new int[] {12}, 4, false, false), 1), 2.0, 6);
      int n = 20_000;
      for (int prefix = 1; prefix <= 3; prefix++) {
        float[] mask = new float[5];
        float[] values = new float[5];
        for (int d = 0; d < prefix; d++) {
          mask[d] = 1f;
          values[d] = d % 2 == 0 ? 1f : 0f;
        }
        assertThat(model.completesExactly(m.create(mask))).isTrue();
        NDArray draws = model.complete(ModelChecks.repeat(m, values, n), m.create(mask));
        ModelChecks.assertCompletionMatchesConditional(model, mask, values, draws, n, 5);
      }
      // the case is not trivial: mask set 0's own conditional differs from the mixture's
      float[] mask = {1, 1, 0, 0, 0};
      float[] values = {1, 0, 0, 0, 0};
      double[] mixture = ModelChecks.exactConditional(model, mask, values);
      Made member0 = randomized(
          new Made(m.newSubManager(), 5, config(new int[] {12}, 4, false, false), 1), 2.0, 6);
      float[] joint0 = member0.logProb(ModelChecks.allBinaryStates(m, 5), 0).exp()
          .toFloatArray();
      double[] conditional0 = new double[32];
      double total = 0;
      for (int s = 0; s < 32; s++) {
        conditional0[s] = (s & 3) == 1 ? joint0[s] : 0;
        total += conditional0[s];
      }
      for (int s = 0; s < 32; s++) {
        conditional0[s] /= total;
      }
      assertThat(ModelChecks.totalVariation(mixture, conditional0)).isGreaterThan(0.05);
    }
  }

  /**
   * Order-agnostic members: no observed set is a prefix of every ordering, so the chain-rule
   * draw is only a start — completesExactly says so — and complete() adds Gibbs sweeps on the
   * mixture's log p(x), which bring it to the exact conditional.
   */
  @Test
  void orderAgnosticCompletionIsNotExactAndGibbsCorrectsIt() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(5);
      Made model = randomized(
          new Made(m.newSubManager(), 4, config(new int[] {12}, 4, true, false), 1), 2.0, 8);
      float[] mask = {1, 1, 0, 0};
      float[] values = {1, 0, 0, 0};
      assertThat(model.completesExactly(m.create(mask))).isFalse();
      int n = 20_000;
      NDArray start = model.chainRuleComplete(ModelChecks.repeat(m, values, n), m.create(mask));
      double[] exact = ModelChecks.exactConditional(model, mask, values);
      assertThat(ModelChecks.totalVariation(ModelChecks.frequencies(start), exact))
          .as("the starting draw alone is not the conditional").isGreaterThan(0.05);
      NDArray refined = model.complete(ModelChecks.repeat(m, values, n), m.create(mask));
      ModelChecks.assertCompletionMatchesConditional(model, mask, values, refined, n, 5);
    }
  }

  @Test
  void trainingCyclesThroughTheMaskSets() {
    try (NDManager m = Engines.newManager()) {
      Made model = randomized(
          new Made(m.newSubManager(), 5, config(new int[] {10}, 3, true, false), 1), 1.0, 2);
      NDArray x = m.randomUniform(0f, 1f, new Shape(6, 5)).gt(0.5f).toType(
          ai.djl.ndarray.types.DataType.FLOAT32, false);
      float[] step0 = model.trainingLogProb(x, 0).toFloatArray();
      assertThat(model.trainingLogProb(x, 3).toFloatArray()).containsExactly(step0);
      assertThat(model.trainingLogProb(x, 4).toFloatArray())
          .containsExactly(model.trainingLogProb(x, 1).toFloatArray());
      assertThat(step0).containsExactly(model.logProb(x, 0).toFloatArray());
      float gap = model.trainingLogProb(x, 1).sub(model.trainingLogProb(x, 0)).abs().max()
          .getFloat();
      assertThat(gap).isGreaterThan(1e-3f);
    }
  }

  @Test
  void badSettingsAreRejectedByName() {
    assertThatThrownBy(() -> new Made.Config(new int[0], 1, true, false, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden");
    assertThatThrownBy(() -> new Made.Config(new int[] {8, 0}, 1, true, false, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden=[8, 0]");
    assertThatThrownBy(() -> new Made.Config(new int[] {-3}, 1, true, false, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden");
    assertThatThrownBy(() -> new Made.Config(new int[] {8}, 0, true, false, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("masks");
    ObjectNode bad = ModelRegistry.json().createObjectNode().put("masks", -1);
    assertThatThrownBy(() -> ModelRegistry.family("made").parseConfig(bad))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("masks (K)");
  }

  @Test
  void registryBuildsMadeFromJsonSettings() {
    ObjectNode settings = ModelRegistry.json().createObjectNode().put("masks", 2)
        .put("directConnection", false);
    settings.putArray("hidden").add(8).add(6);
    try (NDManager m = Engines.newManager()) {
      DensityModel model = (DensityModel) ModelRegistry.family("made").create(m.newSubManager(), 4, settings, 1);
      assertThat(model).isInstanceOf(Made.class);
      assertThat(model.family()).isEqualTo("made");
      assertThat(model.config()).isEqualTo(new Made.Config(new int[] {8, 6}, 2, false, false, 0));
      // at most the stored weights 4x8 + 8x6 + 6x4 plus biases 8 + 6 + 4; masks remove some
      assertThat(model.parameterCount()).isLessThan(32 + 48 + 24 + 18).isGreaterThan(18);
    }
    assertThat(Made.Config.defaults().hidden()).containsExactly(500);
    assertThat(Made.Config.defaults().masks()).isEqualTo(1);
    assertThat(Made.Config.defaults().directConnection()).isTrue();
  }

  /**
   * Counted independently of the masks: the scalars whose gradient of log p(x) (the K-mask
   * mixture) is non-zero on random data; positive biases keep every ReLU unit alive.
   */
  @ParameterizedTest(name = "hidden={0}, K={1}, orderAgnostic={2}")
  @CsvSource({"6, 1, false", "6, 3, false", "6 5, 3, true", "7, 4, true"})
  void parameterCountEqualsTheScalarsThatMoveLogProb(String hidden, int masks,
      boolean orderAgnostic) {
    int[] sizes = Arrays.stream(hidden.split(" ")).mapToInt(Integer::parseInt).toArray();
    try (NDManager m = Engines.newManager()) {
      Made model = new Made(m.newSubManager(), 5, config(sizes, masks, orderAgnostic, true), 3);
      // hidden biases far above what the small weights can subtract: every ReLU unit is active
      // on every input, so a zero gradient means "not connected", never "switched off"; logits
      // stay moderate, so no sigmoid saturates to an exact 0 or 1 in float32
      Random random = new Random(4);
      model.parameters().asMap().forEach((name, p) -> {
        float[] v = new float[(int) p.getShape().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (name.startsWith("hidden") && name.endsWith("bias")
              ? 5 + random.nextDouble() : 0.1 * random.nextGaussian());
        }
        p.set(v);
      });
      NDArray states = ModelChecks.allBinaryStates(m, 5);
      assertThat(model.parameterCount())
          .isEqualTo(ModelChecks.usedParameterCount(model, states));
    }
  }

  /** Ancestral sampling through two hidden layers and the direct connection, K = 3. */
  @Test
  void samplesMatchTheMixtureWithTwoHiddenLayersAndTheDirectConnection() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(43);
      Made model = randomized(
          new Made(m.newSubManager(), 4, config(new int[] {10, 8}, 3, true, true), 1), 1.5, 7);
      ModelChecks.assertSamplesMatchLogProb(model, 20_000, 5);
    }
  }

  /**
   * The hand-derived training step (vector API, several threads) gives autograd's loss and
   * gradients: one and two hidden layers, with and without the direct connection, sizes that
   * are not multiples of the vector length, several mask sets (orderings drawn), examples split
   * unevenly over threads. Its gradient is in the buffers as soon as the loss is returned,
   * before any backward pass (autograd's would not be), and the returned scalar's own backward
   * pass adds nothing.
   */
  @ParameterizedTest(name = "hidden={0}, direct={1}, step={2}, threads={3}, rows={4}")
  @CsvSource({"37, false, 0, 1, 7", "37, true, 2, 3, 7", "24 21, true, 1, 2, 37",
      "24 21, false, 4, 3, 9", "16, true, 3, 2, 16"})
  void handDerivedStepEqualsAutograd(String hidden, boolean direct, long step, int threads,
      int rows) {
    assertThat(io.dgm4j.engine.SharedMemory.VECTOR_API)
        .as("tests run with --add-modules jdk.incubator.vector").isTrue();
    int[] sizes = Arrays.stream(hidden.split(" ")).mapToInt(Integer::parseInt).toArray();
    int previous = Engines.threads();
    try (NDManager m = Engines.newManager()) {
      Engines.seed(12);
      int dimension = 29;
      Made model = new Made(m.newSubManager(), dimension, config(sizes, 3, true, direct), 4)
          .handDerivedGradient(true);
      Random random = new Random(6);
      model.parameters().asMap().forEach((name, p) -> {
        float[] v = new float[(int) p.getShape().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * 0.5); // biases of both signs: some units off
        }
        p.set(v);
      });
      NDArray x = m.randomUniform(0f, 1f, new Shape(rows, dimension)).gt(0.6f)
          .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      java.util.Map<String, float[]> autograd = new java.util.LinkedHashMap<>();
      double expected;
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray loss = model.trainingLogProb(x, step).mean().neg();
        expected = loss.getFloat();
        gc.backward(loss);
      }
      model.parameters().asMap().forEach((name, p) -> {
        autograd.put(name, p.getGradient().toFloatArray());
        io.dgm4j.engine.Autograd.zeroGradient(p);
      });
      Engines.threads(threads);
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray loss = model.meanNegativeLogLikelihood(io.dgm4j.models.Batch.of(x), step);
        assertThat((double) loss.getFloat()).isCloseTo(expected, within(1e-5 * expected));
        assertGradients(model, autograd, "before backward");
        gc.backward(loss);
        assertGradients(model, autograd, "after the scalar's backward pass");
      }
    } finally {
      Engines.threads(previous);
    }
  }

  private static void assertGradients(Made model, java.util.Map<String, float[]> want,
      String when) {
    boolean someNonzero = false;
    for (var e : want.entrySet()) {
      float[] got = model.parameters().get(e.getKey()).getGradient().toFloatArray();
      float[] expected = e.getValue();
      for (int i = 0; i < expected.length; i++) {
        someNonzero |= expected[i] != 0f;
        assertThat(got[i]).as("%s: d loss / d %s[%d]", when, e.getKey(), i)
            .isCloseTo(expected[i], within(2e-6f + 1e-4f * Math.abs(expected[i])));
      }
    }
    assertThat(someNonzero).isTrue();
  }


  /**
   * Training takes the hand-derived route by default where a weight matrix has 2^24 entries
   * (a 4,096 x 4,096 layer), from the first step of a process on: its gradient is in the
   * buffers before any backward pass. A small network keeps autograd's, whose buffers stay
   * zero (or absent) until the backward pass.
   */
  @ParameterizedTest(name = "hidden={0}: hand-derived {1}")
  @CsvSource({"4096 4096, true", "37, false"})
  void largeWeightMatricesTrainByTheHandDerivedGradient(String hidden, boolean handDerived) {
    int[] sizes = Arrays.stream(hidden.split(" ")).mapToInt(Integer::parseInt).toArray();
    try (NDManager m = Engines.newManager()) {
      Engines.seed(13);
      Made model = new Made(m.newSubManager(), 5, config(sizes, 1, false, true), 2);
      NDArray x = m.create(new float[] {1, 0, 1, 1, 0, 0, 1, 0, 0, 1}, new Shape(2, 5));
      for (int step = 0; step < 2; step++) {
        model.parameters().asMap().values().forEach(p -> {
          if (io.dgm4j.engine.Autograd.gradientBuffer(p) != null) {
            io.dgm4j.engine.Autograd.zeroGradient(p);
          }
        });
        try (ai.djl.training.GradientCollector gc =
            ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          NDArray loss = model.meanNegativeLogLikelihood(io.dgm4j.models.Batch.of(x), step);
          NDArray buffer = io.dgm4j.engine.Autograd.gradientBuffer(
              model.parameters().get("output.bias"));
          boolean filled = buffer != null && buffer.toFloatArray()[4] != 0f;
          assertThat(filled).as("step %d: gradient before the backward pass", step)
              .isEqualTo(handDerived);
          gc.backward(loss);
        }
      }
    }
  }


  /**
   * The masked weights formed in one Java pass (large networks' route) give the same log p as
   * the masks built on the engine, for every mask set and the mixture, and keep every set
   * autoregressive in its ordering.
   */
  @Test
  void bothRoutesToTheMaskedWeightsAgree() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(14);
      Made model = randomized(
          new Made(m.newSubManager(), 7, config(new int[] {19, 23}, 3, true, true), 5), 1.0, 6);
      NDArray x = m.randomUniform(0f, 1f, new Shape(11, 7)).gt(0.5f)
          .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      float[][] engine = new float[4][];
      float[][] java = new float[4][];
      for (boolean hand : new boolean[] {false, true}) {
        model.handDerivedGradient(hand);
        float[][] into = hand ? java : engine;
        for (int k = 0; k < 3; k++) {
          into[k] = model.logProb(x, k).toFloatArray();
        }
        into[3] = model.logProb(x).toFloatArray();
      }
      for (int k = 0; k < 4; k++) {
        for (int i = 0; i < 11; i++) {
          assertThat(java[k][i]).as("set %d row %d", k, i)
              .isCloseTo(engine[k][i], within(1e-5f * Math.abs(engine[k][i])));
        }
      }
      for (int k = 0; k < 3; k++) {
        int set = k;
        ModelChecks.assertAutoregressive(m, in -> model.logits(in, set), model.ordering(k),
            false);
      }
    }
  }

}
