package io.dgm4j.models.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.models.DensityModel;
import io.dgm4j.models.Support;
import io.dgm4j.nn.Parameters;

/**
 * The fully independent model over D binary values: p(x) = prod_d Bernoulli(x_d; sigmoid(l_d)).
 *
 * <p>D parameters instead of the 2^D - 1 of the full joint (seed 002): the simplest baseline, it
 * learns the mean image and nothing of how pixels co-vary. Its maximum-likelihood solution is
 * the per-pixel frequency, which tests use as a known answer.
 */
public final class IndependentBernoulli implements DensityModel {

  /** No settings: the model is fixed by the data dimension. */
  public record Config() {
    public static Config defaults() {
      return new Config();
    }
  }

  private final NDManager manager;
  private final int dimension;
  private final Config config;
  private final Parameters parameters;
  private final NDArray logits;

  public IndependentBernoulli(NDManager manager, int dimension, Config config, long seed) {
    this.manager = manager;
    this.dimension = dimension;
    this.config = config;
    this.parameters = new Parameters(manager, seed);
    this.logits = parameters.zeros("logits", dimension);
  }

  @Override
  public NDArray logProb(NDArray x) {
    // (N, D) against (D) broadcast -> (N, D) -> (N)
    return Bernoulli.logProb(logits, x).sum(new int[] {1});
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    NDArray l = logits.broadcast(new Shape(n, dimension));
    NDArray draws = Bernoulli.sample(l);
    draws.attach(out);
    return draws;
  }

  @Override
  public String family() {
    return "bernoulli";
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Support support() {
    return Support.BINARY;
  }

  @Override
  public Config config() {
    return config;
  }

  @Override
  public Parameters parameters() {
    return parameters;
  }

  @Override
  public NDManager manager() {
    return manager;
  }
}
