package io.dgm4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dgm4j.nn.Parameters;

/**
 * A model of p(x) over vectors x of {@link #dimension()} values whose log-likelihood is exact.
 *
 * <p>One meaning per method, the same in every family:
 *
 * <ul>
 *   <li>{@link #logProb(NDArray)}: exact log p(x) in nats, one value per row of x — a
 *       probability mass for {@link Support#BINARY} models, a density for {@link Support#REAL};
 *   <li>{@link #sample(NDManager, int)}: n independent draws x ~ p(x), shape (n, D);
 *   <li>{@link #trainingLogProb(NDArray, long)}: the log-likelihood a maximum-likelihood step
 *       maximises; equal to logProb except for models trained as an ensemble one member at a
 *       time (MADE with several masks);
 * </ul>
 *
 * A model owns its tensors in its own {@link NDManager}; closing the model frees them.
 */
public interface DensityModel extends AutoCloseable {

  /** The registry name of this family, e.g. {@code "made"}. */
  String family();

  /** The number of values per example, D. */
  int dimension();

  /** The values x may take. */
  Support support();

  /** The model's configuration record (saved as JSON next to the weights). */
  Record config();

  /** The trainable tensors. */
  Parameters parameters();

  /**
   * Exact log p(x) in nats.
   *
   * @param x shape (N, D), float32
   * @return shape (N)
   */
  NDArray logProb(NDArray x);

  /**
   * The log-likelihood maximised at training step {@code step}; see the class comment.
   *
   * @param x shape (N, D)
   * @return shape (N)
   */
  default NDArray trainingLogProb(NDArray x, long step) {
    return logProb(x);
  }

  /**
   * Draws {@code n} independent samples using the engine's random generator (seed it with
   * {@code Engines.seed}).
   *
   * @return shape (n, D), in {@code manager}
   */
  NDArray sample(NDManager manager, int n);

  /** The manager that owns this model's tensors. */
  NDManager manager();

  /**
   * Number of free parameters: the trainable scalars the model can actually use. Models that
   * store masked weight matrices (FVSBN, MADE) count only the entries some mask lets through,
   * so the count compares across families and with the papers.
   */
  default long parameterCount() {
    return parameters().count();
  }

  @Override
  default void close() {
    manager().close();
  }
}
