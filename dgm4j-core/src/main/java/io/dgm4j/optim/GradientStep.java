package io.dgm4j.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.Supplier;

/**
 * The one place where a loss becomes a parameter update, for every objective and every player
 * of a two-player objective: record the loss under autograd, refuse a non-finite loss, back-
 * propagate, refuse a non-finite gradient (a finite loss can still have one), clip the global
 * gradient norm, and take an Adam step. A refused step changes nothing: the gradients are zeroed
 * and {@link NonFiniteException} says what was not finite.
 */
public final class GradientStep {
  private GradientStep() {}

  /**
   * One minimisation step of {@code loss} (a scalar built from the parameters {@code optimizer}
   * updates).
   *
   * @param loss builds the scalar loss; called once, inside the gradient collector
   * @param optimizer the optimizer of the parameters the loss should move
   * @param clipNorm the global gradient-norm clip; 0 disables it
   * @param learningRate this step's learning rate
   * @return the loss value
   * @throws NonFiniteException when the loss or the gradient is NaN or infinite
   */
  public static double minimize(Supplier<NDArray> loss, Adam optimizer, double clipNorm,
      double learningRate) {
    double value;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray scalar = loss.get();
      value = scalar.getFloat();
      if (!Double.isFinite(value)) {
        throw new NonFiniteException("loss", value);
      }
      collector.backward(scalar);
    }
    double norm = optimizer.gradientNorm();
    if (!Double.isFinite(norm)) {
      optimizer.zeroGradients();
      throw new NonFiniteException("gradient norm", norm);
    }
    optimizer.clipGradientNorm(clipNorm, norm);
    optimizer.step(learningRate);
    return value;
  }
}
