package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A path of unnormalized distributions p*_β, β from 0 to 1, for annealed importance sampling:
 * p_0 is a tractable base (its samples and its log Z known), p_1 the target whose log Z is
 * wanted. Usually the geometric path p*_β = p*_0^(1−β) p*_1^β.
 */
public interface AnnealingPath {

  /** {@code runs} independent draws from the base p_0, shape (runs, D), in {@code manager}. */
  NDArray sampleBase(NDManager manager, int runs);

  /** log Z of the base distribution p_0. */
  double baseLogZ();

  /**
   * log p*_β(x), shape (N).
   *
   * @param x shape (N, D)
   */
  NDArray logDensity(NDArray x, double beta);

  /**
   * One Markov transition from each row of x that leaves p_β invariant.
   *
   * @return shape (N, D)
   */
  NDArray transition(NDArray x, double beta);

  /**
   * log p*_to(x) − log p*_from(x), shape (N): the importance weight's increment. Paths that can
   * share work between the two terms override this.
   */
  default NDArray logWeightIncrement(NDArray x, double from, double to) {
    return logDensity(x, to).sub(logDensity(x, from));
  }
}
