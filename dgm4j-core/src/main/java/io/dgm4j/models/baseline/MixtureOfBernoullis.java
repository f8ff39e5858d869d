package io.dgm4j.models.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.distributions.Categorical;
import io.dgm4j.data.Dataset;
import io.dgm4j.engine.Autograd;
import io.dgm4j.engine.Engines;
import io.dgm4j.engine.SharedMemory;
import io.dgm4j.models.Batch;
import io.dgm4j.models.DataInitialized;
import io.dgm4j.models.AbstractDensityModel;
import io.dgm4j.models.Support;
import io.dgm4j.nn.TensorMath;
import java.nio.ByteBuffer;

/**
 * A mixture of K independent-Bernoulli components over D binary values:
 *
 * <pre>
 *   p(x) = sum_k pi_k prod_d Bernoulli(x_d; mu_kd),   pi = softmax(a),  mu_kd = sigmoid(l_kd)
 * </pre>
 *
 * <p>Each component is an {@link IndependentBernoulli} (a "prototype image"); the latent choice of
 * component lets the mixture capture how pixels co-vary, which a single independent model cannot.
 * K (D + 1) - 1 free parameters (stored as K mixing logits and K x D pixel logits). On binarized
 * MNIST with K = 500 the published test NLL is 137.64 nats, the baseline row tabulated in the NADE
 * and MADE papers (Larochelle and Murray, AISTATS 2011; Germain et al., ICML 2015).
 *
 * <p>The exact log-likelihood is a log-sum-exp over components, computed for a whole batch with
 * one matrix product: log p(x | k) = sum_d [x_d l_kd - softplus(l_kd)] = (x L^T)_k - s_k, with
 * s_k = sum_d softplus(l_kd), so log p(x) = logSumExp_k [log pi_k + (x L^T)_k - s_k]: an (N, D) x
 * (D, K) product plus a (K) vector, no loop over components or pixels.
 *
 * <p>Training is by maximum likelihood with gradients (Adam through the generic trainer); where
 * the vector API and CPU memory allow, a training step's gradient is derived by hand
 * ({@link MixtureGradient}: the same two products, the passes around them fused), else autograd
 * gives it; {@code MixtureOfBernoullisTest} checks both against plain double precision. The
 * classical alternative is expectation-maximisation (Dempster, Laird and Rubin, 1977): the E-step
 * computes responsibilities r_nk = p(k | x_n), the M-step sets pi_k and mu_kd to
 * responsibility-weighted frequencies. Note d log p(x) / d a_k = r_k - pi_k, so the gradient sees
 * the same responsibilities.
 *
 * <p>Initialisation: the model is built without data, so it cannot start near the data mean as EM
 * usually does; mixing logits start at zero (uniform pi) and pixel logits uniform in [-0.5, 0.5]
 * from the seed, which breaks the symmetry between components (identical components would receive
 * identical gradients forever).
 */
public final class MixtureOfBernoullis extends AbstractDensityModel implements DataInitialized {

  /**
   * Settings.
   *
   * @param components K, the number of mixture components (>= 1)
   */
  public record Config(int components) {
    public Config {
      if (components <= 0) {
        throw new IllegalArgumentException(
            "components (the number of mixture components K) must be >= 1, got " + components);
      }
    }

    /** K = 500, the published binarized-MNIST baseline (137.64 nats). */
    public static Config defaults() {
      return new Config(500);
    }
  }

  /** Half-width of the uniform initialisation of the pixel logits. */
  private static final double INIT_BOUND = 0.5;

  private final Config config;
  private final NDArray mixingLogits; // (K)
  private final NDArray logits; // (K, D)
  private boolean handDerivedGradient = true;
  private MixtureGradient handGradient;

  public MixtureOfBernoullis(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    this.mixingLogits = parameters.zeros("mixingLogits", config.components());
    this.logits = parameters.uniform("logits", INIT_BOUND, config.components(), dimension);
  }

