package io.dgm4j.sampling;

import ai.djl.ndarray.NDArray;
import io.dgm4j.engine.Autograd;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The target of a Markov chain: an unnormalized log-density f(x) = log p(x) + log Z, one value per
 * row of a batch. No sampler here needs Z: Metropolis-Hastings uses only differences
 * f(x') − f(x), Langevin and MALA the score ∇x f(x), which Z does not change (seed 004).
 *
 * <p>For an energy-based model f = −E; for a model with an exact likelihood f = log p. Adapters
 * from models live beside the models ({@code io.dgm4j.models.LogDensities}), so this package
 * depends on nothing but the engine.
 */
@FunctionalInterface
public interface LogDensity {

  /**
   * f(x) = log p(x) + const.
   *
   * @param x shape (N, D)
   * @return shape (N)
   */
  NDArray logDensity(NDArray x);

  /**
   * The score ∇x f(x), shape (N, D); by default from autograd through {@link #logDensity}.
   * Not to be called while a gradient collector is open.
   */
  default NDArray score(NDArray x) {
    return Autograd.inputGradient(this::logDensity, x, List.of());
  }

  /**
   * A log-density whose score comes from autograd, clearing afterwards the gradients this pass
   * leaves on {@code parameters} (a model's trainable tensors), so sampling between optimizer
   * steps does not disturb training.
   */
  static LogDensity of(UnaryOperator<NDArray> logDensity, Iterable<NDArray> parameters) {
    return new LogDensity() {
      @Override
      public NDArray logDensity(NDArray x) {
        return logDensity.apply(x);
      }

      @Override
      public NDArray score(NDArray x) {
        return Autograd.inputGradient(logDensity, x, parameters);
      }
    };
  }

  /** A log-density with a score of its own (closed form, or a model's {@code score(x)}). */
  static LogDensity withScore(UnaryOperator<NDArray> logDensity, UnaryOperator<NDArray> score) {
    return new LogDensity() {
      @Override
      public NDArray logDensity(NDArray x) {
        return logDensity.apply(x);
      }

      @Override
      public NDArray score(NDArray x) {
        return score.apply(x);
      }
    };
  }
}
