package io.dgm4j.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few autograd operations DJL's public {@code GradientCollector} does not offer, reached
 * through the PyTorch engine's JNI layer. Kept in this one class so the rest of dgm4j depends
 * only on DJL's engine-neutral API.
 */
public final class Autograd {
  private Autograd() {}

  /** Sets the gradient buffer of {@code parameter} to zero (PyTorch {@code tensor.grad.zero_()}). */
  public static void zeroGradient(NDArray parameter) {
    JniUtils.zeroGrad((PtNDArray) parameter);
  }

  /**
   * Back-propagates {@code target} with a graph of the gradients kept, so that the gradients
   * themselves can be differentiated again (second-order methods: score matching, gradient
   * penalties). Call inside an open GradientCollector.
   */
  public static void backwardCreatingGraph(NDArray target, NDArray gradientOfTarget) {
    JniUtils.backward((PtNDArray) target, (PtNDArray) gradientOfTarget, true, true);
  }

  /**
   * The gradient of Σ_n f(x)_n with respect to the input x, one row per example: for a per-example
   * log-density f this is the score ∇x f(x), shape (N, D). The forward pass runs on a copy of x
   * (x itself is left without a gradient) inside its own gradient collector, so this must not be
   * called while another collector is open (DJL allows one at a time): run samplers between
   * training steps, not inside a loss.
   *
   * <p>Any parameter f reads also receives a gradient from this backward pass; the tensors in
   * {@code parametersToClear} have theirs set back to zero afterwards, so that sampling between
   * optimizer steps (when gradients are zero) leaves them as it found them.
   *
   * @param f a per-example function, (N, D) → (N)
   * @param x shape (N, D)
   * @param parametersToClear the trainable tensors f depends on (may be empty)
   * @return ∇x Σ_n f(x)_n, shape (N, D), in x's manager, with no gradient attached
   */
  public static NDArray inputGradient(UnaryOperator<NDArray> f, NDArray x,
      Iterable<NDArray> parametersToClear) {
    NDArray input = x.duplicate();
    input.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(f.apply(input).sum());
    }
    NDArray gradient = input.getGradient().duplicate();
    input.close();
    for (NDArray p : parametersToClear) {
      if (p.hasGradient()) {
        zeroGradient(p);
      }
    }
    return gradient;
  }
}
