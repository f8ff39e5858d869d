package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A density model factorised by the chain rule along an ordering o of the coordinates:
 * p(x) = prod_i p(x_{o(i)} | x_{o(1)}, ..., x_{o(i-1)}).
 */
public interface AutoregressiveModel extends DensityModel {

  /**
   * Conditional completion by the chain rule: keeps the coordinates where {@code observed} is 1
   * and draws the rest one at a time in the model's ordering, each from p(x_d | everything
   * before d).
   *
   * <p>This is an exact draw from p(x_unobserved | x_observed) when
   * {@link #completesExactly(NDArray)} says so (every observed coordinate comes before every
   * unobserved one in the ordering: for a raster ordering, the top rows of an image).
   * Otherwise each draw conditions only on the observed values that precede it: it is NOT the
   * conditional, only a starting point for an MCMC correction on log p(x)
   * ({@code io.dgm4j.sampling.GibbsCompletion}).
   *
   * @param x shape (N, D); the values at unobserved coordinates are ignored
   * @param observed shape (N, D) or (D), 1 where the value is given, 0 where it is to be drawn
   * @return shape (N, D), equal to x where observed
   */
  NDArray complete(NDArray x, NDArray observed);

  /**
   * The ordering used for sampling: {@code ordering()[i]} is the coordinate generated i-th.
   * Models trained over many orderings return the one {@link #complete} uses.
   */
  int[] ordering();

  /**
   * Whether {@link #complete} draws exactly from p(x_unobserved | x_observed) for this mask:
   * in every row the observed coordinates are the first ones of the ordering.
   *
   * @param observed shape (N, D) or (D), 1 where the value is given
   */
  default boolean completesExactly(NDArray observed) {
    return observedIsPrefix(observed, ordering());
  }

  /** Whether, in every row of {@code observed}, the 1s are the first coordinates of order. */
  static boolean observedIsPrefix(NDArray observed, int[] order) {
    float[] mask = observed.toFloatArray();
    int dimension = order.length;
    for (int row = 0; row < mask.length / dimension; row++) {
      boolean seenUnobserved = false;
      for (int d : order) {
        boolean given = mask[row * dimension + d] != 0f;
        if (given && seenUnobserved) {
          return false;
        }
        seenUnobserved |= !given;
      }
    }
    return true;
  }
}
