package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A density model factorised by the chain rule along an ordering o of the coordinates:
 * p(x) = prod_i p(x_{o(i)} | x_{o(1)}, ..., x_{o(i-1)}).
 */
public interface AutoregressiveModel extends DensityModel, Completer {

  /**
   * Conditional completion: keeps the coordinates where {@code observed} is 1 and draws the rest
   * one at a time in the model's ordering, each from p(x_d | everything before d).
   *
   * <p>This is an exact draw from p(x_unobserved | x_observed) when every observed coordinate
   * comes before every unobserved one in the ordering (for a raster ordering: the top rows of an
   * image); otherwise each draw conditions only on the observed values that precede it.
   *
   * @param x shape (N, D); the values at unobserved coordinates are ignored
   * @param observed shape (N, D) or (D), 1 where the value is given, 0 where it is to be drawn
   * @return shape (N, D), equal to x where observed
   */
  @Override
  NDArray complete(NDArray x, NDArray observed);

  /**
   * The ordering used for sampling: {@code ordering()[i]} is the coordinate generated i-th.
   * Models trained over many orderings return the one {@link #complete} uses.
   */
  int[] ordering();

  @Override
  default String completionMethod(NDArray observed) {
    float[] o = observed.toFloatArray();
    boolean seenUnobserved = false;
    for (int d : ordering()) {
      if (o[d] == 0f) {
        seenUnobserved = true;
      } else if (seenUnobserved) {
        return "ancestral in the model's ordering; NOT the exact conditional: some observed"
            + " values come after values drawn before them";
      }
    }
    return "exact: the observed values precede the rest in the model's ordering";
  }
}
