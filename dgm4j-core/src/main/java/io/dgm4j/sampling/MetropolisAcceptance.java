package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;

/** The accept/reject step shared by every Metropolis-Hastings kernel. */
final class MetropolisAcceptance {
  private MetropolisAcceptance() {}

  /**
   * Accepts each chain's proposal with probability min(1, exp(logRatio)): accepted outright when
   * the ratio is at least 1, otherwise when a uniform u satisfies log u &lt; logRatio. A NaN ratio
   * rejects.
   *
   * @param x current states (N, D)
   * @param proposal proposed states (N, D)
   * @param logRatio log of the Metropolis-Hastings ratio, shape (N)
   */
  static TransitionKernel.Step decide(NDArray x, NDArray proposal, NDArray logRatio) {
    NDArray u = x.getManager().randomUniform(0f, 1f, logRatio.getShape());
    NDArray accept = u.log().lt(logRatio).toType(x.getDataType(), false); // (N); 0 for NaN
    NDArray a = accept.expandDims(1); // (N, 1), exactly 0 or 1, so each row is copied exactly
    NDArray next = proposal.mul(a).addi(x.mul(a.neg().addi(1f)));
    return new TransitionKernel.Step(next, accept);
  }
}
