package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Scalars;

/**
 * The Metropolis-adjusted Langevin algorithm (Roberts and Tweedie, 1996): propose a Langevin
 * step x' = x + η ∇f(x) + sqrt(2η) ε, then accept with probability
 * min(1, exp(f(x') − f(x) + log q(x | x') − log q(x' | x))), where
 * q(x' | x) = N(x'; x + η ∇f(x), 2η I), so log q(x' | x) = −|x' − x − η ∇f(x)|² / (4η) + const.
 * The chain leaves p ∝ exp(f) exactly invariant whatever η; η sets the acceptance rate (about
 * 0.57 is optimal in high dimension, Roberts and Rosenthal, 1998).
 */
public final class Mala implements TransitionKernel {
  private final LogDensity target;
  private final float stepSize;

  /**
   * @param target the unnormalized log-density f (its value and score are used)
   * @param stepSize η (&gt; 0)
   */
  public Mala(LogDensity target, double stepSize) {
    if (!(stepSize > 0)) {
      throw new IllegalArgumentException("step size must be positive, got " + stepSize);
    }
    this.target = target;
    this.stepSize = (float) stepSize;
  }

  @Override
  public String name() {
    return "mala";
  }

  @Override
  public Step step(NDArray x) {
    NDArray forwardMean = x.add(Scalars.times(target.score(x), stepSize));
    NDArray proposal = forwardMean.add(x.getManager().randomNormal(x.getShape())
        .muli((float) Math.sqrt(2 * stepSize)));
    NDArray backwardMean = proposal.add(Scalars.times(target.score(proposal), stepSize));
    NDArray logForward = logProposal(proposal, forwardMean); // log q(x' | x)
    NDArray logBackward = logProposal(x, backwardMean); // log q(x | x')
    NDArray logRatio = target.logDensity(proposal).sub(target.logDensity(x))
        .addi(logBackward).subi(logForward);
    return MetropolisAcceptance.decide(x, proposal, logRatio);
  }

  /** log N(to; mean, 2η I) up to the constant that cancels in the ratio, shape (N). */
  private NDArray logProposal(NDArray to, NDArray mean) {
    return to.sub(mean).square().sum(new int[] {1}).divi(-4 * stepSize);
  }
}
