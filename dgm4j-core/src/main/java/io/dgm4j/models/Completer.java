package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A model that fills in the unobserved part of an example given the observed part: a draw from
 * p(x_unobserved | x_observed), exactly or by a chain that converges to it. Implementations say
 * in {@link #completionMethod(NDArray, int)} which it is for a given mask, and commands print
 * it.
 */
public interface Completer {

  /**
   * Keeps x where {@code observed} is 1 and draws the rest, with the model's default number of
   * chain steps where it needs a chain.
   *
   * @param x shape (N, D); values at unobserved coordinates are ignored
   * @param observed shape (N, D) or (D), 1 where the value is given, 0 where it is to be drawn
   * @return shape (N, D), equal to x where observed
   */
  NDArray complete(NDArray x, NDArray observed);

  /**
   * As {@link #complete(NDArray, NDArray)}, with {@code sweeps} chain sweeps where the draw
   * needs a chain (ignored where it is exact).
   */
  default NDArray complete(NDArray x, NDArray observed, int sweeps) {
    return complete(x, observed);
  }

  /**
   * How {@link #complete(NDArray, NDArray, int)} draws for this mask and number of sweeps, in
   * words a user reads next to the result, e.g. "exact: observed pixels precede the rest in
   * the ordering" or "MCMC: ... 20 Gibbs sweeps ...".
   *
   * @param observed shape (D)
   */
  String completionMethod(NDArray observed, int sweeps);

  /** {@code observed} as one row per example of {@code x}: (D) is repeated, (N, D) kept. */
  static NDArray perExample(NDArray observed, NDArray x) {
    return observed.getShape().dimension() == 1
        ? observed.reshape(1, x.getShape().get(1)).broadcast(x.getShape()) : observed;
  }
}
