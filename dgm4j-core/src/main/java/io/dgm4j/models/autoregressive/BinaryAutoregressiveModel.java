package io.dgm4j.models.autoregressive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.dgm4j.distributions.Bernoulli;
import io.dgm4j.models.AbstractDensityModel;
import io.dgm4j.models.AutoregressiveModel;
import io.dgm4j.models.Support;

/**
 * The common part of autoregressive models over binary vectors whose conditionals are logistic:
 * p(x_d = 1 | x_{<d}) = sigmoid(l_d(x_{<d})), so that
 * log p(x) = sum_d [x_d l_d - softplus(l_d)].
 *
 * <p>A subclass gives {@link #logits(NDArray)}: all D conditional logits in one pass, where l_d
 * may depend only on the coordinates before d in {@link #ordering()} (tests check this with
 * gradients). Sampling and completion then follow from the chain rule: one coordinate at a time,
 * in order, recomputing the logits after each draw. Subclasses with a cheaper incremental
 * sampler (NADE) override {@link #chainRuleComplete}.
 */
public abstract class BinaryAutoregressiveModel extends AbstractDensityModel
    implements AutoregressiveModel {
  protected BinaryAutoregressiveModel(NDManager manager, int dimension, long seed) {
    super(manager, dimension, seed);
  }

  /**
   * The D conditional logits, l_d a function of x_{<d} (in the model's ordering) only.
   *
   * @param x shape (N, D)
   * @return shape (N, D)
   */
  public abstract NDArray logits(NDArray x);

  @Override
  public NDArray logProb(NDArray x) {
    return Bernoulli.logProb(logits(x), x).sum(new int[] {1});
  }

  @Override
  public NDArray sample(NDManager out, int n) {
    NDArray zeros = out.zeros(new Shape(n, dimension));
    return chainRuleComplete(zeros, out.zeros(new Shape(dimension)));
  }

  @Override
  public NDArray chainRuleComplete(NDArray x, NDArray observed) {
    NDArray result = x.duplicate();
    NDArray keep = observed.getShape().dimension() == 1
        ? observed.reshape(1, dimension).broadcast(x.getShape()) : observed;
    keep = keep.toType(x.getDataType(), false);
    float[] observedInEveryRow = keep.min(new int[] {0}).toFloatArray();
    for (int d : ordering()) {
      if (observedInEveryRow[d] == 1f) {
        continue;
      }
      try (NDScope scope = new NDScope()) {
        NDIndex column = new NDIndex(":, {}", d);
        NDArray draw = Bernoulli.sample(logits(result).get(column));
        NDArray k = keep.get(column);
        result.set(column, k.mul(result.get(column)).add(k.neg().add(1).mul(draw)));
      }
    }
    return result;
  }


  @Override
  public Support support() {
    return Support.BINARY;
  }


}
