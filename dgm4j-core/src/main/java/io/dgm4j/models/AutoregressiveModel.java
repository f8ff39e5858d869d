package io.dgm4j.models;

import ai.djl.ndarray.NDArray;
import io.dgm4j.sampling.GibbsCompletion;

/**
 * A density model factorised by the chain rule along an ordering o of the coordinates:
 * p(x) = prod_i p(x_{o(i)} | x_{o(1)}, ..., x_{o(i-1)}).
 *
 * <p>Completion. {@link #chainRuleComplete} draws the unobserved coordinates one at a time in
 * the ordering; that is an exact draw from p(x_u | x_o) only when the observed coordinates
 * come first ({@link #completesExactly}), e.g. the top rows of an image under a raster
 * ordering. {@link #complete} always targets p(x_u | x_o): the chain-rule draw when it is
 * exact, otherwise that draw followed by Gibbs sweeps on the exact log p(x)
 * ({@link GibbsCompletion}; binary models), and for real-valued models a refusal.
 */
public interface AutoregressiveModel extends DensityModel, Completer {

  /**
   * Chain-rule completion: keeps the coordinates where {@code observed} is 1 and draws the rest
   * one at a time in the model's ordering, each from p(x_d | everything before d). Exact when
   * {@link #completesExactly} holds; otherwise each draw conditions only on the observed
   * values that precede it, which is not the conditional.
   *
   * @param x shape (N, D); the values at unobserved coordinates are ignored
   * @param observed shape (N, D) or (D), 1 where the value is given, 0 where it is to be drawn
   * @return shape (N, D), equal to x where observed
   */
  NDArray chainRuleComplete(NDArray x, NDArray observed);

  /**
   * The ordering used for sampling: {@code ordering()[i]} is the coordinate generated i-th.
   * Models trained over many orderings return the one {@link #chainRuleComplete} uses.
   */
  int[] ordering();

  /** A draw from p(x_u | x_o), with {@link GibbsCompletion#DEFAULT_SWEEPS} where needed. */
  @Override
  default NDArray complete(NDArray x, NDArray observed) {
    return complete(x, observed, GibbsCompletion.DEFAULT_SWEEPS);
  }

  /**
   * A draw from p(x_u | x_o): exact when {@link #completesExactly} holds, otherwise the
   * chain-rule draw refined by {@code sweeps} Gibbs sweeps on log p(x) (binary models only).
   *
   * @throws IllegalArgumentException for a real-valued model whose observed values do not
   *     come first in its ordering
   */
  @Override
  default NDArray complete(NDArray x, NDArray observed, int sweeps) {
    boolean exact = completesExactly(observed);
    if (!exact && support() != Support.BINARY) {
      throw new IllegalArgumentException(family() + ": the observed values do not come first"
          + " in the model's ordering, and for real values only that case is exact; observe"
          + " the first coordinates of the ordering (for images with a raster ordering:"
          + " --observe top-half)");
    }
    NDArray start = chainRuleComplete(x, observed);
    return exact ? start : GibbsCompletion.refine(this::logProb, start, observed, sweeps);
  }

  @Override
  default String completionMethod(NDArray observed, int sweeps) {
    if (completesExactly(observed)) {
      return "exact draws from p(missing | observed): the observed values come first in the"
          + " model's ordering";
    }
    if (support() != Support.BINARY) {
      return "not available: the observed values do not come first in the model's ordering";
    }
    return "MCMC: the chain-rule draw, then " + sweeps + " Gibbs sweeps on log p(x), which"
        + " converge to p(missing | observed); not exact after finitely many sweeps";
  }

  /**
   * Whether {@link #chainRuleComplete} draws exactly from p(x_unobserved | x_observed) for this
   * mask: in every row the observed coordinates are the first ones of the ordering.
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
