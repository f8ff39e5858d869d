package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;

/**
 * One transition of a batch of independent Markov chains that leaves the target distribution
 * invariant (or, for unadjusted Langevin, approximately so). Chains are the rows of x.
 *
 * <p>Random numbers come from the engine's generator ({@code Engines.seed} makes a run
 * repeatable). Kernels allocate only temporaries; {@link Chains} runs each transition inside its
 * own scope and keeps the state.
 */
public interface TransitionKernel {

  /** A short name for reports, e.g. {@code mala}. */
  String name();

  /**
   * Advances every chain by one transition.
   *
   * @param x the current states, shape (N, D)
   * @return the next states and, for kernels that accept or reject, which chains moved
   */
  Step step(NDArray x);

  /**
   * The result of one transition.
   *
   * @param next the next states, shape (N, D)
   * @param accepted shape (N), 1 where the proposal was accepted, 0 where rejected; {@code null}
   *     for kernels that always move (Gibbs, unadjusted Langevin)
   */
  record Step(NDArray next, NDArray accepted) {}
}
