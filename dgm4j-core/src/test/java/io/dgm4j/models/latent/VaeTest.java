package io.dgm4j.models.latent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.dgm4j.data.Dataset;
import io.dgm4j.distributions.DiagonalGaussian;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.evaluation.Validator;
import io.dgm4j.models.Batch;
import io.dgm4j.objectives.Elbo;
import io.dgm4j.objectives.ImportanceWeightedBound;
import io.dgm4j.objectives.LossObjective;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VaeTest {

  /** A VAE over 4 binary pixels with a 1-D latent, weights moved away from their start. */
  private static Vae tiny(NDManager m, int latent2) {
    return tiny(m, latent2, "bernoulli");
  }

  private static Vae tiny(NDManager m, int latent2, String decoder) {
    Vae.Config c = new Vae.Config(1, List.of(5), "tanh", latent2, List.of(3), decoder, "mlp",
        List.of());
    Vae vae = new Vae("vae", m, new int[] {4}, c, 3);
    for (NDArray p : vae.parameters().asMap().values()) {
      p.addi(Scalars.times(m.randomNormal(p.getShape()), 0.8f));
    }
    return vae;
  }

  @Test
  void klInClosedFormMatchesMonteCarlo() {
    double[] mean = {0.3, -1.2, 2.0};
    double[] logStd = {0.2, -0.5, 0.7};
    try (NDManager m = Engines.newManager()) {
      float kl = DiagonalGaussian.klToStandardNormal(
          m.create(new float[] {0.3f, -1.2f, 2.0f}), m.create(new float[] {0.2f, -0.5f, 0.7f}))
          .getFloat();
      // E_q[log q(z) - log p(z)] by plain double-precision sampling
      Random r = new Random(5);
      int n = 400_000;
      double sum = 0;
      double sumSq = 0;
      for (int i = 0; i < n; i++) {
        double v = 0;
        for (int j = 0; j < 3; j++) {
          double eps = r.nextGaussian();
          double z = mean[j] + Math.exp(logStd[j]) * eps;
          v += -0.5 * eps * eps - logStd[j] + 0.5 * z * z; // log q - log p, 2 pi cancels
        }
        sum += v;
        sumSq += v * v;
      }
      double mc = sum / n;
      double se = Math.sqrt((sumSq / n - mc * mc) / n);
      assertThat((double) kl).isCloseTo(mc, within(4 * se + 1e-4));
    }
  }

  /**
   * On 4 binary pixels with a 1-D latent, log p(x) = log ∫ N(z; 0, 1) p(x | z) dz is computed by
   * numerical quadrature over z (the decoder evaluated on a fine grid): the 16 probabilities sum
   * to 1, and ELBO <= IWAE_1 <= IWAE_5 <= IWAE_50 <= IWAE_2000 <= log p(x), the last close to it.
   */
  @Test
  void boundsTightenTowardTheLikelihoodFromQuadrature() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Engines.seed(11);
      Vae vae = tiny(m, 0);
      double[] logP = quadratureLogProbs(m, vae);
      double total = 0;
      for (double lp : logP) {
        total += Math.exp(lp);
      }
      assertThat(total).as("sum over the 16 states of exp(log p(x))").isCloseTo(1, within(1e-4));

      int[] ks = {1, 5, 50, 2000};
      for (int s : new int[] {0, 6, 9, 15}) {
        float[] state = bits(s);
        double[] elbo = meanAndError(vae.elbo(repeat(m, state, 20_000)).toFloatArray());
        double[] previous = elbo;
        double[] iwae1 = null;
        for (int k : ks) {
          int rows = Math.max(20, 40_000 / k);
          double[] est = meanAndError(vae.logProbEstimate(repeat(m, state, rows), k)
              .toFloatArray());
          if (k == 1) {
            iwae1 = est;
            // IWAE_1 and the ELBO have the same expectation
            assertThat(est[0]).isCloseTo(elbo[0], within(4 * (est[1] + elbo[1])));
          } else {
            assertThat(est[0]).as("state %d: IWAE_%d above the previous bound", s, k)
                .isGreaterThan(previous[0] - 3 * (est[1] + previous[1]));
          }
          assertThat(est[0]).as("state %d: IWAE_%d <= log p(x)", s, k)
              .isLessThan(logP[s] + 3 * est[1] + 1e-4);
          previous = est;
        }
        assertThat(elbo[0]).as("state %d: ELBO <= log p(x)", s).isLessThan(logP[s]);
        assertThat(logP[s] - elbo[0]).as("state %d: the test needs a visible gap", s)
            .isGreaterThan(0.01);
        assertThat(previous[0] - iwae1[0]).as("state %d: IWAE_2000 tightens the bound", s)
            .isGreaterThan(0.1 * (logP[s] - iwae1[0]));
      }

      // with q(z | x) = p(z) (encoder output zeroed) the weights are p(x | z), whose spread is
      // small: IWAE_2000 must then agree with the quadrature closely
      vae.parameters().get("encoder.w1").muli(0);
      vae.parameters().get("encoder.b1").muli(0);
      for (int s = 0; s < 16; s++) {
        double[] est = meanAndError(vae.logProbEstimate(repeat(m, bits(s), 20), 2000)
            .toFloatArray());
        assertThat(est[0]).as("state %d: IWAE_2000 with q = prior vs quadrature", s)
            .isCloseTo(logP[s], within(0.01 + 3 * est[1]));
      }
    }
  }

  /** Both decoders: Bernoulli on binary pixels, the discretized logistic on 8-bit ones. */
  @Test
  void reparameterizedGradientsMatchFiniteDifferences() {
    Map<String, float[]> data = Map.of(
        "bernoulli", new float[] {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1},
        "logistic", new float[] {0, 17, 255, 130, 254, 0, 1, 96, 200, 255, 3, 60});
    for (var decoder : data.entrySet()) {
      for (int latent2 : new int[] {0, 1}) {
        try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
          Engines.seed(2);
          Vae vae = tiny(m, latent2, decoder.getKey());
          NDArray x = m.create(decoder.getValue(), new Shape(3, 4));
          checkGradients(vae, new Elbo(vae, new Elbo.Config(1, 0), 0), x);
          checkGradients(vae, new ImportanceWeightedBound(vae,
              new ImportanceWeightedBound.Config(4), 0), x);
        }
      }
    }
  }

  /** Throughput counts k decoder passes per example for the k-sample bound, one for the ELBO. */
  @Test
  void latentDrawsPerExampleAreTheBoundsK() {
    try (NDManager m = Engines.newManager()) {
      Vae vae = tiny(m, 0);
      assertThat(new ImportanceWeightedBound(vae, new ImportanceWeightedBound.Config(7), 0)
          .latentDrawsPerExample()).isEqualTo(7);
      assertThat(new Elbo(vae, new Elbo.Config(1, 0), 0).latentDrawsPerExample()).isEqualTo(1);
    }
  }

  /**
   * A run trained on the k-sample bound is validated on that bound, an ELBO run on the ELBO.
   * With q(z | x) = p(z) the 2000-sample bound must agree with the quadrature's log p(x) over the
   * 16 states, and the ELBO (E_p(z) log p(x | z)) lie visibly above it.
   */
  @Test
  void anIwaeRunIsValidatedOnItsOwnBound() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Engines.seed(12);
      Vae vae = tiny(m, 0);
      vae.parameters().get("encoder.w1").muli(0);
      vae.parameters().get("encoder.b1").muli(0);
      double[] logP = quadratureLogProbs(m, vae);
      int copies = 10;
      float[] rows = new float[16 * copies * 4];
      double expected = 0;
      for (int i = 0; i < 16 * copies; i++) {
        System.arraycopy(bits(i % 16), 0, rows, i * 4, 4);
        expected -= logP[i % 16] / (16 * copies);
      }
      Dataset data = new Dataset("states", rows, 16 * copies, new int[] {4}, null);
      Validator validator = new Validator(64); // batches of 64, 64 and 32

      Validator.Result iwae = validator.validate(vae,
          new ImportanceWeightedBound(vae, new ImportanceWeightedBound.Config(2000), 0), data);
      assertThat(iwae.metric()).isEqualTo("neg_iwae_bound_k2000");
      assertThat(Validator.label(iwae.metric())).isEqualTo("-IWAE-2000 bound");
      assertThat(iwae.inNats()).isTrue();
      assertThat(iwae.value()).isCloseTo(expected, within(0.01));

      Validator.Result elbo = validator.validate(vae, new Elbo(vae, new Elbo.Config(1, 0), 0),
          data);
      assertThat(elbo.metric()).isEqualTo("neg_elbo");
      assertThat(elbo.value()).isGreaterThan(expected + 0.05);
    }
  }

  /** With the engine's noise fixed by a seed, the loss is a smooth function of the weights. */
  private static void checkGradients(Vae vae, LossObjective objective, NDArray x) {
    Engines.seed(99);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(objective.loss(Batch.of(x), 0));
    }
    SplittableRandom r = new SplittableRandom(4);
    for (Map.Entry<String, NDArray> e : vae.parameters().asMap().entrySet()) {
      NDArray p = e.getValue();
      float[] grad = p.getGradient().toFloatArray();
      float[] values = p.toFloatArray();
      int checked = 0;
      for (int trial = 0; trial < 24 && checked < 3; trial++) {
        int i = r.nextInt(values.length);
        double h = trial < 12 ? 1e-2 : 2e-3;
        double up = lossWith(objective, x, p, values, i, values[i] + h);
        double center = lossWith(objective, x, p, values, i, values[i]);
        double down = lossWith(objective, x, p, values, i, values[i] - h);
        p.set(values);
        double numeric = (up - down) / (2 * h);
        double tolerance = 3e-5 / h + 0.03 * Math.abs(numeric);
        if (Math.abs((up - center) - (center - down)) / h > tolerance) {
          continue; // a ReLU kink lies within h (conv networks): finite differences mislead
        }
        checked++;
        assertThat((double) grad[i]).as("%s: d loss / d %s[%d]", objective.name(), e.getKey(), i)
            .isCloseTo(numeric, within(tolerance));
      }
      assertThat(checked).as("entries of %s checked", e.getKey()).isPositive();
    }
    vae.parameters().asMap().values().forEach(p -> p.getGradient().subi(p.getGradient()));
  }

  private static double lossWith(LossObjective objective, NDArray x, NDArray p, float[] values,
      int i, double value) {
    float[] changed = values.clone();
    changed[i] = (float) value;
    p.set(changed);
    Engines.seed(99);
    return objective.loss(Batch.of(x), 0).getFloat();
  }

  @Test
  void convolutionalNetworksHaveMatchingGradientsAndShapes() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Engines.seed(4);
      Vae.Config c = new Vae.Config(2, List.of(6), "tanh", 0, List.of(), "bernoulli", "conv",
          List.of(2, 3));
      Vae vae = new Vae("vae", m, new int[] {8, 8}, c, 1);
      for (NDArray p : vae.parameters().asMap().values()) { // off the all-zero-bias ReLU kinks
        p.addi(Scalars.times(m.randomNormal(p.getShape()), 0.3f));
      }
      float[] v = new float[2 * 64];
      SplittableRandom r = new SplittableRandom(3);
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextBoolean() ? 1 : 0;
      }
      NDArray x = m.create(v, new Shape(2, 64));
      assertThat(vae.logImportanceWeights(Batch.of(x), 3).getShape()).isEqualTo(new Shape(3, 2));
      assertThat(vae.decode(vae.encode(x)).getShape()).isEqualTo(new Shape(2, 64));
      checkGradients(vae, new Elbo(vae, new Elbo.Config(1, 0), 0), x);
    }
  }

  @Test
  void twoStochasticLayersBoundsRiseWithK() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Engines.seed(5);
      Vae vae = tiny(m, 1);
      float[] state = bits(9);
      double[] elbo = meanAndError(vae.elbo(repeat(m, state, 20_000)).toFloatArray());
      double[] k1 = meanAndError(vae.logProbEstimate(repeat(m, state, 20_000), 1).toFloatArray());
      double[] k100 = meanAndError(vae.logProbEstimate(repeat(m, state, 400), 100)
          .toFloatArray());
      assertThat(k1[0]).isCloseTo(elbo[0], within(4 * (k1[1] + elbo[1])));
      assertThat(k100[0] - k1[0]).isGreaterThan(5 * (k1[1] + k100[1]));
    }
  }

  @Test
  void samplesAndDecodesHaveTheRightShapeAndValues() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Vae vae = tiny(m, 1);
      float[] s = vae.sample(m, 50).toFloatArray();
      assertThat(s).hasSize(200);
      for (float v : s) {
        assertThat(v).isIn(0f, 1f);
      }
      NDArray mean = vae.decode(m.create(new float[] {0.5f, -2f}, new Shape(2, 1)));
      assertThat(mean.getShape()).isEqualTo(new Shape(2, 4));
      assertThat(vae.encode(repeat(m, bits(3), 2)).getShape()).isEqualTo(new Shape(2, 1));
    }
  }

  /** log p(x) for the 16 states by the trapezoid rule on z in [-12, 12] (one-layer model). */
  private static double[] quadratureLogProbs(NDManager m, Vae vae) {
    int g = 24_001;
    double step = 24.0 / (g - 1);
    float[] grid = new float[g];
    for (int i = 0; i < g; i++) {
      grid[i] = (float) (-12 + i * step);
    }
    float[] mu = vae.decode(m.create(grid, new Shape(g, 1))).toFloatArray();
    double[] logP = new double[16];
    for (int s = 0; s < 16; s++) {
      double sum = 0;
      for (int i = 0; i < g; i++) {
        double z = -12 + i * step;
        double p = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        for (int d = 0; d < 4; d++) {
          double q = mu[i * 4 + d];
          p *= ((s >> d) & 1) == 1 ? q : 1 - q;
        }
        sum += (i == 0 || i == g - 1 ? 0.5 : 1) * p * step;
      }
      logP[s] = Math.log(sum);
    }
    return logP;
  }

  private static float[] bits(int s) {
    float[] b = new float[4];
    for (int d = 0; d < 4; d++) {
      b[d] = (s >> d) & 1;
    }
    return b;
  }

  private static NDArray repeat(NDManager m, float[] row, int n) {
    float[] v = new float[n * row.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(row, 0, v, i * row.length, row.length);
    }
    return m.create(v, new Shape(n, row.length));
  }

  /** The mean and its standard error. */
  private static double[] meanAndError(float[] values) {
    double mean = 0;
    for (float v : values) {
      mean += v;
    }
    mean /= values.length;
    double var = 0;
    for (float v : values) {
      var += (v - mean) * (v - mean);
    }
    return new double[] {mean, Math.sqrt(var / (values.length - 1) / values.length)};
  }

  /**
   * The evaluator reports its progress after each pass, up to every example, and reporting does
   * not change the estimates (the same draws with the same seed).
   */
  @Test
  void latentEvaluationReportsProgressWithoutChangingTheEstimates() {
    try (NDManager root = Engines.newManager(); NDManager m = root.newSubManager()) {
      Vae vae = tiny(m, 0);
      float[] bits = new float[23 * 4];
      SplittableRandom r = new SplittableRandom(2);
      for (int i = 0; i < bits.length; i++) {
        bits[i] = r.nextBoolean() ? 1f : 0f;
      }
      io.dgm4j.data.Dataset data = new io.dgm4j.data.Dataset("bits", bits, 23, new int[] {4},
          null);
      // 12 rows per pass at k = 4: 3 examples per pass, so 8 passes, the last of 2 examples
      io.dgm4j.evaluation.LatentEvaluator evaluator =
          new io.dgm4j.evaluation.LatentEvaluator(4, 12);
      Engines.seed(9);
      double[] plain = evaluator.logProbEstimates(vae, data);
      List<Integer> reported = new java.util.ArrayList<>();
      Engines.seed(9);
      double[] followed = evaluator.logProbEstimates(vae, data, reported::add);
      assertThat(followed).containsExactly(plain);
      assertThat(reported).containsExactly(3, 6, 9, 12, 15, 18, 21, 23);
    }
  }
}
