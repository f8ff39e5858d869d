package io.dgm4j.models.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.engine.Engines;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.ModelRegistry;
import io.dgm4j.testing.ModelChecks;
import org.junit.jupiter.api.Test;

class MixtureOfBernoullisTest {

  private static float ln(double v) {
    return (float) Math.log(v);
  }

  /** D = 2, K = 2: pi = (1/4, 3/4), mu_1 = (0.9, 0.5), mu_2 = (0.2, 0.6). */
  private static MixtureOfBernoullis handModel(NDManager m) {
    MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), 2,
        new MixtureOfBernoullis.Config(2), 1);
    model.parameters().get("mixingLogits").set(new float[] {0f, ln(3)});
    model.parameters().get("logits").set(new float[] {ln(9), 0f, ln(0.25), ln(1.5)});
    return model;
  }

  @Test
  void normalizedOverAllStates() {
    try (NDManager m = Engines.newManager()) {
      MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), 4,
          new MixtureOfBernoullis.Config(3), 42);
      ModelChecks.assertNormalized(model, 1e-5); // the random initialisation
      model.parameters().get("mixingLogits").set(new float[] {-1f, 0.5f, 2f});
      model.parameters().get("logits").set(new float[] {
          3f, -2f, 0.1f, 1f,
          -4f, 2.5f, 0f, -0.7f,
          0.3f, 0.3f, -3f, 5f});
      ModelChecks.assertNormalized(model, 1e-5);
    }
  }

  @Test
  void logProbMatchesHandComputedValues() {
    try (NDManager m = Engines.newManager()) {
      MixtureOfBernoullis model = handModel(m);
      NDArray x = m.create(new float[] {1, 0, 0, 1, 1, 1, 0, 0}, new Shape(4, 2));
      float[] lp = model.logProb(x).toFloatArray();
      // (1,0): 1/4 * 0.9 * 0.5 + 3/4 * 0.2 * 0.4 = 0.1125 + 0.06 = 0.1725
      assertThat(lp[0]).isCloseTo(ln(0.1725), within(1e-6f));
      // (0,1): 1/4 * 0.1 * 0.5 + 3/4 * 0.8 * 0.6 = 0.0125 + 0.36 = 0.3725
      assertThat(lp[1]).isCloseTo(ln(0.3725), within(1e-6f));
      // (1,1): 1/4 * 0.9 * 0.5 + 3/4 * 0.2 * 0.6 = 0.1125 + 0.09 = 0.2025
      assertThat(lp[2]).isCloseTo(ln(0.2025), within(1e-6f));
      // (0,0): 1/4 * 0.1 * 0.5 + 3/4 * 0.8 * 0.4 = 0.0125 + 0.24 = 0.2525
      assertThat(lp[3]).isCloseTo(ln(0.2525), within(1e-6f));
      // responsibilities of (1,0): 0.1125 / 0.1725 and 0.06 / 0.1725
      float[] r = model.responsibilities(x.get("0:1")).toFloatArray();
      assertThat(r).containsExactly(new float[] {0.1125f / 0.1725f, 0.06f / 0.1725f},
          within(1e-6f));
    }
  }

  @Test
  void mixingGradientIsResponsibilityMinusPrior() {
    try (NDManager m = Engines.newManager()) {
      MixtureOfBernoullis model = handModel(m);
      NDArray x = m.create(new float[] {1, 0}, new Shape(1, 2));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(model.logProb(x).sum());
      }
      float[] g = model.mixingLogits().getGradient().toFloatArray();
      float r1 = 0.1125f / 0.1725f;
      assertThat(g).containsExactly(new float[] {r1 - 0.25f, (1 - r1) - 0.75f}, within(1e-6f));
    }
  }

  @Test
  void samplesMatchLogProb() {
    try (NDManager m = Engines.newManager()) {
      Engines.seed(17);
      MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), 3,
          new MixtureOfBernoullis.Config(2), 3);
      // two very different prototypes, so pixels are strongly correlated through the component
      model.parameters().get("mixingLogits").set(new float[] {ln(0.3), ln(0.7)});
      model.parameters().get("logits").set(new float[] {3f, 3f, -2f, -3f, -3f, 1f});
      ModelChecks.assertSamplesMatchLogProb(model, 20_000, 5);
      NDArray draws = model.sample(m, 7);
      assertThat(draws.getShape()).isEqualTo(new Shape(7, 3));
      assertThat(draws.getManager()).isSameAs(m);
    }
  }

  @Test
  void singleComponentEqualsIndependentBernoulli() {
    try (NDManager m = Engines.newManager()) {
      float[] logits = {-1.5f, 0.2f, 2f, -0.3f, 0.9f};
      MixtureOfBernoullis mixture = new MixtureOfBernoullis(m.newSubManager(), 5,
          new MixtureOfBernoullis.Config(1), 9);
      mixture.parameters().get("logits").set(logits);
      mixture.parameters().get("mixingLogits").set(new float[] {3.7f}); // irrelevant when K = 1
      IndependentBernoulli independent = new IndependentBernoulli(m.newSubManager(), 5,
          IndependentBernoulli.Config.defaults(), 9);
      independent.parameters().get("logits").set(logits);
      NDArray states = ModelChecks.allBinaryStates(m, 5);
      assertThat(mixture.logProb(states).toFloatArray())
          .containsExactly(independent.logProb(states).toFloatArray(), within(1e-5f));
    }
  }

  @Test
  void stableWhenEveryComponentGivesATinyLikelihood() {
    try (NDManager m = Engines.newManager()) {
      int d = 400;
      MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), d,
          new MixtureOfBernoullis.Config(3), 5);
      float[] l = new float[3 * d];
      java.util.Arrays.fill(l, -5f); // each pixel on with probability sigmoid(-5)
      model.parameters().get("logits").set(l);
      NDArray ones = m.ones(new Shape(2, d));
      // p(x|k) = sigmoid(-5)^400: log = -400 softplus(5) ~ -2002.7, far below float's exp range
      double expected = -d * Math.log1p(Math.exp(5));
      for (float v : model.logProb(ones).toFloatArray()) {
        assertThat((double) v).isCloseTo(expected, within(0.05));
      }
    }
  }

  @Test
  void parametersAndRegistry() {
    try (NDManager m = Engines.newManager()) {
      ObjectNode settings = ModelRegistry.json().createObjectNode().put("components", 4);
      DensityModel model = (DensityModel) ModelRegistry.family("mixture").create(m.newSubManager(), 6, settings, 1);
      assertThat(model).isInstanceOf(MixtureOfBernoullis.class);
      assertThat(model.family()).isEqualTo("mixture");
      assertThat(model.parameterCount()).isEqualTo(4 * (6 + 1) - 1);
      assertThat(MixtureOfBernoullis.Config.defaults().components()).isEqualTo(500);
      // initial pixel logits are small uniform noise that differs between components
      float[] init = ((MixtureOfBernoullis) model).componentLogits().toFloatArray();
      for (float v : init) {
        assertThat(v).isBetween(-0.5f, 0.5f);
      }
      assertThat(init[0]).isNotEqualTo(init[6]);
    }
  }

  @Test
  void rejectsNonPositiveComponents() {
    for (int k : new int[] {0, -3}) {
      assertThatThrownBy(() -> new MixtureOfBernoullis.Config(k))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("components");
    }
    try (NDManager m = Engines.newManager()) {
      ObjectNode settings = ModelRegistry.json().createObjectNode().put("components", 0);
      assertThatThrownBy(() -> ModelRegistry.family("mixture").create(m, 6, settings, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("components");
    }
  }

  /**
   * At MNIST size (D = 784) the tensor computation agrees with a plain double-precision loop
   * over components and pixels, after a data-based initialisation: the figures reported on
   * MNIST rest on this, not only on the tiny-D checks.
   */
  @Test
  void logProbAtMnistSizeMatchesPlainJava() {
    int d = 784;
    int k = 20;
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    float[] v = new float[50 * d];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble() < 0.2 ? 1f : 0f;
    }
    io.dgm4j.data.Dataset data = new io.dgm4j.data.Dataset("random", v, 50, new int[] {28, 28},
        null);
    try (NDManager m = Engines.newManager()) {
      MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), d,
          new MixtureOfBernoullis.Config(k), 3);
      model.initializeFrom(data, 9);
      model.parameters().get("mixingLogits").set(new float[] {
          0, 1, -1, 2, 0.5f, 0, 0, 0, -2, 0, 1, 1, 0, 0, 0, 3, 0, 0, 0, -1});
      float[] logits = model.parameters().get("logits").toFloatArray();
      float[] mixing = model.parameters().get("mixingLogits").toFloatArray();
      double norm = 0;
      for (float a : mixing) {
        norm += Math.exp(a);
      }
      float[] got = model.logProb(m.create(v, new Shape(50, d))).toFloatArray();
      for (int n = 0; n < 50; n++) {
        double[] joint = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double lp = mixing[c] - Math.log(norm);
          for (int j = 0; j < d; j++) {
            double p = 1 / (1 + Math.exp(-logits[c * d + j]));
            lp += v[n * d + j] == 1f ? Math.log(p) : Math.log1p(-p);
          }
          joint[c] = lp;
          max = Math.max(max, lp);
        }
        double sum = 0;
        for (double j : joint) {
          sum += Math.exp(j - max);
        }
        assertThat((double) got[n]).isCloseTo(max + Math.log(sum), within(2e-3));
      }
    }
  }

  /**
   * A training step's loss and gradients, by the hand-derived route and by autograd, against a
   * plain double-precision mixture: its loss directly and every gradient by central finite
   * differences of it. Sizes that are not multiples of the vector width (the loops' tails), and
   * one component so sharp that the others' responsibilities fall below the e^-60 cut-off.
   */
  @Test
  void trainingGradientByHandAndByAutogradMatchDoublePrecisionFiniteDifferences() {
    int n = 29;
    int d = 37;
    int k = 13;
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble() < 0.3 ? 1f : 0f;
    }
    float[] logits = new float[k * d];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (8 * r.nextDouble() - 4);
    }
    for (int j = 0; j < d; j++) { // component 0 copies example 0 sharply: r_0k tiny for k > 0
      logits[j] = x[j] == 1f ? 9f : -9f;
    }
    float[] mixing = new float[k];
    for (int c = 0; c < k; c++) {
      mixing[c] = (float) (2 * r.nextDouble() - 1);
    }
    double loss = plainLoss(x, n, d, k, toDouble(logits), toDouble(mixing));
    double h = 1e-4;
    double[] logitGradient = new double[k * d];
    for (int i = 0; i < logitGradient.length; i++) {
      double[] up = toDouble(logits);
      double[] down = toDouble(logits);
      up[i] += h;
      down[i] -= h;
      logitGradient[i] = (plainLoss(x, n, d, k, up, toDouble(mixing))
          - plainLoss(x, n, d, k, down, toDouble(mixing))) / (2 * h);
    }
    double[] mixingGradient = new double[k];
    for (int c = 0; c < k; c++) {
      double[] up = toDouble(mixing);
      double[] down = toDouble(mixing);
      up[c] += h;
      down[c] -= h;
      mixingGradient[c] = (plainLoss(x, n, d, k, toDouble(logits), up)
          - plainLoss(x, n, d, k, toDouble(logits), down)) / (2 * h);
    }
    for (boolean byHand : new boolean[] {true, false}) {
      try (NDManager m = Engines.newManager()) {
        MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), d,
            new MixtureOfBernoullis.Config(k), 1).handDerivedGradient(byHand);
        model.parameters().get("logits").set(logits);
        model.parameters().get("mixingLogits").set(mixing);
        float got;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray l = model.meanNegativeLogLikelihood(
              io.dgm4j.models.Batch.of(m.create(x, new Shape(n, d))), 0);
          got = l.getFloat();
          gc.backward(l);
        }
        assertThat((double) got).as("loss, by hand %s", byHand).isCloseTo(loss, within(1e-4));
        float[] gl = model.componentLogits().getGradient().toFloatArray();
        float[] ga = model.mixingLogits().getGradient().toFloatArray();
        for (int i = 0; i < gl.length; i++) {
          assertThat((double) gl[i]).as("dL/dl %d, by hand %s", i, byHand)
              .isCloseTo(logitGradient[i], within(2e-5));
        }
        for (int c = 0; c < k; c++) {
          assertThat((double) ga[c]).as("dL/da %d, by hand %s", c, byHand)
              .isCloseTo(mixingGradient[c], within(2e-5));
        }
      }
    }
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /** -(1/N) sum_n log sum_c pi_c prod_j Bernoulli(x_nj; sigmoid(l_cj)), in double precision. */
  private static double plainLoss(float[] x, int n, int d, int k, double[] logits,
      double[] mixing) {
    double norm = 0;
    for (double a : mixing) {
      norm += Math.exp(a);
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      double[] joint = new double[k];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double lp = mixing[c] - Math.log(norm);
        for (int j = 0; j < d; j++) {
          double l = logits[c * d + j];
          // log sigmoid(l) = -log(1 + e^-l), log(1 - sigmoid(l)) = -log(1 + e^l)
          lp -= x[i * d + j] == 1f ? Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l));
        }
        joint[c] = lp;
        max = Math.max(max, lp);
      }
      double sum = 0;
      for (double j : joint) {
        sum += Math.exp(j - max);
      }
      total -= max + Math.log(sum);
    }
    return total / n;
  }

  /**
   * K (D + 1) - 1: every stored scalar moves log p(x) (counted by gradients on random data),
   * less one for the softmax of the mixing logits, which a common shift leaves unchanged.
   */
  @Test
  void parameterCountIsTheUsedScalarsLessTheSoftmaxShift() {
    try (NDManager m = Engines.newManager()) {
      MixtureOfBernoullis model = new MixtureOfBernoullis(m.newSubManager(), 6,
          new MixtureOfBernoullis.Config(4), 1);
      NDArray x = m.randomUniform(0f, 1f, new Shape(40, 6)).gt(0.5f)
          .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      assertThat(ModelChecks.usedParameterCount(model, x)).isEqualTo(4 * 6 + 4);
      assertThat(model.parameterCount()).isEqualTo(4 * (6 + 1) - 1);
      // the shift invariance itself: adding 3 to every mixing logit leaves log p(x) unchanged
      float[] before = model.logProb(x).toFloatArray();
      NDArray a = model.parameters().get("mixingLogits");
      a.set(a.add(3f).toFloatArray());
      assertThat(model.logProb(x).toFloatArray()).containsExactly(before, within(1e-4f));
    }
  }
}
