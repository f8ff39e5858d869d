package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A {@link Conditional} model that scores every class for an input — log p(x, y) =
 * log p(x | y) + log p(y) — and so classifies by Bayes' rule, p(y | x) ∝ p(x, y) (seed 003), and
 * gives log p(x) = logsumexp_y log p(x, y) on the way.
 */
public interface ClassConditional extends Conditional {

  /**
   * log p(x, y) for every class y.
   *
   * @param x shape (N, D)
   * @return shape (N, classes())
   */
  NDArray classLogJoint(NDArray x);
}
