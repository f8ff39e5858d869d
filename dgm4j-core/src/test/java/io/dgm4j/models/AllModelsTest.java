package io.dgm4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.Scalars;
import io.dgm4j.io.Checkpoint;
import io.dgm4j.io.ModelSpec;
import io.dgm4j.objectives.MaximumLikelihood;
import io.dgm4j.testing.ModelChecks;
import io.dgm4j.training.Trainer;
import io.dgm4j.training.TrainingConfig;
import io.dgm4j.training.TrainingState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every registered family must satisfy, checked through the registry alone. */
class AllModelsTest {

  /** Small settings per family; a new family must add its own here. */
  private static final Map<String, String> SMALL = Map.ofEntries(
      Map.entry("bernoulli", "{}"),
      Map.entry("mixture", "{\"components\": 8}"),
      Map.entry("fvsbn", "{}"),
      Map.entry("nade", "{\"hidden\": 12}"),
      Map.entry("made", "{\"hidden\": [16], \"masks\": 2}"),
      Map.entry("rnade", "{\"hidden\": 8, \"components\": 3}"),
      Map.entry("per-class", "{\"base\": \"fvsbn\", \"classes\": 2, \"priors\": [0.3, 0.7]}"),
      Map.entry("vae", "{\"latent\": 2, \"hidden\": [8], \"latent2\": 2, \"hidden2\": [4]}"),
      Map.entry("iwae", "{\"latent\": 2, \"hidden\": [8]}"),
      Map.entry("cvae", "{\"latent\": 2, \"hidden\": [8], \"classes\": 3}"),
      Map.entry("autoencoder", "{\"latent\": 2, \"hidden\": [8]}"),
      Map.entry("pixelcnn", "{\"features\": 4, \"blocks\": 1, \"firstKernel\": 3}"),
      Map.entry("gated-pixelcnn", "{\"features\": 4, \"layers\": 2, \"kernel\": 3}"),
      Map.entry("row-lstm", "{\"features\": 8, \"layers\": 1, \"firstKernel\": 3}"),
      Map.entry("diagonal-bilstm", "{\"features\": 8, \"layers\": 1, \"firstKernel\": 3}"),
      Map.entry("ebm", "{\"hidden\": [8]}"),
      Map.entry("ncsn", "{\"hidden\": [8], \"levels\": 3}"),
      Map.entry("maf", "{\"hidden\": [8], \"layers\": 1}"),
      Map.entry("realnvp", "{\"couplings\": 2, \"hidden\": [8]}"),
      Map.entry("gan", "{\"latent\": 2, \"hidden\": [8]}"),
      Map.entry("rbm", "{\"hidden\": 3}"));

  /**
   * Families whose models take images (H, W) rather than flat vectors: tested on one-row images
   * (1, D), which every image model must handle.
   */
  private static final java.util.Set<String> IMAGE_FAMILIES = java.util.Set.of("pixelcnn",
      "gated-pixelcnn", "row-lstm", "diagonal-bilstm");

  static Stream<String> families() {
    return ModelRegistry.families().stream().map(ModelRegistry.Family::name);
  }

  /**
   * OPEN DEFECTS, listed so that an exclusion cannot be forgotten (none now). Fixed for issue 6:
   * the PixelRNN families' zero gradients on one-row images (DJL's concat of a single row cut the
   * autograd graph; {@code TensorMath.concat}), and the image families' model class on the 1 x 3
   * chain (weights shared across positions and zero padding made a pixel of value 0 look like the
   * edge, so pixel 2 given (0, v) was tied to pixel 1 given v: KL 0.170 nats at best; the models
   * now add {@code io.dgm4j.models.pixel.Border}). Row LSTM and Diagonal BiLSTM with 4 features
   * then reached the chain for some construction seeds and stalled for others, an optimisation
   * problem of a model that small: KL after this test's training, construction seeds 1-4 (2026-11-22),
   * Row LSTM 0.248, 0.151, 0.0002, 0.0003 with 4 features, 0.0011, 0.0002, 0.0003, 0.0003 with 8,
   * all 0.0003 with 16; Diagonal BiLSTM 0.218, 0.151, 0.248, 0.0021 with 4, 0.0003, 0.0020,
   * 0.0006, 0.0003 with 8. Hence 8 features in {@link #SMALL} for both.
   */
  private static final java.util.Set<String> GRADIENT_DEFECTS = java.util.Set.of();
  private static final java.util.Set<String> TRAINING_DEFECTS = java.util.Set.of();

