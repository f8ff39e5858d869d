package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.dgm4j.distributions.GaussianMixture;
import io.dgm4j.engine.Scalars;
import io.dgm4j.models.AbstractDensityModel;
import io.dgm4j.models.AutoregressiveModel;
import io.dgm4j.models.Support;
import io.dgm4j.nn.TensorMath;

/**
 * Real-valued NADE (RNADE; Uria, Murray and Larochelle 2013): NADE's shared hidden layer with a
 * mixture of K Gaussians as each one-dimensional conditional,
 *
 * <pre>
 *   h_d = sigmoid(c + sum_{j before d} W_j x_j)                       (H)
 *   p(x_d | x_{<d}) = sum_k pi_dk N(x_d; mu_dk, sigma_dk^2)
 *   pi_d = softmax(h_d V^pi_d + b^pi_d),  mu_d = h_d V^mu_d + b^mu_d,
 *   sigma_d = exp(h_d V^sigma_d + b^sigma_d)                          (each (K), V_d: (H, K))
 * </pre>
 *
 * Support: {@link Support#REAL}; logProb is a density in nats. The paper's per-step activation
 * scaling rho_d (h_d = sigmoid(rho_d a_d)) is left out: it is a reparameterisation of W and c
 * per step, and the plain form keeps the shared forward identical to {@link Nade}. The paper
 * picked H and K per data set by validation; the defaults (H = 100, K = 10) are a middle
 * setting of that search, not a published figure.
 *
 * <p>The forward pass is vectorised like NADE's: the pre-activations of all D conditionals are
 * one cumulative sum, laid out (D, N, H) so that the per-dimension output layers are three
 * batched matrix products (D, N, H) x (D, H, K). Sampling and completion are incremental,
 * O(H K) per coordinate and example.
 *
 * <p>Initialisation: W Glorot-uniform; output weights uniform with the Glorot bound of an
 * (H, K) layer; mixture means' biases N(0, 1) so the components start apart; other biases zero
 * (unit scales, equal weights) — matched to standardised data.
 */
public final class RealNade extends AbstractDensityModel implements AutoregressiveModel {

  /**
   * @param hidden hidden units H
   * @param components Gaussians per conditional K
   * @param ordering "raster" or "random" (see {@link Orderings})
   * @param orderingSeed seed of the random ordering (ignored for raster)
   * @param minStd floor on every component's standard deviation, 0 for none. The density of a
   *     coordinate that is nearly constant in the data (MNIST's dequantized background pixels,
   *     uniform on [0, 1/256)) grows without bound as a component narrows onto it, and
   *     training diverged that way on MNIST without a floor (validation -1571 nats after one
   *     epoch, then -1012, -882). sigma = exp(s) + minStd keeps it smooth and bounded.
   */
  public record Config(int hidden, int components, String ordering, long orderingSeed,
      double minStd) {
    public Config {
      if (!(minStd >= 0) || Double.isInfinite(minStd)) {
        throw new IllegalArgumentException("minStd must be >= 0 and finite, got " + minStd);
      }
      if (hidden <= 0) {
        throw new IllegalArgumentException("hidden must be positive, got " + hidden);
      }
      if (components <= 0) {
        throw new IllegalArgumentException("components must be positive, got " + components);
      }
      Orderings.check(ordering);
    }

    public static Config defaults() {
      return new Config(100, 10, "raster", 0, 1e-3);
    }
  }

  private final Config config;
  private final int hidden;
  private final int components;
  private final int[] order;
  private final boolean raster;
  private final NDArray order64;
  private final NDArray w; // (D, H)
  private final NDArray c; // (H)
  private final NDArray vWeights; // (D, H, K) mixing logits
  private final NDArray vMeans; // (D, H, K)
  private final NDArray vLogStds; // (D, H, K)
  private final NDArray bWeights; // (D, K)
  private final NDArray bMeans; // (D, K)
  private final NDArray bLogStds; // (D, K)

  public RealNade(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    this.hidden = config.hidden();
    this.components = config.components();
    this.order = Orderings.of(config.ordering(), config.orderingSeed(), dimension);
    this.raster = Orderings.isIdentity(order);
    long[] o = new long[dimension];
    for (int i = 0; i < dimension; i++) {
      o[i] = order[i];
    }
    this.order64 = manager.create(o);
    int k = components;
    double outBound = Math.sqrt(6.0 / (hidden + k));
    this.w = parameters.glorot("w", dimension, hidden);
    this.c = parameters.zeros("c", hidden);
    this.vWeights = parameters.uniform("vWeights", outBound, dimension, hidden, k);
    this.vMeans = parameters.uniform("vMeans", outBound, dimension, hidden, k);
    this.vLogStds = parameters.uniform("vLogStds", outBound, dimension, hidden, k);
    this.bWeights = parameters.zeros("bWeights", dimension, k);
    this.bMeans = parameters.normal("bMeans", 1.0, dimension, k);
    this.bLogStds = parameters.zeros("bLogStds", dimension, k);
  }

