package io.dgm4j.models.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.models.AbstractDensityModel;
import io.dgm4j.models.Support;

/**
 * The fully independent model over D binary values: p(x) = prod_d Bernoulli(x_d; sigmoid(l_d)).
 *
 * <p>D parameters instead of the 2^D - 1 of the full joint (seed 002): the simplest baseline, it
 * learns the mean image and nothing of how pixels co-vary. Its maximum-likelihood solution is
 * the per-pixel frequency, which tests use as a known answer.
 */
public final class IndependentBernoulli extends AbstractDensityModel {

  /** No settings: the model is fixed by the data dimension. */
  public record Config() {
    public static Config defaults() {
      return new Config();
    }
  }

  private final Config config;
  private final NDArray logits;

  public IndependentBernoulli(NDManager manager, int dimension, Config config, long seed) {
    super(manager, dimension, seed);
    this.config = config;
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
  public Support support() {
    return Support.BINARY;
  }

  @Override
  public Config config() {
    return config;
  }


}
