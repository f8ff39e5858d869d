package io.dgm4j.models;

import ai.djl.ndarray.NDManager;
import io.dgm4j.nn.Parameters;

/**
 * What every model in dgm4j has, whatever it can compute: a family name, a configuration, its
 * trainable parameters in its own {@link NDManager}, the dimension D of one example and the
 * values an example may take.
 *
 * <p>What a model can <em>do</em> is said by the contracts beside this one, never by a method
 * that throws:
 *
 * <ul>
 *   <li>{@link DensityModel}: exact {@code logProb(x)} (autoregressive models, mixtures, flows);
 *   <li>{@link LatentVariableModel}: {@code elbo(x)}, a bound, and {@code logProbEstimate(x, k)},
 *       an importance-sampled estimate that says it is one (VAE, IWAE);
 *   <li>{@link EnergyModel}: {@code energy(x)}, {@code score(x)} and {@code logZ()} only where it is
 *       known (RBM, deep energy models);
 *   <li>capabilities any of them may add: {@link Samplable} (draw x ~ p), {@link Encoder}
 *       (features), {@link Conditional} (a class label), {@link Completer} (observed part → the
 *       rest).
 * </ul>
 *
 * Commands ask a model which of these it implements and say plainly when it implements none
 * they need.
 */
public interface GenerativeModel extends AutoCloseable {

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
