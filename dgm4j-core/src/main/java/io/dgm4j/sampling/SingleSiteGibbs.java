package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Random-scan Gibbs sampling for binary x ∈ {0,1}^D from the log-density alone: each chain picks
 * one coordinate i uniformly and redraws it from its exact conditional,
 * p(x_i = 1 | x_−i) = sigmoid(f(x with x_i = 1) − f(x with x_i = 0)) (Geman and Geman, 1984).
 * Two evaluations of f per step, no rejections. For models whose conditionals come in blocks
 * (an RBM's hidden given visible and back) {@link BlockGibbs} is far faster.
 */
public final class SingleSiteGibbs implements TransitionKernel {
  private final LogDensity target;

  /** @param target the unnormalized log-density f over binary vectors */
  public SingleSiteGibbs(LogDensity target) {
    this.target = target;
  }

  @Override
  public String name() {
    return "site-gibbs";
  }

  @Override
  public Step step(NDArray x) {
    int n = (int) x.getShape().get(0);
    int d = (int) x.getShape().get(1);
    NDArray site = x.getManager().randomInteger(0, d, new Shape(n), DataType.INT64)
        .oneHot(d, x.getDataType()); // (N, D)
    NDArray keep = site.neg().addi(1f);
    NDArray withZero = x.mul(keep);
    NDArray withOne = withZero.add(site);
    NDArray logit = target.logDensity(withOne).sub(target.logDensity(withZero)); // (N)
    NDArray u = x.getManager().randomUniform(0f, 1f, logit.getShape());
    NDArray one = u.lt(Activation.sigmoid(logit)).toType(x.getDataType(), false); // (N)
    return new Step(withZero.add(site.mul(one.expandDims(1))), null);
  }
}
