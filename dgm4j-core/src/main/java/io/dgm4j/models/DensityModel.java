package io.dgm4j.models;

import ai.djl.ndarray.NDArray;

/**
 * A model of p(x) whose log-likelihood is exact.
 *
 * <p>One meaning per method, the same in every family:
 *
 * <ul>
 *   <li>{@link #logProb(NDArray)}: exact log p(x) in nats, one value per row of x — a
 *       probability mass for {@link Support#BINARY} models, a density for {@link Support#REAL};
 *   <li>{@link #sample}: n independent draws x ~ p(x), shape (n, D);
 *   <li>{@link #trainingLogProb(Batch, long)}: the log-likelihood a maximum-likelihood step
 *       maximises; equal to logProb except for models trained as an ensemble one member at a
 *       time (MADE with several masks: they override {@link #trainingLogProb(NDArray, long)})
 *       and for conditional models, which override this one to use the batch's labels.
 * </ul>
 *
 * A model owns its tensors in its own manager; closing the model frees them.
 */
public interface DensityModel extends GenerativeModel, Samplable {

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
   * @return shape (N)
   */
  default NDArray trainingLogProb(Batch batch, long step) {
    return trainingLogProb(batch.x(), step);
  }

  /**
   * The unconditional log-likelihood maximised at training step {@code step}; logProb unless
   * the model trains one ensemble member per step.
   *
   * @param x shape (N, D)
   * @return shape (N)
   */
  default NDArray trainingLogProb(NDArray x, long step) {
    return logProb(x);
  }

  /**
   * The maximum-likelihood loss of a batch at training step {@code step}: the mean negative
   * log-likelihood -(1/N) sum_n trainingLogProb(x_n), shape (). Under autograd its gradient
   * with respect to the parameters is exact. Models with a hand-derived gradient (NADE) compute
   * it outside autograd and return a scalar of the same value carrying that gradient to the
   * parameters only (not to x); everything that needs gradients with respect to x uses
   * {@link #logProb}.
   */
  default NDArray meanNegativeLogLikelihood(Batch batch, long step) {
    return trainingLogProb(batch, step).mean().neg();
  }
}