  static Stream<String> densityFamiliesWithCorrectGradients() {
    return densityFamilies().filter(f -> !GRADIENT_DEFECTS.contains(f));
  }

  static Stream<String> densityFamiliesThatTrain() {
    return densityFamilies().filter(f -> !TRAINING_DEFECTS.contains(f));
  }

  /** The families whose models have an exact log-likelihood ({@link DensityModel}). */
  static Stream<String> densityFamilies() {
    return families().filter(f -> {
      try (NDManager m = Engines.newManager();
          GenerativeModel model = buildAny(f, m.newSubManager(), 4, 1)) {
        return model instanceof DensityModel;
      }
    });
  }

  static GenerativeModel buildAny(String family, NDManager manager, int dimension, long seed) {
    String small = SMALL.get(family);
    if (small == null) {
      fail("add small test settings for model family " + family + " to AllModelsTest.SMALL");
    }
    int[] shape = IMAGE_FAMILIES.contains(family) ? new int[] {1, dimension}
        : new int[] {dimension};
    try {
      ObjectNode config = (ObjectNode) ModelRegistry.json().readTree(small);
      return ModelRegistry.family(family).create(manager, shape, config, seed);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static DensityModel build(String family, NDManager manager, int dimension, long seed) {
    return (DensityModel) buildAny(family, manager, dimension, seed);
  }

  static NDArray batch(NDManager m, GenerativeModel model, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * model.dimension()];
    for (int i = 0; i < v.length; i++) {
      v[i] = model.support() == Support.BINARY ? (r.nextBoolean() ? 1f : 0f)
          : (float) r.nextDouble();
    }
    return m.create(v, new Shape(n, model.dimension()));
  }

  @ParameterizedTest
  @MethodSource("densityFamilies")
  void binaryModelsAreNormalizedAtInitialisation(String family) {
    try (NDManager m = Engines.newManager();
        DensityModel model = build(family, m.newSubManager(), 5, 3)) {
      assertThat(model.support()).as("support declared in the registry")
          .isEqualTo(ModelRegistry.family(family).support());
      // away from the initialisation (where some families are trivially uniform): every
      // parameter gets noise, so normalization is a property of the model, not of zeros
      SplittableRandom r = new SplittableRandom(4);
      for (NDArray p : model.parameters().asMap().values()) {
        float[] v = p.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += (float) (0.7 * (2 * r.nextDouble() - 1));
        }
        p.set(v);
      }
      try (NDManager s = m.newSubManager()) {
        NDArray states = ModelChecks.allBinaryStates(s, 5);
        float[] lp = model.logProb(states).toFloatArray();
        float spread = 0;
        for (float v : lp) {
          spread = Math.max(spread, Math.abs(v - lp[0]));
        }
        assertThat(spread).as("the distribution is not uniform").isGreaterThan(0.1f);
      }
      if (model.support() == Support.BINARY) {
        ModelChecks.assertNormalized(model, 1e-4);
      } else {
        // real values: the integral of p by importance sampling, E_q[p(x) / q(x)] = 1, with q
        // an equal mixture of N(0, s^2 I) for s = 1, 3, 10 and of a diagonal Gaussian twice as
        // wide as the model's own samples ("defensive" sampling: a flow whose perturbed weights
        // give it heavy or far-off tails is still covered). The samples only place q; the
        // estimate is unbiased whatever q is, so a wrong log p still shows.
        try (NDManager s = m.newSubManager()) {
          int per = 100_000;
          Engines.seed(8);
          NDArray own = model.sample(s, 20_000);
          NDArray mean = own.mean(new int[] {0});
          NDArray std = Scalars.times(own.sub(mean).square().mean(new int[] {0}).sqrt(), 2)
              .add(1e-3f);
          double[] scales = {1, 3, 10};
          NDArray x = s.randomNormal(new Shape(per, 5)).mul(std).add(mean);
          for (double sc : scales) {
            x = x.concat(Scalars.times(s.randomNormal(new Shape(per, 5)), sc), 0);
          }
          int parts = scales.length + 1;
          NDArray sq = x.square().sum(new int[] {1});
          NDArray q = Scalars.dividedBy(Scalars.times(
              x.sub(mean).div(std).square().sum(new int[] {1}), -0.5)
              .sub(std.log().sum()).sub((float) (2.5 * Math.log(2 * Math.PI))).exp(), parts);
          for (double sc : scales) {
            q = q.add(Scalars.dividedBy(Scalars.times(sq, -0.5 / (sc * sc))
                .sub((float) (5 * Math.log(sc * Math.sqrt(2 * Math.PI)))).exp(), parts));
          }
          NDArray logQ = q.log();
          double integral = model.logProb(x).sub(logQ).exp().mean().getFloat();
          assertThat(integral).as("integral of the density over R^5").isCloseTo(1.0,
              within(0.1));
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void saveAndLoadRestoreTheModel(String family, @TempDir Path dir) {
    try (NDManager m = Engines.newManager();
        GenerativeModel model = buildAny(family, m.newSubManager(), 6, 11)) {
      // move the weights away from their initial values so loading must really restore them
      for (NDArray p : model.parameters().asMap().values()) {
        p.addi(Scalars.times(m.randomNormal(p.getShape()), 0.3));
      }
      int[] shape = IMAGE_FAMILIES.contains(family) ? new int[] {1, 6} : new int[] {6};
      Path file = dir.resolve("model.zip");
      Checkpoint.write(file, ModelSpec.of(model, shape, 11), model, null, null);
      try (NDManager m2 = Engines.newManager()) {
        Checkpoint.Loaded loaded = Checkpoint.read(file, m2.newSubManager());
        assertThat(loaded.model().family()).isEqualTo(family);
        assertThat(loaded.model().parameterCount()).isEqualTo(model.parameterCount());
        for (var e : model.parameters().asMap().entrySet()) {
          assertThat(loaded.model().parameters().get(e.getKey()).toFloatArray())
              .as("%s: parameter %s", family, e.getKey())
              .containsExactly(e.getValue().toFloatArray());
        }
        if (model instanceof DensityModel density) {
          NDArray x = batch(m, model, 16, 5);
          float[] before = density.logProb(x).toFloatArray();
          float[] after = ((DensityModel) loaded.model()).logProb(
              x.toDevice(x.getDevice(), true)).toFloatArray();
          assertThat(after).containsExactly(before);
        }
      }
    }
  }

  /**
   * The autograd gradient of the maximum-likelihood loss matches central finite differences,
   * entry by entry, for a sample of entries of every parameter tensor.
   */
  @ParameterizedTest
  @MethodSource("densityFamiliesWithCorrectGradients")
  void lossGradientsMatchFiniteDifferences(String family) {
    try (NDManager m = Engines.newManager();
        DensityModel model = build(family, m.newSubManager(), 4, 7)) {
      NDArray x = batch(m, model, 8, 9);
      // away from the initialisation: zero biases on binary inputs put ReLU pre-activations
      // exactly on their kink, where autograd's one-sided derivative and central differences
      // legitimately disagree (every first-layer bias of a PixelCNN sat there)
      SplittableRandom noise = new SplittableRandom(4);
      for (NDArray p : model.parameters().asMap().values()) {
        float[] v = p.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += (float) (0.1 * (2 * noise.nextDouble() - 1));
        }
        p.set(v);
      }
      MaximumLikelihood objective = new MaximumLikelihood(model);
      // steps 0 and 1: ensembles trained one member per step (MADE's mask sets) check both
      for (long step = 0; step < 2; step++) {
        checkGradients(family, model, objective, x, step);
      }
    }
  }

  private static void checkGradients(String family, DensityModel model,
      MaximumLikelihood objective, NDArray x, long step) {
    {
      for (NDArray p : model.parameters().asMap().values()) {
        if (step > 0) { // gradients accumulate: clear the previous step's
          io.dgm4j.engine.Autograd.zeroGradient(p);
        }
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(objective.loss(Batch.of(x), step));
      }
      SplittableRandom r = new SplittableRandom(1);
      for (Map.Entry<String, NDArray> e : model.parameters().asMap().entrySet()) {
        NDArray p = e.getValue();
        float[] grad = p.getGradient().toFloatArray();
        float[] values = p.toFloatArray();
        int checked = 0;
        for (int trial = 0; trial < 50 && checked < Math.min(6, values.length); trial++) {
          int i = r.nextInt(values.length);
          // a smooth loss's second difference / h shrinks with h (f'' h); a ReLU kink's does
          // not: a point that looks kinked at h = 1e-2 is retried at 1e-3 before it is skipped
          double numeric = 0;
          double tolerance = 0;
          boolean kink = true;
          for (double h : new double[] {1e-2, 1e-3}) {
            double up = lossWith(model, objective, x, p, values, i, values[i] + h, step);
            double center = lossWith(model, objective, x, p, values, i, values[i], step);
            double down = lossWith(model, objective, x, p, values, i, values[i] - h, step);
            p.set(values);
            numeric = (up - down) / (2 * h);
            tolerance = 2e-3 + 0.02 * Math.abs(numeric);
            if (Math.abs((up - center) - (center - down)) / h <= tolerance) {
              kink = false;
              break;
            }
          }
          if (kink) {
            continue; // a ReLU kink lies within h: finite differences are meaningless here
          }
          checked++;
          assertThat((double) grad[i]).as("%s, step %d: d loss / d %s[%d]", family, step,
              e.getKey(), i)
              .isCloseTo(numeric, within(tolerance));
        }
        assertThat(checked).as("%s: entries of %s checked", family, e.getKey()).isPositive();
      }
    }
  }

  private static double lossWith(DensityModel model, MaximumLikelihood objective, NDArray x,
      NDArray p, float[] values, int i, double value, long step) {
    float[] changed = values.clone();
    changed[i] = (float) value;
    p.set(changed);
    return objective.loss(Batch.of(x), step).getFloat();
  }

  /**
   * Maximum-likelihood training recovers a known distribution over 3 bits (a Markov chain
   * x0 -> x1 -> x2, which every non-independent family here can represent): after training,
   * KL(p_true || p_model) is small. The independent model is held to its own optimum, the
   * product of the true marginals.
   */
  @ParameterizedTest
  @MethodSource("densityFamiliesThatTrain")
  void trainingRecoversAKnownDistribution(String family) {
    try (NDManager m = Engines.newManager();
        DensityModel model = build(family, m.newSubManager(), 3, 1)) {
      if (model.support() != Support.BINARY) {
        return;
      }
      double[] truth = markovChain();
      Dataset data = sampleFrom(truth, 4000, 2);
      if (model instanceof DataInitialized init) {
        init.initializeFrom(data, 1);
      }
      Trainer trainer = new Trainer(model, new MaximumLikelihood(model),
          new TrainingConfig(25, 50, 0.02, "cosine", 0, 0, 1), TrainingState.start(), List.of());
      trainer.fit(epoch -> data, data.slice(0, 500));
      double[] target = family.equals("bernoulli") ? productOfMarginals(truth) : truth;
      float[] logP = model.logProb(ModelChecks.allBinaryStates(m, 3)).toFloatArray();
      double kl = 0;
      for (int s = 0; s < 8; s++) {
        kl += truth[s] * (Math.log(truth[s]) - logP[s]);
      }
      double floor = 0;
      for (int s = 0; s < 8; s++) {
        floor += truth[s] * (Math.log(truth[s]) - Math.log(target[s]));
      }
      assertThat(kl).as("%s: KL(true || model), best possible %.4f", family, floor)
          .isLessThan(floor + 0.02);
    }
  }

  /** p(x0=1)=0.7, p(x1=x0)=0.85, p(x2=x1)=0.2; state s has bit d = (s >> d) & 1. */
  private static double[] markovChain() {
    double[] p = new double[8];
    for (int s = 0; s < 8; s++) {
      int x0 = s & 1;
      int x1 = (s >> 1) & 1;
      int x2 = (s >> 2) & 1;
      p[s] = (x0 == 1 ? 0.7 : 0.3) * (x1 == x0 ? 0.85 : 0.15) * (x2 == x1 ? 0.2 : 0.8);
    }
    return p;
  }

  private static double[] productOfMarginals(double[] p) {
    double[] marginal = new double[3];
    for (int s = 0; s < 8; s++) {
      for (int d = 0; d < 3; d++) {
        marginal[d] += ((s >> d) & 1) * p[s];
      }
    }
    double[] q = new double[8];
    for (int s = 0; s < 8; s++) {
      q[s] = 1;
      for (int d = 0; d < 3; d++) {
        q[s] *= ((s >> d) & 1) == 1 ? marginal[d] : 1 - marginal[d];
      }
    }
    return q;
  }

  private static Dataset sampleFrom(double[] p, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n * 3];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      int s = 0;
      while (s < 7 && u >= p[s]) {
        u -= p[s];
        s++;
      }
      for (int d = 0; d < 3; d++) {
        v[i * 3 + d] = (s >> d) & 1;
      }
    }
    return new Dataset("markov", v, n, new int[] {3}, null);
  }
}