  /**
   * Starts component k at a random training example x_k shrunk toward the data mean m:
   * mu_k = clip(0.5 x_k + 0.5 m, 0.02, 0.98), with equal mixing weights. Gradient training of a
   * mixture from random logits lets all components drift together (measured on binarized MNIST:
   * about 195 nats after 7 epochs, where the independent model alone reaches 206), because
   * every component sees almost the same responsibility-weighted gradient; starting each at a
   * different example breaks that symmetry as k-means++-style seeding does for EM.
   */
  @Override
  public void initializeFrom(Dataset examples, long seed) {
    int k = config.components();
    int n = examples.size();
    if (examples.dimension() != dimension || n == 0) {
      throw new IllegalArgumentException("initialisation data must be non-empty with "
          + dimension + " values per example, got " + examples);
    }
    double[] mean = new double[dimension];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dimension; d++) {
        mean[d] += examples.get(i, d) / n;
      }
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[] init = new float[k * dimension];
    for (int c = 0; c < k; c++) {
      int i = random.nextInt(n);
      for (int d = 0; d < dimension; d++) {
        double p = Math.min(0.98, Math.max(0.02, 0.5 * examples.get(i, d) + 0.5 * mean[d]));
        init[c * dimension + d] = (float) Math.log(p / (1 - p));
      }
    }
    logits.set(init);
    mixingLogits.set(new float[k]);
  }

  @Override
  public NDArray logProb(NDArray x) {
    return TensorMath.logSumExp(jointLogProb(x), 1);
  }

  /**
   * The maximum-likelihood loss of a batch. Under autograd, with the vector API and the
   * gradients in CPU memory, {@link MixtureGradient}'s: the gradient derived by hand and added
   * straight into the gradient buffers, the returned scalar a leaf of its own (its backward pass
   * touches no parameter); gradient buffers that do not exist yet are created first, so every
   * step of a run, resumed or not, takes this route. Otherwise autograd of {@link #logProb}.
   */
  @Override
  public NDArray meanNegativeLogLikelihood(Batch batch, long step) {
    NDArray x = batch.x();
    NDArray[] parameters = {mixingLogits, logits};
    ByteBuffer[] gradients = null;
    if (handDerivedGradient && SharedMemory.VECTOR_API && Autograd.isRecording()
        && x.getShape().dimension() == 2 && x.getDataType() == DataType.FLOAT32
        && !x.getDevice().isGpu() && SharedMemory.view(logits) != null) {
      Autograd.createGradientBuffers(parameters);
      gradients = Autograd.gradientViews(parameters);
    }
    if (gradients == null) {
      return logProb(x).mean().neg();
    }
    if (handGradient == null) {
      handGradient = new MixtureGradient();
    }
    double loss = handGradient.meanLossAndGradient(x, mixingLogits, logits, gradients[0],
        gradients[1], Engines.threads());
    return Autograd.lossLeaf(x.getManager(), loss);
  }

  /** Whether training steps use the hand-derived gradient where they can; for tests. */
  MixtureOfBernoullis handDerivedGradient(boolean use) {
    this.handDerivedGradient = use;
    return this;
  }

  /**
   * log pi_k + log p(x | k) for every example and component; its softmax over k is the
   * responsibility p(k | x).
   *
   * @param x shape (N, D)
   * @return shape (N, K)
   */
  public NDArray jointLogProb(NDArray x) {
    NDArray logPi = mixingLogits.logSoftmax(0); // (K)
    NDArray normalizer = Activation.softPlus(logits).sum(new int[] {1}); // (K)
    NDArray dot = x.matMul(logits.transpose()); // (N, D) x (D, K) -> (N, K)
    return dot.add(logPi.sub(normalizer)); // (N, K) + (K) broadcast
  }

  /**
   * The posterior over components, p(k | x) = pi_k p(x | k) / p(x): the E-step of EM, and a
   * clustering of the data.
   *
   * @param x shape (N, D)
   * @return shape (N, K), rows summing to 1
   */
  public NDArray responsibilities(NDArray x) {
    return jointLogProb(x).softmax(1);
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    try (NDScope scope = new NDScope()) {
      int k = config.components();
      NDArray component = Categorical.sample(mixingLogits.broadcast(new Shape(n, k))); // (n)
      NDArray pixelLogits = component.oneHot(k, logits.getDataType()).matMul(logits); // (n, D)
      NDArray draws = Bernoulli.sample(pixelLogits); // (n, D)
      NDScope.unregister(draws);
      draws.attach(out);
      return draws;
    }
  }

  /** The mixing logits a, shape (K); pi = softmax(a). */
  public NDArray mixingLogits() {
    return mixingLogits;
  }

  /** The per-component pixel logits l, shape (K, D); mu = sigmoid(l). */
  public NDArray componentLogits() {
    return logits;
  }

  /**
   * K (D + 1) - 1: the K x D pixel logits and the K mixing logits, less one because the softmax
   * of the mixing logits does not change when all of them shift together.
   */
  @Override
  public long parameterCount() {
    long k = config.components();
    return k * (dimension + 1) - 1;
  }

  @Override
  public String family() {
    return "mixture";
  }


  @Override
  public Support support() {
    return Support.BINARY;
  }

  @Override
  public Config config() {
    return config;
  }


}
