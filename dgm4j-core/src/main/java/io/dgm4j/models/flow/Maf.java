package io.dgm4j.models.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.dgm4j.distributions.DiagonalGaussian;
import io.dgm4j.models.AbstractModel;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.Support;
import io.dgm4j.models.TemperedSampling;
import io.dgm4j.models.autoregressive.MadeMasks;
import io.dgm4j.nn.TensorMath;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The masked autoregressive flow, MAF (Papamakarios, Pavlakou and Murray, NeurIPS 2017): a
 * stack of K autoregressive layers with Gaussian conditionals, each a MADE (Germain et al.,
 * 2015; masks from {@link MadeMasks}) that outputs a shift μ_d and a log-scale α_d per
 * coordinate from the coordinates before d.
 *
 * <p>Layer k maps h to u with u_d = (h_d − μ_d(h_{<d})) exp(−α_d(h_{<d})); its Jacobian is
 * triangular with log-determinant −Σ_d α_d. Composing the layers (orderings alternate between
 * natural and reversed, so every coordinate conditions on every other somewhere) and ending in
 * a standard normal, the density is exact:
 * log p(x) = Σ_d log N(u_d; 0, 1) − Σ_k Σ_d α_d^(k).
 * The density is one parallel pass ({@link #forward}); sampling inverts each layer coordinate by
 * coordinate, h_d = u_d exp(α_d) + μ_d, which takes D passes per layer ({@link #inverse}); the
 * sample stays differentiable in the weights (reparameterized), so MAF also serves as the
 * learned noise of flow contrastive estimation and as the variational sampler of adversarial
 * EBM training.
 *
 * <p>Each log-scale is bounded softly, α = 3·tanh(raw/3), so that exp(±α) stays bounded however
 * the weights move (a flow that overflows once returns NaN densities from then on).
 * Hidden activations tanh; hidden weights Glorot uniform; output weights and biases start at
 * zero, so an untrained flow is the identity and p is the standard normal.
 */
public final class Maf extends AbstractModel implements DensityModel, TemperedSampling {

  /**
   * Settings.
   *
   * @param hidden hidden layer sizes of each MADE
   * @param layers K, the number of autoregressive layers
   * @param maskSeed seed of the hidden units' degrees
   */
  public record Config(List<Integer> hidden, int layers, long maskSeed) {
    public Config {
      if (hidden == null || hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
        throw new IllegalArgumentException("maf: hidden must list positive layer sizes, got "
            + hidden);
      }
      if (layers < 1) {
        throw new IllegalArgumentException("maf: layers must be positive, got " + layers);
      }
      hidden = List.copyOf(hidden);
    }

    /** Five layers of MADEs with two hidden layers of 64 (2-D toys). */
    public static Config defaults() {
      return new Config(List.of(64, 64), 5, 0L);
    }
  }

  /** The bound c on each layer's log-scale, |α| < c (a scale factor within e^±3 per layer). */
  private static final float LOG_SCALE_BOUND = 3f;

  private final Config config;
  private final int depth; // hidden layers per MADE
  private final NDArray[][] weights; // [k][l] (in, out)
  private final NDArray[][] biases;
  private final NDArray[][] masks; // [k][l]: hidden..., output, direct
  private final NDArray[] shiftWeight; // [k] (H, D)
  private final NDArray[] scaleWeight;
  private final NDArray[] shiftDirect; // [k] (D, D)
  private final NDArray[] scaleDirect;
  private final NDArray[] shiftBias; // [k] (D)
  private final NDArray[] scaleBias;
  private final long freeParameters;

  public Maf(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    int[] hidden = config.hidden().stream().mapToInt(Integer::intValue).toArray();
    depth = hidden.length;
    int k = config.layers();
    weights = new NDArray[k][depth];
    biases = new NDArray[k][depth];
    masks = new NDArray[k][];
    shiftWeight = new NDArray[k];
    scaleWeight = new NDArray[k];
    shiftDirect = new NDArray[k];
    scaleDirect = new NDArray[k];
    shiftBias = new NDArray[k];
    scaleBias = new NDArray[k];
    SplittableRandom random = new SplittableRandom(config.maskSeed());
    long free = 0;
    for (int layer = 0; layer < k; layer++) {
      String p = "layer" + layer + ".";
      int in = dimension;
      for (int l = 0; l < depth; l++) {
        weights[layer][l] = parameters.glorot(p + "hidden" + l + ".weight", in, hidden[l]);
        biases[layer][l] = parameters.zeros(p + "hidden" + l + ".bias", hidden[l]);
        free += hidden[l];
        in = hidden[l];
      }
      shiftWeight[layer] = parameters.zeros(p + "shift.weight", in, dimension);
      scaleWeight[layer] = parameters.zeros(p + "logScale.weight", in, dimension);
      shiftDirect[layer] = parameters.zeros(p + "shift.direct", dimension, dimension);
      scaleDirect[layer] = parameters.zeros(p + "logScale.direct", dimension, dimension);
      shiftBias[layer] = parameters.zeros(p + "shift.bias", dimension);
      scaleBias[layer] = parameters.zeros(p + "logScale.bias", dimension);
      free += 2L * dimension;
      masks[layer] = MadeMasks.draw(manager, ordering(layer), hidden, true, random);
      for (int l = 0; l < masks[layer].length; l++) {
        long used = (long) masks[layer][l].sum().getFloat();
        free += l < depth ? used : 2 * used; // output and direct masks serve shift and scale
      }
    }
    freeParameters = free;
  }

  /** Layer k's ordering: natural for even k, reversed for odd k. */
  public int[] ordering(int layer) {
    int[] o = MadeMasks.naturalOrdering(dimension);
    if (layer % 2 == 1) {
      for (int i = 0; i < dimension; i++) {
        o[i] = dimension - 1 - i;
      }
    }
    return o;
  }

  @Override
  public String family() {
    return "maf";
  }

  @Override
  public Support support() {
    return Support.REAL;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  public long parameterCount() {
    return freeParameters;
  }

  /** The number of autoregressive layers K. */
  public int layers() {
    return config.layers();
  }

  /**
   * Layer k's shift μ and log-scale α of every coordinate, each from the coordinates before it
   * in {@link #ordering(int) ordering(k)}.
   *
   * @param h shape (N, D)
   * @return μ and α, each (N, D)
   */
  public NDList shiftAndLogScale(NDArray h, int layer) {
    NDArray[] m = masks[layer];
    NDArray a = h;
    for (int l = 0; l < depth; l++) {
      a = Activation.tanh(a.matMul(weights[layer][l].mul(m[l])).add(biases[layer][l]));
    }
    NDArray out = m[depth];
    NDArray direct = m[depth + 1];
    NDArray shift = a.matMul(shiftWeight[layer].mul(out))
        .add(h.matMul(shiftDirect[layer].mul(direct))).add(shiftBias[layer]);
    NDArray raw = a.matMul(scaleWeight[layer].mul(out))
        .add(h.matMul(scaleDirect[layer].mul(direct))).add(scaleBias[layer]);
    // α = c·tanh(raw / c): smooth, ≈ raw near 0, and |α| < c so exp(±α) cannot overflow
    NDArray logScale = TensorMath.softClamp(raw, LOG_SCALE_BOUND);
    return new NDList(shift, logScale);
  }

  /**
   * The flow x → u through every layer and the log-determinant of its Jacobian.
   *
   * @param x shape (N, D)
   * @return u (N, D) and log |det ∂u/∂x| (N)
   */
  public NDList forward(NDArray x) {
    NDArray h = x;
    NDArray logDet = null;
    for (int layer = 0; layer < config.layers(); layer++) {
      NDList ma = shiftAndLogScale(h, layer);
      h = h.sub(ma.get(0)).mul(ma.get(1).neg().exp());
      NDArray term = ma.get(1).sum(new int[] {1}).neg();
      logDet = logDet == null ? term : logDet.add(term);
    }
    return new NDList(h, logDet);
  }

  /**
   * The inverse u → x: each layer solved coordinate by coordinate, h = u·exp(α(h)) + μ(h)
   * iterated D times (after i passes the first i coordinates in the layer's ordering are exact,
   * since each depends only on those before it). Differentiable in the weights.
   *
   * @param u shape (N, D)
   * @return x, shape (N, D)
   */
  public NDArray inverse(NDArray u) {
    NDArray h = u;
    for (int layer = config.layers() - 1; layer >= 0; layer--) {
      NDArray target = h;
      NDArray x = target.zerosLike();
      for (int pass = 0; pass < dimension; pass++) {
        NDList ma = shiftAndLogScale(x, layer);
        x = target.mul(ma.get(1).exp()).add(ma.get(0));
      }
      h = x;
    }
    return h;
  }

  /** log p(x) = Σ_d log N(u_d; 0, 1) + log |det ∂u/∂x|. */
  @Override
  public NDArray logProb(NDArray x) {
    NDList ul = forward(x);
    return DiagonalGaussian.standardLogProb(ul.get(0)).add(ul.get(1));
  }

  /** Exact draws: u ~ N(0, I), then {@link #inverse}. */
  @Override
  public NDArray sample(NDManager manager, int n) {
    return sample(manager, n, 1);
  }

  /** Draws at a temperature: u ~ N(0, T² I), then {@link #inverse}. */
  @Override
  public NDArray sample(NDManager manager, int n, double temperature) {
    float t = (float) TemperedSampling.requireTemperature(temperature);
    return inverse(manager.randomNormal(new ai.djl.ndarray.types.Shape(n, dimension)).muli(t));
  }
}
