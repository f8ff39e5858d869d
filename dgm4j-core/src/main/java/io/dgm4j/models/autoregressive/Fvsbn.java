package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Fully visible sigmoid belief network (FVSBN; Frey 1998): a logistic regression per coordinate
 * on the coordinates before it,
 *
 * <pre>
 *   p(x_d = 1 | x_{<d}) = sigmoid(b_d + sum_{j before d} W_jd x_j).
 * </pre>
 *
 * The comparison in the NADE paper (Larochelle and Murray 2011) reports 97.45 nats on binarized
 * MNIST for it.
 *
 * <p>All D logits come from ONE masked matrix product, logits = x (W o M) + b, where
 * M_jd = 1 iff j comes strictly before d in the ordering (a strictly upper-triangular matrix in
 * ordering space, permuted to data coordinates once at construction). W is stored densely as
 * (D, D) with its masked entries initialised to zero; they receive zero gradient, so they stay
 * zero and {@link #parameterCount()} reports the D(D-1)/2 + D free parameters, not the D^2 + D
 * stored scalars.
 *
 * <p>Sampling and completion use an incremental sampler: the running logits start at b and,
 * after x_d is drawn, gain x_d (W o M)_{d,:} — O(N D) per coordinate instead of recomputing
 * the O(N D^2) product.
 */
public final class Fvsbn extends BinaryAutoregressiveModel {

  /**
   * @param ordering "raster" (identity: 0, 1, ..., D-1) or "random" (a permutation drawn from
   *     {@code orderingSeed}; see {@link Orderings})
   * @param orderingSeed seed of the random ordering (ignored for raster)
   */
  public record Config(String ordering, long orderingSeed) {
    public Config {
      Orderings.check(ordering);
    }

    /** Raster ordering, as in the NADE paper's FVSBN comparison on MNIST. */
    public static Config defaults() {
      return new Config("raster", 0);
    }
  }

  private final Config config;
  private final int[] order;
  private final NDArray weights; // (D, D): weights[j, d] = W_jd, from x_j into logit d
  private final NDArray bias; // (D)
  private final NDArray mask; // (D, D), constant: 1 iff position(j) < position(d)

  public Fvsbn(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
    this.order = Orderings.of(config.ordering(), config.orderingSeed(), dimension);
    int[] position = Orderings.positions(order);
    int d2 = dimension * dimension;
    float[] m = new float[d2];
    float[] w = new float[d2];
    // Glorot-style uniform bound for a D-by-D layer; masked entries are exactly zero.
    double bound = Math.sqrt(3.0 / dimension);
    for (int j = 0; j < dimension; j++) {
      for (int d = 0; d < dimension; d++) {
        double u = (2 * parameters.random().nextDouble() - 1) * bound;
        if (position[j] < position[d]) {
          m[j * dimension + d] = 1f;
          w[j * dimension + d] = (float) u;
        }
      }
    }
    this.weights = parameters.add("weights", w, dimension, dimension);
    this.bias = parameters.zeros("bias", dimension);
    this.mask = manager.create(m, new Shape(dimension, dimension));
  }

  @Override
  public NDArray logits(NDArray x) {
    // (N, D) @ (D, D) + (D) -> (N, D)
    return x.matMul(weights.mul(mask)).add(bias);
  }

  /** D(D-1)/2 weights above the diagonal in ordering space plus D biases. */
  @Override
  public long parameterCount() {
    return (long) dimension * (dimension - 1) / 2 + dimension;
  }

  /** Incremental: the running logits gain x_d (W∘M)_d after each draw, O(ND) per step. */
  @Override
  public NDArray chainRuleComplete(NDArray x, NDArray observed) {
    try (NDScope scope = new NDScope()) {
      NDList noise = RunningSumCompletion.logisticNoise(x);
      NDArray completed = RunningSumCompletion.complete(x, observed, order, bias,
          weights.mul(mask).split(dimension, 0),
          (logits, d) -> logits.get(new NDIndex(":, {}:{}", d, d + 1)).gt(noise.get(d))
              .toType(DataType.FLOAT32, false));
      NDScope.unregister(completed);
      return completed;
    }
  }

  @Override
  public int[] ordering() {
    return order.clone();
  }

  @Override
  public String family() {
    return "fvsbn";
  }

  @Override
  public Config config() {
    return config;
  }
}
