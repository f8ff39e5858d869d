package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A model whose conditionals are tractable in blocks, so that one Gibbs sweep can redraw all of
 * x at once (an RBM: every hidden unit given the visible ones, then every visible unit given the
 * hidden ones). Each sweep must leave the model's distribution over x invariant.
 */
public interface GibbsSweep {

  /**
   * One full Gibbs sweep from each row of x.
   *
   * @param x shape (N, D)
   * @return the next states, shape (N, D)
   */
  NDArray gibbsSweep(NDArray x);
}