  /**
   * The D log conditional densities log p(x_d | x_{<d}), shape (N, D), in data coordinates;
   * entry d depends on x_d and the coordinates before d only. Their sum over d is logProb.
   */
  public NDArray logConditionals(NDArray x) {
    long n = x.getShape().get(0);
    // Ordering space, transposed: row i is coordinate order[i], for all N examples.
    NDArray xo = (raster ? x : x.get(new NDIndex(":, {}", order64))).transpose(); // (D, N)
    NDArray wo = raster ? w : w.get(order64); // (D, H)
    // Shift by one: step i sees inputs 0..i-1; the leading row of ones carries c.
    NDArray xs = TensorMath.concat(new NDList(
        x.getManager().ones(new Shape(1, n)), xo.get(new NDIndex(":{}", dimension - 1))), 0);
    NDArray ws = TensorMath.concat(new NDList(
        c.reshape(1, hidden), wo.get(new NDIndex(":{}", dimension - 1))), 0);
    // (D, N, 1) * (D, 1, H) -> (D, N, H), cumulative sum over the ordering
    NDArray h = Activation.sigmoid(xs.expandDims(2).mul(ws.expandDims(1)).cumSum(0));
    // per-dimension output layers: (D, N, H) x (D, H, K) + (D, 1, K) -> (D, N, K)
    NDArray logits = h.batchMatMul(ordered(vWeights)).add(ordered(bWeights).expandDims(1));
    NDArray means = h.batchMatMul(ordered(vMeans)).add(ordered(bMeans).expandDims(1));
    NDArray logStds = floored(
        h.batchMatMul(ordered(vLogStds)).add(ordered(bLogStds).expandDims(1)));
    NDArray logp = GaussianMixture.logProb(logits, means, logStds, xo).transpose(); // (N, D)
    if (raster) {
      return logp;
    }
    long[] position = new long[dimension];
    for (int i = 0; i < dimension; i++) {
      position[order[i]] = i;
    }
    return logp.get(new NDIndex(":, {}", x.getManager().create(position)));
  }

  @Override
  public NDArray logProb(NDArray x) {
    return logConditionals(x).sum(new int[] {1});
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    return chainRuleComplete(out.zeros(new Shape(n, dimension)), out.zeros(new Shape(dimension)));
  }

  /** Incremental: a gains W_d x_d after each draw; x_d is drawn from its Gaussian mixture. */
  @Override
  public NDArray chainRuleComplete(NDArray x, NDArray observed) {
    int n = (int) x.getShape().get(0);
    int k = components;
    try (NDScope scope = new NDScope()) {
      // output layer of dimension d as one (H, 3K) matrix and (1, 3K) bias
      NDList outWeights = TensorMath.concat(new NDList(vWeights, vMeans, vLogStds), 2)
          .split(dimension, 0);
      NDList outBiases = TensorMath.concat(new NDList(bWeights, bMeans, bLogStds), 1)
          .split(dimension, 0);
      NDArray completed = RunningSumCompletion.complete(x, observed, order, c,
          w.split(dimension, 0), (a, d) -> {
            // (N, H) @ (H, 3K) + (1, 3K) -> (N, 3K) -> three (N, K)
            NDList p = Activation.sigmoid(a).matMul(outWeights.get(d).reshape(hidden, 3L * k))
                .add(outBiases.get(d)).split(3, 1);
            return GaussianMixture.sample(p.get(0), p.get(1), floored(p.get(2)))
                .reshape(n, 1);
          });
      NDScope.unregister(completed);
      return completed;
    }
  }

  /** log(exp(s) + minStd), computed stably: the floored log standard deviation. */
  private NDArray floored(NDArray logStd) {
    if (config.minStd() == 0) {
      return logStd;
    }
    double floor = Math.log(config.minStd());
    NDArray high = Scalars.atLeast(logStd, floor);
    NDArray low = Scalars.atMost(logStd, floor);
    return high.add(low.sub(high).exp().add(1f).log());
  }

  /** A (D, ...) parameter with its rows in ordering space. */
  private NDArray ordered(NDArray byCoordinate) {
    return raster ? byCoordinate : byCoordinate.get(order64);
  }

  @Override
  public int[] ordering() {
    return order.clone();
  }

  /**
   * The scalars that can change log p(x): the input weights of the coordinate generated last
   * feed nothing ((D - 1) H of W counted, not D H), and each conditional's mixing logits
   * h V^pi_d + b^pi_d are unchanged by a common shift of their K columns, so H + 1 of its
   * (H + 1) K mixing-weight scalars are redundant: (D - 1) H + H + D (H + 1) (3K - 1).
   */
  @Override
  public long parameterCount() {
    long perCoordinate = (long) (hidden + 1) * (3L * components - 1);
    return (long) (dimension - 1) * hidden + hidden + dimension * perCoordinate;
  }

  @Override
  public String family() {
    return "rnade";
  }


  @Override
  public Support support() {
    return Support.REAL;
  }

  @Override
  public Config config() {
    return config;
  }


}
