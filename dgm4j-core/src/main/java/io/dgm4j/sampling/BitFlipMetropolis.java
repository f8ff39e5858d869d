package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Metropolis-Hastings for binary x ∈ {0,1}^D with the single-site flip proposal: each chain picks
 * one coordinate uniformly at random and proposes to flip it; the proposal is symmetric, so the
 * move is accepted with probability min(1, exp(f(x') − f(x))). One step changes at most one
 * coordinate per chain: a sweep over D coordinates takes D steps.
 */
public final class BitFlipMetropolis implements TransitionKernel {
  private final LogDensity target;

  /** @param target the unnormalized log-density f over binary vectors */
  public BitFlipMetropolis(LogDensity target) {
    this.target = target;
  }

  @Override
  public String name() {
    return "bitflip";
  }

  @Override
  public Step step(NDArray x) {
    int n = (int) x.getShape().get(0);
    int d = (int) x.getShape().get(1);
    NDArray site = x.getManager().randomInteger(0, d, new Shape(n), DataType.INT64);
    NDArray flip = site.oneHot(d, x.getDataType()); // (N, D), one 1 per row
    NDArray proposal = x.sub(flip).abs(); // flips the chosen coordinate: |x - 1| = 1 - x
    NDArray logRatio = target.logDensity(proposal).sub(target.logDensity(x));
    return MetropolisAcceptance.decide(x, proposal, logRatio);
  }
}
