package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;

/**
 * Random-walk Metropolis-Hastings as seed 004 writes it: propose x' = x + σ ε with ε ~ N(0, I);
 * if f(x') &gt; f(x) move to x', otherwise move with probability exp(f(x') − f(x)). The Gaussian
 * proposal is symmetric, so the Hastings correction cancels (Metropolis et al., 1953; Hastings,
 * 1970). For real-valued x.
 *
 * <p>σ trades step length against acceptance; about 0.23 acceptance is optimal for many
 * dimensions (Roberts, Gelman and Gilks, 1997), about 0.44 in one.
 */
public final class RandomWalkMetropolis implements TransitionKernel {
  private final LogDensity target;
  private final float stepSize;

  /**
   * @param target the unnormalized log-density f
   * @param stepSize σ, the proposal's standard deviation per coordinate (&gt; 0)
   */
  public RandomWalkMetropolis(LogDensity target, double stepSize) {
    if (!(stepSize > 0)) {
      throw new IllegalArgumentException("step size must be positive, got " + stepSize);
    }
    this.target = target;
    this.stepSize = (float) stepSize;
  }

  @Override
  public String name() {
    return "mh";
  }

  @Override
  public Step step(NDArray x) {
    NDArray proposal = x.add(x.getManager().randomNormal(x.getShape()).muli(stepSize));
    NDArray logRatio = target.logDensity(proposal).sub(target.logDensity(x));
    return MetropolisAcceptance.decide(x, proposal, logRatio);
  }
}
